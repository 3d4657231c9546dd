"""The kept attendance figures: each enrolment's (table EnrolmentStats) and each session's (table SessionStats).
Recomputing the rows a write touched, inside the writer's transaction, rebuilding them all, and the SQL that reads
an enrolment's figures where they are exact.

Definitions are those of server/attendance/rules.py (counted session, member at session start) and of the rates
in server/attendance/rates.py (unmarked = absent; the streak is the counted absences after the last attended
session), keyed by enrolment (an enrolment is unique per participant and program).

Time: a session counts once it has started, so figures depend on the instant. A recompute at `now` stores the
figures at `now` together with the window in which they stay exact: from the start of the program's latest
countable session (not cancelled; held or with marks) at or before `now`, to the start of its earliest countable
session after `now`. Inside the window the set of counted sessions cannot change without a write, and every such
write recomputes. A reader at an instant outside the window (a session marked in advance has since started, or a
question about the past) computes that program from the marks, as before; the next write refreshes the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from server import clock
from server.attendance import program_periods, served
from server.attendance.rules import (
    COUNTED_SESSION_SQL,
    T_ATTENDANCE,
    T_ENROLMENT,
    T_SESSION,
    as_datetime,
    member_at_start_sql,
    raw,
)
from server.attendance.tables import EnrolmentStats, SessionStats
from server.db import transaction

T_STATS = EnrolmentStats._meta.tablename
T_SESSION_STATS = SessionStats._meta.tablename
COLUMNS = (
    "sessions",
    "present",
    "late",
    "excused",
    "absent",
    "streak",
    "last_attended",
    "valid_from",
    "valid_until",
)


def fresh_sql(st: str = "st", now: str = ":now") -> str:
    """SQL condition on a kept row aliased `st`: its figures are exact at the instant `now`."""
    return (
        f"({st}.valid_from IS NULL OR {st}.valid_from <= {now}) "
        f"AND ({st}.valid_until IS NULL OR {st}.valid_until > {now})"
    )


def is_fresh(row: dict[str, Any], now: datetime) -> bool:
    """The same condition for a kept row already loaded."""
    return (row["valid_from"] is None or row["valid_from"] <= now) and (
        row["valid_until"] is None or row["valid_until"] > now
    )


def figures_sql(scope: str) -> str:
    """SELECT of the figures at `:now` of every enrolment aliased `e` matching `scope` (an SQL condition), from the
    raw rows: enrolment, program, participant, then COLUMNS."""
    countable = COUNTED_SESSION_SQL.replace(" AND s.starts_at <= :now", "")
    return f"""
    WITH scope AS (SELECT e.id AS enrolment_id, e.program AS program_id FROM "{T_ENROLMENT}" e WHERE {scope}),
    counted AS (
        SELECT s.id AS session_id, s.program AS program_id, s.starts_at AS starts_at
        FROM "{T_SESSION}" s
        WHERE s.program IN (SELECT program_id FROM scope) AND {COUNTED_SESSION_SQL}
    ),
    marks AS (
        SELECT e.id AS enrolment_id, c.starts_at AS starts_at, COALESCE(a.status, 'absent') AS status
        FROM counted c
        JOIN "{T_ENROLMENT}" e ON e.program = c.program_id AND {member_at_start_sql("e", "c.starts_at", "c.session_id")}
        LEFT JOIN "{T_ATTENDANCE}" a ON a."session" = c.session_id AND a.participant = e.participant
        WHERE e.id IN (SELECT enrolment_id FROM scope)
    ),
    last_seen AS (
        SELECT enrolment_id, MAX(CASE WHEN status IN ('present', 'late') THEN starts_at END) AS last_attended
        FROM marks GROUP BY enrolment_id
    ),
    sums AS (
        SELECT m.enrolment_id AS enrolment_id, COUNT(*) AS sessions,
               SUM(CASE WHEN m.status = 'present' THEN 1 ELSE 0 END) AS present,
               SUM(CASE WHEN m.status = 'late' THEN 1 ELSE 0 END) AS late,
               SUM(CASE WHEN m.status = 'excused' THEN 1 ELSE 0 END) AS excused,
               SUM(CASE WHEN m.status = 'absent' THEN 1 ELSE 0 END) AS absent,
               SUM(CASE WHEN m.status = 'absent' AND (l.last_attended IS NULL OR m.starts_at > l.last_attended)
                        THEN 1 ELSE 0 END) AS streak,
               MAX(l.last_attended) AS last_attended
        FROM marks m JOIN last_seen l ON l.enrolment_id = m.enrolment_id
        GROUP BY m.enrolment_id
    ),
    bounds AS (
        SELECT s.program AS program_id,
               MAX(CASE WHEN s.starts_at <= :now THEN s.starts_at END) AS valid_from,
               MIN(CASE WHEN s.starts_at > :now THEN s.starts_at END) AS valid_until
        FROM "{T_SESSION}" s
        WHERE s.program IN (SELECT program_id FROM scope) AND {countable}
        GROUP BY s.program
    )
    SELECT e.id AS enrolment, e.program AS program, e.participant AS participant,
           COALESCE(r.sessions, 0) AS sessions, COALESCE(r.present, 0) AS present, COALESCE(r.late, 0) AS late,
           COALESCE(r.excused, 0) AS excused, COALESCE(r.absent, 0) AS absent, COALESCE(r.streak, 0) AS streak,
           r.last_attended AS last_attended, b.valid_from AS valid_from, b.valid_until AS valid_until
    FROM "{T_ENROLMENT}" e
    LEFT JOIN sums r ON r.enrolment_id = e.id
    LEFT JOIN bounds b ON b.program_id = e.program
    WHERE e.id IN (SELECT enrolment_id FROM scope)
    """


def stale_programs_sql() -> str:
    """SELECT of the programs whose kept enrolment figures are not exact at `:now` (a countable session started since
    their last recompute, or `now` is before it). Each side reads its own index and finds only the stale rows, so
    the test costs nothing while the figures are fresh."""
    return (
        f'SELECT st.program FROM "{T_STATS}" st WHERE st.valid_until <= :now '
        f'UNION SELECT st.program FROM "{T_STATS}" st WHERE st.valid_from > :now'
    )


def session_figures_sql(scope: str) -> str:
    """SELECT of the figures of every session aliased `s` matching `scope` (an SQL condition), in SessionStats'
    columns. Members are those at the session's start (rules.member_at_start_sql), whatever the session's status:
    whether it counts is decided when reading."""
    members = member_at_start_sql("e", "s.starts_at")
    return f"""
    SELECT s.id AS "session", s.program AS program, s.starts_at AS starts_at, s.ends_at AS ends_at, s.status AS status,
           COALESCE(m.recorded, 0) AS recorded, COALESCE(m.guests, 0) AS guests, COALESCE(m.present, 0) AS present,
           COALESCE(m.late, 0) AS late, COALESCE(m.excused, 0) AS excused, COALESCE(m.absent, 0) AS absent,
           COALESCE(r.members, 0) AS members, COALESCE(r.attended, 0) AS members_attended,
           COALESCE(r.excused, 0) AS members_excused, COALESCE(r.absent, 0) AS members_absent,
           COALESCE(r.unmarked, 0) AS members_unmarked
    FROM "{T_SESSION}" s
    LEFT JOIN (
        SELECT a."session" AS session_id, COUNT(*) AS recorded,
               SUM(CASE WHEN a.participant IS NULL THEN 1 ELSE 0 END) AS guests,
               SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'present' THEN 1 ELSE 0 END) AS present,
               SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'late' THEN 1 ELSE 0 END) AS late,
               SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'excused' THEN 1 ELSE 0 END) AS excused,
               SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'absent' THEN 1 ELSE 0 END) AS absent
        FROM "{T_ATTENDANCE}" a JOIN "{T_SESSION}" s ON s.id = a."session"
        WHERE {scope}
        GROUP BY a."session"
    ) m ON m.session_id = s.id
    LEFT JOIN (
        SELECT s.id AS session_id, COUNT(e.id) AS members,
               SUM(CASE WHEN a.status IN ('present', 'late') THEN 1 ELSE 0 END) AS attended,
               SUM(CASE WHEN a.status = 'excused' THEN 1 ELSE 0 END) AS excused,
               SUM(CASE WHEN a.status = 'absent' THEN 1 ELSE 0 END) AS absent,
               SUM(CASE WHEN a.id IS NULL THEN 1 ELSE 0 END) AS unmarked
        FROM "{T_SESSION}" s
        JOIN "{T_ENROLMENT}" e ON e.program = s.program AND {members}
        LEFT JOIN "{T_ATTENDANCE}" a ON a."session" = s.id AND a.participant = e.participant
        WHERE {scope}
        GROUP BY s.id
    ) r ON r.session_id = s.id
    WHERE {scope}
    """


def counted_sql(ss: str = "ss") -> str:
    """The counted-session rule (rules.counted_session_sql) on a kept session row aliased `ss`, at `:now`."""
    return f"{ss}.status <> 'cancelled' AND {ss}.starts_at <= :now AND ({ss}.status = 'held' OR {ss}.recorded > 0)"


SESSION_COLUMNS = (
    "session",
    "program",
    "starts_at",
    "ends_at",
    "status",
    "recorded",
    "guests",
    "present",
    "late",
    "excused",
    "absent",
    "members",
    "members_attended",
    "members_excused",
    "members_absent",
    "members_unmarked",
)


def _insert_sessions_sql(scope: str) -> str:
    columns = ", ".join(f'"{name}"' for name in SESSION_COLUMNS)
    return f'INSERT INTO "{T_SESSION_STATS}" ({columns}) {session_figures_sql(scope)}'


def _insert_sql(scope: str) -> str:
    return f'INSERT INTO "{T_STATS}" (enrolment, program, participant, {", ".join(COLUMNS)}) {figures_sql(scope)}'


async def _recompute(scope: str, now: datetime | None, **params: Any) -> None:
    # One statement, in the caller's transaction: every enrolment of the scope gets its row (figures_sql yields one
    # per enrolment), written over the old one in place; an enrolment deleted takes its row along (cascade). One
    # statement, not a delete and an insert: marks on one session queue on the program's lock.
    columns = ("program", "participant", *COLUMNS)
    await raw(
        _insert_sql(scope)
        + " ON CONFLICT (enrolment) DO UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in columns),
        now=now or clock.now(),
        **params,
    )


async def recompute_for(
    *,
    enrolment_ids: list[int] | None = None,
    program_id: int | None = None,
    session_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Recomputes the kept figures of some enrolments, of every enrolment of a program, or of every enrolment of a
    session's program (a mark or a session's change touches every member). Call it inside the writing
    transaction, after the write."""
    if enrolment_ids is not None:
        await _recompute("e.id IN (:ids)", now, ids=list(enrolment_ids))
    if program_id is not None:
        await _recompute("e.program = :program", now, program=program_id)
    if session_id is not None:
        await _recompute(
            f'e.program IN (SELECT s.program FROM "{T_SESSION}" s WHERE s.id = :session)', now, session=session_id
        )


