"""Reading a program's sessions: its staff schedule by month, one session, a series; and new calendar uids."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from server import clock
from server.db import raw
from server.errors import NotFound
from server.people.tables import Staff
from server.schedule import recurrence
from server.schedule.tables import ProgramSession, Series, SessionFacilitator

T_SESSION = ProgramSession._meta.tablename
T_FACILITATOR = SessionFacilitator._meta.tablename
T_STAFF = Staff._meta.tablename

STATUSES = ("scheduled", "cancelled", "held")


def attendance_due(session: dict[str, Any], timezone: str, now: datetime) -> bool:
    """Whether staff may take a session's attendance now: not cancelled, and on or before today where the program is
    (a facilitator opens the sheet before the meeting starts, during it, or types in a paper register later). The
    program must be open too (programs.rules.is_open): the caller knows the program."""
    return session["status"] != "cancelled" and session["starts_at"].astimezone(ZoneInfo(timezone)).date() <= (
        clock.today(timezone, now)
    )


def new_uid() -> str:
    return f"{uuid.uuid4()}@gotong"


SESSION_COLUMNS = (
    ProgramSession.id,
    ProgramSession.program,
    ProgramSession.series,
    ProgramSession.uid,
    ProgramSession.sequence,
    ProgramSession.status,
    ProgramSession.starts_at,
    ProgramSession.ends_at,
    ProgramSession.original_start,
    ProgramSession.detached,
    ProgramSession.topic,
    ProgramSession.location,
    ProgramSession.online_link,
    ProgramSession.cancel_reason,
    ProgramSession.notes,
)


async def session_rows(where: Any, program_id: int | None = None) -> list[dict[str, Any]]:
    """Sessions with their series rule and facilitators, in two queries whatever their number."""
    rows = (
        await ProgramSession.select(*SESSION_COLUMNS, ProgramSession.series.rrule.as_alias("series_rrule"))
        .where(where)
        .order_by(ProgramSession.starts_at)
        .order_by(ProgramSession.id)
        .run()
    )
    await attach_facilitators(rows, program_id)
    return rows


async def attach_facilitators(rows: list[dict[str, Any]], program_id: int | None = None) -> None:
    """Each session row's facilitators (staff_id and name, by name) and their ids, in one query: the links of the
    rows' sessions, or (for a whole program's rows) of the program's sessions."""
    for row in rows:
        row["facilitators"] = []
        row["facilitator_ids"] = []
    if not rows:
        return
    params: dict[str, Any]
    if program_id is None:
        which, params = 'f."session" IN (:sessions)', {"sessions": [row["id"] for row in rows]}
    else:
        which = f'f."session" IN (SELECT s.id FROM "{T_SESSION}" s WHERE s.program = :program)'
        params = {"program": program_id}
    links = await raw(
        f"""
        SELECT f."session" AS "session", f.staff AS staff, st.display_name AS name
        FROM "{T_FACILITATOR}" f JOIN "{T_STAFF}" st ON st.id = f.staff
        WHERE {which} ORDER BY st.display_name
        """,
        **params,
    )
    by_id = {row["id"]: row for row in rows}
    for link in links:
        linked = by_id.get(link["session"])
        if linked is not None:
            linked["facilitators"].append({"staff_id": link["staff"], "name": link["name"]})
            linked["facilitator_ids"].append(link["staff"])


def _month_groups(rows: list[dict[str, Any]], zone: ZoneInfo) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for row in rows:
        local = recurrence.to_local(row["starts_at"], zone)
        month = date(local.year, local.month, 1)
        if not groups or groups[-1]["month"] != month:
            groups.append({"month": month, "sessions": []})
        groups[-1]["sessions"].append(row)
    return groups


async def program_schedule(program: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """A program's sessions for its staff schedule: upcoming (soonest first) and past (latest first), by month.
    Cancelled sessions stay in the list, marked; the page runs the same queries whatever their number."""
    now = now or clock.now()
    rows = await session_rows(ProgramSession.program == program["id"], program["id"])
    upcoming = [row for row in rows if row["ends_at"] >= now]
    past = [row for row in rows if row["ends_at"] < now]
    past.reverse()
    zone = ZoneInfo(program["timezone"])
    return {
        "upcoming": _month_groups(upcoming, zone),
        "past": _month_groups(past, zone),
        "upcoming_count": len(upcoming),
        "past_count": len(past),
        "cancelled_count": sum(1 for row in upcoming if row["status"] == "cancelled"),
    }


async def get_session(program: dict[str, Any], session_id: int) -> dict[str, Any]:
    """One session of this program; a session of another program is not found, whatever its id."""
    rows = await session_rows((ProgramSession.id == session_id) & (ProgramSession.program == program["id"]))
    if not rows:
        raise NotFound("session")
    return rows[0]


async def get_series(series_id: int) -> dict[str, Any] | None:
    return await Series.select().where(Series.id == series_id).first().run()
