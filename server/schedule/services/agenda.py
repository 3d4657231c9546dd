"""A staff member's agenda: the coming sessions of the programs they work on."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server import clock, privacy
from server.db import as_datetime, raw
from server.people.tables import Staff
from server.programs.rules import is_open
from server.programs.services.access import managed_program_ids
from server.programs.tables import Program, TeamMember
from server.schedule.services.sessions import SESSION_COLUMNS, attach_facilitators, attendance_due
from server.schedule.tables import ProgramSession, SessionFacilitator
from server.web.access import CurrentStaff

AGENDA_DAYS = {"week": 7, "month": 31}
# A session ends on the day it starts (details.slot), so one still running now started less than a day ago, give or
# take a change of clocks. The agenda reads sessions by their start from this far back: a range of the starts_at
# index whose length follows the agenda's days, not the number of sessions ever held.
LONGEST_SESSION = timedelta(hours=26)


async def _agenda_where(staff: CurrentStaff, days: int, now: datetime) -> Any:
    """The condition on sessions of a staff member's agenda; None when they manage no program."""
    local_midnight = datetime.combine(clock.organisation_today(now), time(0), ZoneInfo(clock.organisation_timezone()))
    start_of_today = local_midnight.astimezone(UTC)
    program_ids = await managed_program_ids(staff)
    if program_ids is not None and not program_ids:
        return None
    where = (
        (ProgramSession.starts_at >= min(start_of_today, now - LONGEST_SESSION))
        & (ProgramSession.starts_at < now + timedelta(days=days))
        & ((ProgramSession.ends_at >= now) | (ProgramSession.starts_at >= start_of_today))
        & (ProgramSession.program.archived == False)  # noqa: E712
    )
    if program_ids is not None:
        where &= ProgramSession.program.is_in(program_ids)
    return where


async def count_staff_agenda(
    staff: CurrentStaff, days: int = 7, now: datetime | None = None, *, up_to: int | None = None
) -> int:
    """How many sessions staff_agenda holds; with `up_to`, counting stops there (an organizer's week holds every
    program's sessions: a page that says "more than …" reads at most that many, in the order of the starts_at
    index). Two queries."""
    where = await _agenda_where(staff, days, now or clock.now())
    if where is None:
        return 0
    if up_to is None:
        return await ProgramSession.count().where(where).run()
    rows = (
        await ProgramSession.select(ProgramSession.id)
        .where(where)
        .order_by(ProgramSession.starts_at)
        .limit(up_to)
        .run()
    )
    return len(rows)


