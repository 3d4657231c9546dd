"""Keeping the kept enrolment figures exact as time passes, not only when something is written.

A program's kept figures are exact until its next countable session starts (`valid_until`); after that, readers
add up the marks of that program themselves (server/attendance/rates.py), which is correct but costs what the
kept rows were meant to save. A periodic job of the delivery loop (server/messages/jobs.py) recomputes the stale
programs a few at a time, so that in a running installation readers almost always find fresh rows."""

from __future__ import annotations

from datetime import datetime, timedelta

from server.attendance.rules import raw
from server.attendance.stats import stale_programs_sql
from server.programs.locking import program_lock

INTERVAL = timedelta(minutes=1)
# Per run: enough for the sessions that start in a minute of a national programme, small enough that a run after
# a long pause does not hold the database for long (the rest follow at the next runs).
BATCH = 50


async def refresh_stale_figures(now: datetime, limit: int = BATCH) -> int:
    """Recomputes up to `limit` programs whose kept figures are stale at `now`; returns how many. Each under its
    program lock (the lock recomputes the program's figures before it commits), so a write at the same moment is
    either before or after, never mixed in."""
    rows = await raw(f"SELECT DISTINCT program FROM ({stale_programs_sql()}) stale LIMIT :limit", now=now, limit=limit)
    for row in rows:
        async with program_lock(row["program"]):
            pass
    return len(rows)


async def refresh_job(now: datetime) -> int:
    """The delivery loop's job: it queues no message (jobs report messages queued), so it answers 0."""
    await refresh_stale_figures(now)
    return 0
