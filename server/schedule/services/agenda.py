"""A staff member's agenda: the coming sessions of the programs they work on."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server import clock, privacy
from server.programs.rules import is_open
from server.programs.services.access import managed_program_ids
from server.schedule.services.sessions import SESSION_COLUMNS, attach_facilitators, attendance_due
from server.schedule.tables import ProgramSession
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
