"""Sessions as other pages read them: public upcoming sessions, a program's coming sessions, counts per program."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import clock, privacy
from server.db import as_datetime, raw
from server.programs.tables import Program
from server.schedule.tables import ProgramSession

T_PROGRAM = Program._meta.tablename
T_SESSION = ProgramSession._meta.tablename


async def upcoming_public_sessions(limit: int = 10, now: datetime | None = None) -> list[dict[str, Any]]:
    """Next scheduled sessions of public programs, with the public title only. In SQL rather than built by the
    ORM: the home page shows them. The limit is written into the SQL (an int), not bound, so that PostgreSQL keeps one
    plan for the statement rather than planning it on every view."""
    rows = await raw(
        f"""
        SELECT s.id AS id, s.starts_at AS starts_at, s.ends_at AS ends_at, s.status AS status, s.topic AS topic,
               s.location AS location, p.slug AS program_slug, p.title AS program_title,
               p.public_title AS program_public_title, p.discreet AS program_discreet,
               p.place_members_only AS program_place_members_only, p.timezone AS timezone, p.kind AS program_kind
        FROM "{T_SESSION}" s JOIN "{T_PROGRAM}" p ON p.id = s.program
        WHERE s.starts_at >= :now AND s.status = 'scheduled' AND p.visibility = 'public' AND p.archived = :archived
        ORDER BY s.starts_at LIMIT {int(limit)}
        """,
        now=now or clock.now(),
        archived=False,
    )
    for row in rows:
        row["starts_at"], row["ends_at"] = as_datetime(row["starts_at"]), as_datetime(row["ends_at"])
        row["program_discreet"] = bool(row["program_discreet"])
        row["program_place_members_only"] = bool(row["program_place_members_only"])
    return [_public_row(row) for row in rows]


def _public_row(row: dict[str, Any]) -> dict[str, Any]:
    program = {
        "title": row.pop("program_title"),
        "public_title": row.pop("program_public_title"),
        "discreet": row.pop("program_discreet"),
        "place_members_only": row.pop("program_place_members_only"),
    }
    row = privacy.session_view(row, program, privacy.ANYONE, privacy.PAGE)
    row["program_title"] = privacy.public_title(program)
    return row


async def upcoming_counts(program_ids: list[int], now: datetime | None = None) -> dict[int, int]:
    """Scheduled future sessions per program, counted in SQL, program by program through the (program, starts_at)
    index: a count over the status index read every planned session of the organisation."""
    if not program_ids:
        return {}
    rows = await raw(
        f"""
        SELECT p.id AS program,
               (SELECT COUNT(*) FROM "{T_SESSION}" s
                WHERE s.program = p.id AND s.status = 'scheduled' AND s.starts_at >= :now) AS n
        FROM "{T_PROGRAM}" p WHERE p.id IN (:programs)
        """,
        now=now or clock.now(),
        programs=list(program_ids),
    )
    return {row["program"]: int(row["n"] or 0) for row in rows if row["n"]}


async def programs_with_upcoming_sessions(now: datetime | None = None) -> list[int]:
    """Ids of the programs that have a scheduled session to come (the catalogue's "upcoming only" filter)."""
    rows = (
        await ProgramSession.select(ProgramSession.program)
        .distinct()
        .where((ProgramSession.status == "scheduled") & (ProgramSession.starts_at >= (now or clock.now())))
        .run()
    )
    return [row["program"] for row in rows]


async def next_public_session_by_program(
    program_ids: list[int], now: datetime | None = None
) -> dict[int, dict[str, Any]]:
    """The next scheduled session of each program, in one query that reads one session per program (through the
    (program, starts_at) index), however many are planned."""
    if not program_ids:
        return {}
    rows = await raw(
        f"""
        SELECT s.program AS program, s.id AS id, s.starts_at AS starts_at, s.ends_at AS ends_at, s.topic AS topic,
               p.timezone AS timezone
        FROM "{T_PROGRAM}" p JOIN "{T_SESSION}" s ON s.id = (
            SELECT n.id FROM "{T_SESSION}" n
            WHERE n.program = p.id AND n.status = 'scheduled' AND n.starts_at >= :now
            ORDER BY n.starts_at, n.id LIMIT 1)
        WHERE p.id IN (:programs)
        """,
        now=now or clock.now(),
        programs=list(program_ids),
    )
    for row in rows:
        row["starts_at"], row["ends_at"] = as_datetime(row["starts_at"]), as_datetime(row["ends_at"])
    return {row["program"]: row for row in rows}


async def public_program_sessions(
    program: dict[str, Any], limit: int = 10, now: datetime | None = None, channel: str = privacy.PAGE
) -> list[dict[str, Any]]:
    """A program's coming sessions as the public may see them on `channel` (its page, its poster): cancelled ones
    marked, without the reason."""
    rows = await upcoming_sessions_for_program(program["id"], limit=limit, now=now)
    return [privacy.session_view(row, program, privacy.ANYONE, channel) for row in rows]


async def upcoming_sessions_for_program(
    program_id: int, limit: int = 10, now: datetime | None = None, include_cancelled: bool = True
) -> list[dict[str, Any]]:
    """A program's coming sessions with every detail (cancelled ones included); pass them through the privacy policy."""
    statuses = ["scheduled", "cancelled"] if include_cancelled else ["scheduled"]
    return (
        await ProgramSession.select(
            ProgramSession.id,
            ProgramSession.starts_at,
            ProgramSession.ends_at,
            ProgramSession.status,
            ProgramSession.topic,
            ProgramSession.location,
            ProgramSession.online_link,
            ProgramSession.cancel_reason,
        )
        .where(
            (ProgramSession.program == program_id)
            & ProgramSession.status.is_in(statuses)
            & (ProgramSession.ends_at >= (now or clock.now()))
        )
        .order_by(ProgramSession.starts_at)
        .limit(limit)
        .run()
    )
