"""The kept per-program totals of each calendar month, quarter and year (table ProgramPeriodStats): recomputing a
program's rows inside the writer's transaction, rebuilding them all, the SQL that finds where they are not yet
today's figures, and the from-scratch figures tests compare them with.

A row sums the program's *countable* sessions starting in the period (not cancelled; held or with marks), in the
organisation's months (its timezone, recorded in every row): sessions, members at their starts
(rules.member_at_start_sql) and how those were marked (unmarked = absent), and the people who were members at the
start of at least one. Today's figures count a session only once it has started (rules.counted_session_sql), so a
row equals them unless a countable session of the period starts after the instant asked (marked, or set held, in
advance): `ahead_programs_sql` finds those programs through a partial index of countable sessions, and the reader
computes them from the kept session rows instead.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from server import clock
from server.attendance.rules import T_ATTENDANCE, T_ENROLMENT, T_SESSION, member_at_start_sql, raw
from server.attendance.served import as_date, delete_rows, insert_rows, month_of, period_starts
from server.attendance.tables import ProgramPeriodStats, SessionStats

T_PROGRAM_PERIOD = ProgramPeriodStats._meta.tablename
T_SESSION_STATS = SessionStats._meta.tablename
SESSION_ID = 'ss."session"'
FIGURES = ("sessions", "members", "attended", "absent", "excused", "people")

PeriodKey = tuple[str, date]  # (kind, first day)
Figures = tuple[int, ...]  # in FIGURES' order


def countable_sql(ss: str = "ss") -> str:
    """SQL condition on a kept session row aliased `ss`: it counts once started. The parenthesised term is the
    predicate of the partial index session_stats_countable_starts_at, written the same way so planners use it."""
    return f"{ss}.status <> 'cancelled' AND ({ss}.status = 'held' OR {ss}.recorded > 0)"


def ahead_programs_sql() -> str:
    """SELECT of the programs with a countable session starting in [`:range_start`, `:range_end`) after `:now`:
    their kept totals count it, today's figures do not yet."""
    return (
        f'SELECT DISTINCT ss.program AS program FROM "{T_SESSION_STATS}" ss '
        f"WHERE (ss.status = 'held' OR ss.recorded > 0) AND ss.starts_at > :now "
        f"AND ss.starts_at >= :range_start AND ss.starts_at < :range_end AND ss.status <> 'cancelled'"
    )


def _totals(
    sessions: list[dict[str, Any]], members: list[dict[str, Any]], zone: ZoneInfo
) -> dict[tuple[int, str, date], Figures]:
    """Rows {(program, kind, start): figures} from countable sessions (program, starts_at, members, attended,
    absent, excused) and their members at start (program, starts_at, participant)."""
    months: dict[Any, date] = {}

    def periods(starts_at: Any) -> tuple[PeriodKey, ...]:
        if starts_at not in months:
            months[starts_at] = month_of(starts_at, zone)
        return period_starts(months[starts_at])

    sums: dict[tuple[int, str, date], list[int]] = defaultdict(lambda: [0] * 5)
    for row in sessions:
        for kind, start in periods(row["starts_at"]):
            figures = sums[(row["program"], kind, start)]
            figures[0] += 1
            for index, name in enumerate(("members", "attended", "absent", "excused"), start=1):
                figures[index] += int(row[name] or 0)
    people: dict[tuple[int, str, date], set[int]] = defaultdict(set)
    for row in members:
        for kind, start in periods(row["starts_at"]):
            people[(row["program"], kind, start)].add(row["participant"])
    return {key: (*figures, len(people.get(key, ()))) for key, figures in sums.items()}


async def kept_timezone() -> str | None:
    """The timezone of the kept rows (None while no row is kept)."""
    rows = await raw(f'SELECT timezone FROM "{T_PROGRAM_PERIOD}" LIMIT 1')
    return rows[0]["timezone"] if rows else None


async def keep_program_periods(program_id: int, timezone: str | None = None) -> None:
    """Part of stats.program_changed, after the program's session rows were recomputed: recomputes its period
    totals and writes only the rows that changed. Call it inside the writing transaction, after the write."""
    timezone = timezone or await kept_timezone() or clock.organisation_timezone()
    sessions = await raw(
        f"SELECT ss.program AS program, ss.starts_at AS starts_at, ss.members AS members, "
        f"ss.members_attended AS attended, ss.members_absent + ss.members_unmarked AS absent, "
        f'ss.members_excused AS excused FROM "{T_SESSION_STATS}" ss '
        f"WHERE ss.program = :program AND {countable_sql()}",
        program=program_id,
    )
    members = await raw(
        f"SELECT ss.program AS program, ss.starts_at AS starts_at, e.participant AS participant "
        f'FROM "{T_SESSION_STATS}" ss JOIN "{T_ENROLMENT}" e ON e.program = ss.program '
        f"AND {member_at_start_sql('e', 'ss.starts_at', SESSION_ID)} "
        f"WHERE ss.program = :program AND {countable_sql()}",
        program=program_id,
    )
    wanted = {
        (kind, start): figures for (_, kind, start), figures in _totals(sessions, members, ZoneInfo(timezone)).items()
    }
    kept = await raw(
        f'SELECT id, kind, start, {", ".join(FIGURES)} FROM "{T_PROGRAM_PERIOD}" WHERE program = :program',
        program=program_id,
    )
    have = {
        (row["kind"], as_date(row["start"])): (row["id"], tuple(int(row[name] or 0) for name in FIGURES))
        for row in kept
    }
    stale = [row_id for key, (row_id, figures) in have.items() if wanted.get(key) != figures]
    fresh = [
        (program_id, kind, start, timezone, *figures)
        for (kind, start), figures in sorted(wanted.items())
        if (kind, start) not in have or have[(kind, start)][1] != figures
    ]
    await delete_rows(T_PROGRAM_PERIOD, stale)
    await insert_rows(T_PROGRAM_PERIOD, ("program", "kind", "start", "timezone", *FIGURES), fresh)


