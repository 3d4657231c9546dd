"""Adding sessions: a one-off session, or a recurring series with all its sessions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from server.db import transaction
from server.programs.rules import ensure_open
from server.schedule import recurrence
from server.schedule.services.conflicts import Conflict, conflicts_for
from server.schedule.services.details import (
    Details,
    Repeat,
    check_details,
    minutes,
    program_zone,
    set_facilitators,
    slot,
)
from server.schedule.services.sessions import new_uid
from server.schedule.tables import ProgramSession, Series


async def add_session(
    program: dict[str, Any], *, day: date, start: time, end: time, details: Details
) -> tuple[int, list[Conflict]]:
    """A one-off session at a local day and time; returns its id and the double bookings it makes."""
    ensure_open(program)
    starts_at, ends_at = slot(day, start, end, program_zone(program))
    details = await check_details(program["id"], details)
    async with transaction():
        session = ProgramSession(
            program=program["id"],
            uid=new_uid(),
            starts_at=starts_at,
            ends_at=ends_at,
            topic=details.topic,
            location=details.location,
            online_link=details.online_link,
        )
        await session.save().run()
        await set_facilitators([session.id], details.facilitator_ids)
    return session.id, await conflicts_for(ProgramSession.id == session.id)


async def add_series(
    program: dict[str, Any], *, repeat: Repeat, start: time, end: time, details: Details
) -> tuple[int, list[Conflict]]:
    """A recurring series from the schedule form, in the program's timezone; nothing is saved on bad input."""
    ensure_open(program)
    slot(repeat.first_day, start, end, program_zone(program))
    details = await check_details(program["id"], details)
    rrule = recurrence.build_rrule(
        frequency=repeat.frequency,
        first_day=repeat.first_day,
        weekdays=list(repeat.weekdays),
        interval=repeat.interval,
        until=repeat.until,
        count=repeat.count,
    )
    series_id = await create_series(
        program_id=program["id"],
        rrule=rrule,
        local_start=recurrence.local_datetime(repeat.first_day, start),
        duration_minutes=minutes(start, end),
        timezone_name=program["timezone"],
        topic=details.topic,
        location=details.location,
        online_link=details.online_link,
        facilitator_ids=details.facilitator_ids,
    )
    return series_id, await conflicts_for(ProgramSession.series == series_id)


async def create_series(
    *,
    program_id: int,
    rrule: str,
    local_start: datetime,
    duration_minutes: int,
    timezone_name: str,
    topic: str = "",
    location: str = "",
    online_link: str = "",
    facilitator_ids: Iterable[int] = (),
) -> int:
    """A recurring series and all its sessions, saved together or not at all."""
    occurrences = recurrence.expand(rrule, local_start, timezone_name, duration_minutes)
    async with transaction():
        series = Series(
            program=program_id,
            rrule=rrule,
            local_start=local_start,
            duration_minutes=duration_minutes,
            timezone=timezone_name,
            topic=topic,
            location=location,
            online_link=online_link,
        )
        await series.save().run()
        await ProgramSession.insert(
            *[
                ProgramSession(
                    program=program_id,
                    series=series.id,
                    uid=new_uid(),
                    starts_at=occ.starts_at,
                    ends_at=occ.ends_at,
                    original_start=occ.starts_at,
                    topic=topic,
                    location=location,
                    online_link=online_link,
                )
                for occ in occurrences
            ]
        ).run()
        staff_ids = list(facilitator_ids)
        if staff_ids:
            rows = await ProgramSession.select(ProgramSession.id).where(ProgramSession.series == series.id).run()
            await set_facilitators([row["id"] for row in rows], staff_ids)
    return series.id