async def staff_agenda(
    staff: CurrentStaff, days: int = 7, now: datetime | None = None, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """The sessions of a staff member's programs (every program for organizers) in the next `days` days,
    with real titles: the agenda is a staff page. Today's sessions stay on it after they end (the organisation's day),
    so a facilitator finds the sheet of the meeting just held; cancelled ones are marked. `take_attendance`: the
    sheet may be filled in now (schedule's attendance_due, in an open program). `limit` sessions from `offset` (all
    when None), in time order."""
    now = now or clock.now()
    where = await _agenda_where(staff, days, now)
    if where is None:
        return []
    query = (
        ProgramSession.select(
            *SESSION_COLUMNS,
            ProgramSession.program.slug.as_alias("program_slug"),
            ProgramSession.program.title.as_alias("program_real_title"),
            ProgramSession.program.public_title.as_alias("program_public_title"),
            ProgramSession.program.discreet.as_alias("program_discreet"),
            ProgramSession.program.timezone.as_alias("timezone"),
            ProgramSession.program.phase.as_alias("program_phase"),
        )
        .where(where)
        .order_by(ProgramSession.starts_at)
        .order_by(ProgramSession.id)
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = await query.run()
    await attach_facilitators(rows)
    viewer = privacy.Viewer(privacy.TEAM)  # only the viewer's own programs, or every one for organizers
    for row in rows:
        row["program_title"] = privacy.title(
            {
                "title": row.pop("program_real_title"),
                "public_title": row.pop("program_public_title"),
                "discreet": row.pop("program_discreet"),
            },
            viewer,
            privacy.PAGE,
        )
        row["mine"] = staff.id in row["facilitator_ids"]
        row["take_attendance"] = is_open({"phase": row.pop("program_phase"), "archived": False}) and attendance_due(
            row, row["timezone"], now
        )
    return rows


T_PROGRAM = Program._meta.tablename
T_SESSION = ProgramSession._meta.tablename
T_TEAM = TeamMember._meta.tablename
T_FACILITATOR = SessionFacilitator._meta.tablename
T_STAFF = Staff._meta.tablename
_AGENDA_COLUMNS = (
    "s.id AS id, s.program AS program, s.series AS series, s.uid AS uid, s.sequence AS sequence, s.status AS status, "
    "s.starts_at AS starts_at, s.ends_at AS ends_at, s.original_start AS original_start, s.detached AS detached, "
    "s.topic AS topic, s.location AS location, s.online_link AS online_link, s.cancel_reason AS cancel_reason, "
    "s.notes AS notes, p.slug AS program_slug, p.title AS program_real_title, p.public_title AS program_public_title, "
    "p.discreet AS program_discreet, p.timezone AS timezone, p.phase AS program_phase"
)


async def staff_agenda_page(
    staff: CurrentStaff, days: int, now: datetime, *, limit: int, offset: int = 0, up_to: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of staff_agenda (same rows, same order) and how many sessions it holds, counting stopping at
    `up_to` (count_staff_agenda), in one query, plus one for the facilitators: the dashboard's agenda is written
    in SQL rather than built by the ORM, whose query building cost about as much as the queries themselves."""
    local_midnight = datetime.combine(clock.organisation_today(now), time(0), ZoneInfo(clock.organisation_timezone()))
    start_of_today = local_midnight.astimezone(UTC)
    scope = (
        "" if staff.is_organizer else f' AND s.program IN (SELECT t.program FROM "{T_TEAM}" t WHERE t.staff = :staff)'
    )
    where = (
        "s.starts_at >= :since AND s.starts_at < :until AND (s.ends_at >= :now OR s.starts_at >= :today) "
        f"AND p.archived = :archived{scope}"
    )
    sessions = f'"{T_SESSION}" s JOIN "{T_PROGRAM}" p ON p.id = s.program'
    rows = await raw(
        f"""
        SELECT c.n AS total, a.* FROM
        (SELECT COUNT(*) AS n FROM (SELECT s.id FROM {sessions} WHERE {where} ORDER BY s.starts_at LIMIT :up_to) x) c
        LEFT JOIN (SELECT {_AGENDA_COLUMNS} FROM {sessions} WHERE {where}
                   ORDER BY s.starts_at, s.id LIMIT :limit OFFSET :offset) a ON 1 = 1
        ORDER BY a.starts_at, a.id
        """,
        since=min(start_of_today, now - LONGEST_SESSION),
        until=now + timedelta(days=days),
        now=now,
        today=start_of_today,
        archived=False,
        staff=staff.id,
        up_to=up_to,
        limit=max(limit, 0),
        offset=offset,
    )
    total = int(rows[0]["total"] or 0) if rows else 0
    found = [row for row in rows if row["id"] is not None]
    for row in found:
        del row["total"]
        for key in ("starts_at", "ends_at", "original_start"):
            row[key] = as_datetime(row[key])
        row["detached"] = bool(row["detached"])
    await _attach_facilitators(found)
    viewer = privacy.Viewer(privacy.TEAM)  # only the viewer's own programs, or every one for organizers
    for row in found:
        row["program_title"] = privacy.title(
            {
                "title": row.pop("program_real_title"),
                "public_title": row.pop("program_public_title"),
                "discreet": bool(row.pop("program_discreet")),
            },
            viewer,
            privacy.PAGE,
        )
        row["mine"] = staff.id in row["facilitator_ids"]
        row["take_attendance"] = is_open({"phase": row.pop("program_phase"), "archived": False}) and attendance_due(
            row, row["timezone"], now
        )
    return found, min(total, up_to)


async def _attach_facilitators(rows: list[dict[str, Any]]) -> None:
    """attach_facilitators, in SQL (the same rows: staff_id and name, by name)."""
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["facilitators"] = []
        row["facilitator_ids"] = []
    if not rows:
        return
    links = await raw(
        f"""
        SELECT f."session" AS "session", f.staff AS staff, st.display_name AS name
        FROM "{T_FACILITATOR}" f JOIN "{T_STAFF}" st ON st.id = f.staff
        WHERE f."session" IN (:sessions) ORDER BY st.display_name
        """,
        sessions=list(by_id),
    )
    for link in links:
        linked = by_id[link["session"]]
        linked["facilitators"].append({"staff_id": link["staff"], "name": link["name"]})
        linked["facilitator_ids"].append(link["staff"])
