"""Rules for program sessions: listing, recurrence, occurrence edits and conflicts."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from piccolo.query.functions.aggregate import Count

from server.db import transaction
from server.schedule import recurrence
from server.schedule.tables import Series

from server.programs.privacy import displayed_title
from server.programs.tables import Program
from server.schedule.tables import ProgramSession


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def upcoming_public_sessions(limit: int = 10, now: datetime | None = None) -> list[dict[str, Any]]:
    """Next scheduled sessions of public programs, with the public title only."""
    rows = (
        await ProgramSession.select(
            ProgramSession.id,
            ProgramSession.starts_at,
            ProgramSession.ends_at,
            ProgramSession.status,
            ProgramSession.topic,
            ProgramSession.location,
            ProgramSession.program.slug.as_alias("program_slug"),
            ProgramSession.program.title.as_alias("program_title"),
            ProgramSession.program.public_title.as_alias("program_public_title"),
            ProgramSession.program.discreet.as_alias("program_discreet"),
            ProgramSession.program.timezone.as_alias("timezone"),
            ProgramSession.program.kind.as_alias("program_kind"),
        )
        .where(
            (ProgramSession.starts_at >= (now or _now()))
            & (ProgramSession.status == "scheduled")
            & (ProgramSession.program.visibility == "public")
            & (ProgramSession.program.archived == False)  # noqa: E712
        )
        .order_by(ProgramSession.starts_at)
        .limit(limit)
        .run()
    )
    return [_public_row(row) for row in rows]


def _public_row(row: dict[str, Any]) -> dict[str, Any]:
    title = displayed_title(
        {"title": row.pop("program_title"), "public_title": row.pop("program_public_title"), "discreet": row.pop("program_discreet")},
        real=False,
    )
    row["program_title"] = title
    return row


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
    return series.id


def new_uid() -> str:
    return f"{uuid.uuid4()}@gotong"


async def upcoming_counts(program_ids: list[int], now: datetime | None = None) -> dict[int, int]:
    """Scheduled future sessions per program, counted in SQL."""
    if not program_ids:
        return {}
    rows = (
        await ProgramSession.select(ProgramSession.program, Count(ProgramSession.id, alias="n"))
        .where(
            ProgramSession.program.is_in(program_ids)
            & (ProgramSession.status == "scheduled")
            & (ProgramSession.starts_at >= (now or _now()))
        )
        .group_by(ProgramSession.program)
        .run()
    )
    return {row["program"]: row["n"] for row in rows}


async def next_public_session_by_program(program_ids: list[int], now: datetime | None = None) -> dict[int, dict[str, Any]]:
    """The next scheduled session of each program, in one query."""
    if not program_ids:
        return {}
    rows = (
        await ProgramSession.select(
            ProgramSession.program, ProgramSession.id, ProgramSession.starts_at, ProgramSession.ends_at,
            ProgramSession.topic, ProgramSession.location, ProgramSession.program.timezone.as_alias("timezone"),
        )
        .where(
            ProgramSession.program.is_in(program_ids)
            & (ProgramSession.status == "scheduled")
            & (ProgramSession.starts_at >= (now or _now()))
        )
        .order_by(ProgramSession.starts_at)
        .run()
    )
    first: dict[int, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["program"], row)
    return first


async def upcoming_sessions_for_program(program_id: int, limit: int = 10, now: datetime | None = None, include_cancelled: bool = True) -> list[dict[str, Any]]:
    """A program's coming sessions for its public page (cancelled ones stay visible, marked)."""
    statuses = ["scheduled", "cancelled"] if include_cancelled else ["scheduled"]
    return (
        await ProgramSession.select(
            ProgramSession.id, ProgramSession.starts_at, ProgramSession.ends_at, ProgramSession.status,
            ProgramSession.topic, ProgramSession.location, ProgramSession.online_link, ProgramSession.cancel_reason,
        )
        .where(
            (ProgramSession.program == program_id)
            & ProgramSession.status.is_in(statuses)
            & (ProgramSession.ends_at >= (now or _now()))
        )
        .order_by(ProgramSession.starts_at)
        .limit(limit)
        .run()
    )