async def recompute_sessions(program_id: int) -> None:
    """Recomputes the kept figures of every session of a program; call it inside the writing transaction."""
    await raw(f'DELETE FROM "{T_SESSION_STATS}" WHERE program = :program', program=program_id)
    await raw(_insert_sessions_sql("s.program = :program"), program=program_id)


async def program_changed(program_id: int) -> None:
    """The keeper registered with server.db: a write under a program's lock, or to its sessions, recomputes it."""
    await recompute_for(program_id=program_id)
    await recompute_sessions(program_id)
    await program_periods.keep_program_periods(program_id)
    await served.keep_served(program_id)


async def marks_changed(program_id: int, session_id: int, participant_ids: Sequence[int]) -> None:
    """The marks keeper registered with server.db: some people's marks on one session changed, nothing else. While
    the session's countability and its members stay as they were, only those people's enrolment rows, the
    session's row and the program's three period rows of its month change, the last by the session's difference;
    otherwise (the first mark makes the session count for everyone, or marks a late joiner a member) the program
    is recomputed as for any write."""
    # The session's row as it was and as it is, from the statements that replace it (RETURNING: SQLite 3.35 and
    # PostgreSQL), not from two more reads; with them the kept period rows' and served months' timezones
    # (program_periods.kept_timezone, served.kept_timezone). Marks on one session queue on the program's lock: each
    # statement saved shortens the queue.
    removed = await raw(f'DELETE FROM "{T_SESSION_STATS}" WHERE "session" = :session RETURNING *', session=session_id)
    added = await raw(
        _insert_sessions_sql("s.id = :session")
        + f' RETURNING *, (SELECT timezone FROM "{program_periods.T_PROGRAM_PERIOD}" LIMIT 1) AS periods_timezone, '
        f'(SELECT timezone FROM "{served.T_SERVED_MONTH}" LIMIT 1) AS served_timezone',
        session=session_id,
    )
    before, after = (removed[0] if removed else None), (added[0] if added else None)
    if before is None or after is None or _countable(before) != _countable(after):
        await recompute_for(program_id=program_id)
        await program_periods.keep_program_periods(program_id)
        await served.keep_served(program_id)
        return
    await _recompute(
        "e.program = :program AND e.participant IN (:ids)", None, program=program_id, ids=list(participant_ids)
    )
    if _countable(after):
        if before["members"] != after["members"]:
            await program_periods.keep_program_periods(program_id, after["periods_timezone"])
        else:
            await program_periods.move_session_periods(
                program_id, after["starts_at"], _difference(before, after), timezone=after["periods_timezone"]
            )
    timezone = after["served_timezone"] or clock.organisation_timezone()
    await served.keep_served(program_id, timezone, people=participant_ids)