async def move_session_periods(
    program_id: int, starts_at: Any, difference: dict[str, int], *, timezone: str | None
) -> None:
    """A countable session's marks moved by `difference` (attended, absent, excused) while its members stayed the
    same: the program's month, quarter and year rows holding it move by as much (one statement). `timezone`: the
    kept rows' (kept_timezone(), which the caller read; None while no row is kept)."""
    if not any(difference.values()):
        return
    if timezone is None:
        await keep_program_periods(program_id)
        return
    (_, month), (_, quarter), (_, year) = period_starts(month_of(starts_at, ZoneInfo(timezone)))
    await raw(
        f'UPDATE "{T_PROGRAM_PERIOD}" SET attended = attended + :attended, absent = absent + :absent, '
        f"excused = excused + :excused WHERE program = :program AND ((kind = 'month' AND start = :month) "
        f"OR (kind = 'quarter' AND start = :quarter) OR (kind = 'year' AND start = :year))",
        program=program_id,
        month=month,
        quarter=quarter,
        year=year,
        **difference,
    )


async def rebuild_program_periods() -> None:
    """Recomputes every program's period totals in the organisation's timezone (part of rebuild-stats, after the
    session rows); call it in a transaction."""
    await raw(f'DELETE FROM "{T_PROGRAM_PERIOD}"')
    timezone = clock.organisation_timezone()
    for row in await raw(f'SELECT DISTINCT ss.program AS program FROM "{T_SESSION_STATS}" ss ORDER BY ss.program'):
        await keep_program_periods(row["program"], timezone)


async def missing_program_periods() -> bool:
    """Whether a countable session with members exists but no row is kept (a database from before they were)."""
    rows = await raw(
        f'SELECT (SELECT COUNT(*) FROM (SELECT ss.id FROM "{T_SESSION_STATS}" ss '
        f"WHERE {countable_sql()} AND ss.members > 0 LIMIT 1) x) AS sessions, "
        f'(SELECT COUNT(*) FROM (SELECT id FROM "{T_PROGRAM_PERIOD}" LIMIT 1) y) AS kept'
    )
    return bool(rows and int(rows[0]["sessions"] or 0) and not int(rows[0]["kept"] or 0))


# --- what the kept rows must equal ------------------------------------------------------------------


async def kept_program_periods() -> dict[tuple[int, str, date], Figures]:
    """The kept rows, {(program, kind, start): figures}."""
    rows = await raw(f'SELECT program, kind, start, {", ".join(FIGURES)} FROM "{T_PROGRAM_PERIOD}"')
    return {
        (row["program"], row["kind"], as_date(row["start"])): tuple(int(row[name] or 0) for name in FIGURES)
        for row in rows
    }


async def program_periods_from_marks(timezone: str | None = None) -> dict[tuple[int, str, date], Figures]:
    """The same, computed from the sessions, enrolments and marks (not from the kept session rows)."""
    countable = (
        f"s.status <> 'cancelled' AND (s.status = 'held' OR EXISTS "
        f'(SELECT 1 FROM "{T_ATTENDANCE}" x WHERE x."session" = s.id))'
    )
    marks = await raw(
        f"SELECT s.id AS session_id, s.program AS program, s.starts_at AS starts_at, e.participant AS participant, "
        f'a.status AS status FROM "{T_SESSION}" s '
        f'JOIN "{T_ENROLMENT}" e ON e.program = s.program AND {member_at_start_sql("e")} '
        f'LEFT JOIN "{T_ATTENDANCE}" a ON a."session" = s.id AND a.participant = e.participant WHERE {countable}'
    )
    sessions = {
        row["id"]: {**row, "members": 0, "attended": 0, "absent": 0, "excused": 0}
        for row in await raw(
            f'SELECT s.id AS id, s.program AS program, s.starts_at AS starts_at FROM "{T_SESSION}" s WHERE {countable}'
        )
    }
    for mark in marks:
        session = sessions[mark["session_id"]]
        status = mark["status"] or "absent"
        session["members"] += 1
        session["attended" if status in ("present", "late") else status] += 1
    return _totals(list(sessions.values()), marks, ZoneInfo(timezone or clock.organisation_timezone()))
