"""Periodic jobs of the delivery loop: features that queue messages on a clock (reminders, digests) register here.

Every delivery loop (each `worker`, and `serve`'s in-process loop) runs the registered jobs once per interval
before it claims messages. Several loops may run the same job at about the same moment: a job must be idempotent,
which the outbox's idempotency keys make easy (`reminder:{session}:{participant}` is queued once whoever queues it).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from server.db import refresh_planner_statistics

log = logging.getLogger("gotong.messages")

# A job gets the current instant and returns how many messages it queued.
Job = Callable[[datetime], Awaitable[int]]


@dataclass
class _Registered:
    job: Job
    interval: timedelta
    last_run: datetime | None = field(default=None)


_jobs: dict[str, _Registered] = {}


def every(name: str, interval: timedelta, job: Job) -> None:
    """Runs `job` at most once per `interval` in each delivery loop. Registering a name again replaces it."""
    _jobs[name] = _Registered(job, interval)


def registered() -> list[str]:
    return sorted(_jobs)


async def run_due(now: datetime) -> int:
    """Runs the jobs whose interval has passed; a failing job is logged and tried again at its next interval."""
    queued = 0
    for name, entry in _jobs.items():
        if entry.last_run is not None and now - entry.last_run < entry.interval:
            continue
        entry.last_run = now
        try:
            queued += await entry.job(now)
        except Exception:
            log.exception("job %s failed", name)
    return queued


def forget_runs() -> None:
    """Every job runs at the next round (tests, and a worker that has been paused)."""
    for entry in _jobs.values():
        entry.last_run = None


async def _planner_statistics(now: datetime) -> int:
    """The database's own upkeep: SQLite's planner statistics follow the data (server.db); it queues nothing."""
    await refresh_planner_statistics()
    return 0


# Often enough to follow an organisation that grows (a plan goes wrong at tens of times the analysed size, not at
# a few more rows), rarely enough that its one short write (50 ms at 300 programs) is never in anyone's way.
every("planner statistics", timedelta(hours=6), _planner_statistics)