def _countable(row: dict[str, Any]) -> bool:
    """program_periods.countable_sql on a loaded row: not cancelled, and held or with marks (time aside)."""
    return row["status"] != "cancelled" and (row["status"] == "held" or int(row["recorded"] or 0) > 0)


def _difference(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """How the session's members' marks moved, in the period rows' terms (unmarked counts as absent)."""

    def figures(row: dict[str, Any]) -> dict[str, int]:
        return {
            "attended": int(row["members_attended"] or 0),
            "absent": int(row["members_absent"] or 0) + int(row["members_unmarked"] or 0),
            "excused": int(row["members_excused"] or 0),
        }

    old, new = figures(before), figures(after)
    return {name: new[name] - old[name] for name in new}


async def rebuild_all(now: datetime | None = None) -> int:
    """Recomputes every enrolment's figures from the raw rows (python -m server rebuild-stats); returns the count."""
    async with transaction():
        await raw(f'DELETE FROM "{T_STATS}"')
        await raw(_insert_sql("1 = 1"), now=now or clock.now())
        await raw(f'DELETE FROM "{T_SESSION_STATS}"')
        await raw(_insert_sessions_sql("1 = 1"))
        await program_periods.rebuild_program_periods()
        await served.rebuild_served()
    return await EnrolmentStats.count().run()


async def missing_figures() -> bool:
    """Whether some enrolment or session has no kept row (a database upgraded from before they were kept, or rows
    written behind the services' back): start-up then rebuilds them all."""
    rows = await raw(
        f'SELECT (SELECT COUNT(*) FROM "{T_ENROLMENT}" e WHERE NOT EXISTS '
        f'(SELECT 1 FROM "{T_STATS}" st WHERE st.enrolment = e.id)) AS enrolments, '
        f'(SELECT COUNT(*) FROM "{T_SESSION}" s WHERE NOT EXISTS '
        f'(SELECT 1 FROM "{T_SESSION_STATS}" ss WHERE ss."session" = s.id)) AS sessions'
    )
    return (
        bool(rows and (int(rows[0]["enrolments"] or 0) or int(rows[0]["sessions"] or 0)))
        or await served.missing_served()
        or await program_periods.missing_program_periods()
    )


def _normalised(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    for key in ("last_attended", "valid_from", "valid_until"):
        row[key] = as_datetime(row[key])
    for key in ("sessions", "present", "late", "excused", "absent", "streak"):
        row[key] = int(row[key] or 0)
    return row


async def kept_figures() -> list[dict[str, Any]]:
    """Every kept row, by enrolment (tests and checks compare them with figures_from_marks)."""
    columns = [getattr(EnrolmentStats, name) for name in ("enrolment", "program", "participant", *COLUMNS)]
    rows = await EnrolmentStats.select(*columns).order_by(EnrolmentStats.enrolment).run()
    return [_normalised(row) for row in rows]


async def figures_from_marks(now: datetime | None = None) -> list[dict[str, Any]]:
    """Every enrolment's figures at `now` computed from scratch, in the kept rows' shape, by enrolment."""
    rows = await raw(figures_sql("1 = 1") + " ORDER BY e.id", now=now or clock.now())
    return [_normalised(row) for row in rows]


def _normalised_session(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    for key in ("starts_at", "ends_at"):
        row[key] = as_datetime(row[key])
    for key in SESSION_COLUMNS[5:]:
        row[key] = int(row[key] or 0)
    return row


async def kept_session_figures() -> list[dict[str, Any]]:
    """Every kept session row, by session."""
    columns = [getattr(SessionStats, name) for name in SESSION_COLUMNS]
    rows = await SessionStats.select(*columns).order_by(SessionStats.session).run()
    return [_normalised_session(row) for row in rows]


async def session_figures_from_marks() -> list[dict[str, Any]]:
    """Every session's figures computed from scratch, in the kept rows' shape, by session."""
    rows = await raw(session_figures_sql("1 = 1") + " ORDER BY s.id")
    return [_normalised_session(row) for row in rows]
