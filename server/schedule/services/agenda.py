"""A staff member's agenda: the coming sessions of the programs they work on."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server import clock, privacy
from server.db import as_datetime, raw
from server.programs.rules import is_open
from server.programs.tables import Program, TeamMember
from server.schedule.services.sessions import T_FACILITATOR, T_STAFF, attendance_due
from server.schedule.tables import ProgramSession
from server.web.access import CurrentStaff

AGENDA_DAYS = {"week": 7, "month": 31}
# A session ends on the day it starts (details.slot), so one still running now started less than a day ago, give or
# take a change of clocks. The agenda reads sessions by their start from this far back: a range of the starts_at
# index whose length follows the agenda's days, not the number of sessions ever held.
LONGEST_SESSION = timedelta(hours=26)


T_PROGRAM = Program._meta.tablename
T_SESSION = ProgramSession._meta.tablename
T_TEAM = TeamMember._meta.tablename
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
    """A page of a staff member's agenda and how many sessions it holds, counting stopping at `up_to` (an
    organizer's week holds every program's sessions: the dashboard says "more than …"), in one query, facilitators
    included. The agenda: the sessions of their programs (every program for organizers), not archived, in
    the next `days` days, with real titles (a staff page), in time order, each with its facilitators (staff_id and
    name, by name) and their ids. Today's sessions stay on it after they
    end (the organisation's day), so a facilitator finds the sheet of the meeting just held; cancelled ones are
    marked. `take_attendance`: the sheet may be filled in now (schedule's attendance_due, in an open program).
    Written in SQL rather than built by the ORM, whose query building cost about as much as the queries."""
    local_midnight = datetime.combine(clock.organisation_today(now), time(0), ZoneInfo(clock.organisation_timezone()))
    start_of_today = local_midnight.astimezone(UTC)
    scope = (
        "" if staff.is_organizer else f' AND s.program IN (SELECT t.program FROM "{T_TEAM}" t WHERE t.staff = :staff)'
    )
    where = (
        "p.id = s.program AND s.starts_at >= :since AND s.starts_at < :until "
        f"AND (s.ends_at >= :now OR s.starts_at >= :today) AND p.archived = :archived{scope}"
    )
    # The sessions first, in the order of their start, each program looked up by its key; the walk stops at the
    # page's end. CROSS JOIN keeps SQLite, which has no statistics, from starting at the programs and sorting every
    # session of the period; PostgreSQL plans it as any join. The page's bounds (ints) are written into the SQL, not
    # bound: bound, PostgreSQL planned the statement anew on every view at 10x (0.4 ms) instead of keeping one plan.
    # The page's sessions come once per facilitator (the links of a handful of sessions), so that the page costs one
    # round trip, not two.
    sessions = f'"{T_SESSION}" s CROSS JOIN "{T_PROGRAM}" p'
    count_limit, page = f"LIMIT {int(up_to)}", f"LIMIT {int(max(limit, 0))} OFFSET {int(offset)}"
    rows = await raw(
        f"""
        SELECT c.n AS total, a.*, f.staff AS facilitator_id, st.display_name AS facilitator_name FROM
        (SELECT COUNT(*) AS n FROM (SELECT s.id FROM {sessions} WHERE {where} ORDER BY s.starts_at {count_limit}) x) c
        LEFT JOIN (SELECT {_AGENDA_COLUMNS} FROM {sessions} WHERE {where}
                   ORDER BY s.starts_at, s.id {page}) a ON 1 = 1
        LEFT JOIN "{T_FACILITATOR}" f ON f."session" = a.id
        LEFT JOIN "{T_STAFF}" st ON st.id = f.staff
        ORDER BY a.starts_at, a.id, st.display_name, f.staff
        """,
        since=min(start_of_today, now - LONGEST_SESSION),
        until=now + timedelta(days=days),
        now=now,
        today=start_of_today,
        archived=False,
        staff=staff.id,
    )
    total = int(rows[0]["total"] or 0) if rows else 0
    by_id: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["id"] is None:
            continue
        session = by_id.get(row["id"])
        if session is None:
            session = by_id[row["id"]] = {key: value for key, value in row.items() if not key.startswith("facil")}
            del session["total"]
            for key in ("starts_at", "ends_at", "original_start"):
                session[key] = as_datetime(session[key])
            session["detached"] = bool(session["detached"])
            session["facilitators"], session["facilitator_ids"] = [], []
        if row["facilitator_id"] is not None:
            session["facilitators"].append({"staff_id": row["facilitator_id"], "name": row["facilitator_name"]})
            session["facilitator_ids"].append(row["facilitator_id"])
    found = list(by_id.values())
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
