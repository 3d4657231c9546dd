"""Marks that arrive together for one session are saved together: one transaction under the program's lock and one
pass of the kept figures for all of them.

Every mark changes the program's kept figures, so it takes the program's lock for about a dozen statements. Taps on
one sheet (a facilitator going down the list, two facilitators sharing a sheet) used to queue on that lock one by
one, each waiting for every mark before it. Here the first mark of a session in this process saves what has arrived;
marks arriving meanwhile wait, and the first of them saves all of them in the next transaction. Under load the queue
then costs one lock per batch, not one per mark. Without contention a batch is one mark, saved as before.

Only plain marks are batched (a status, no note, a sheet that is not locked): notes, corrections and their audit
lines take the lock one by one in server/attendance/sheets.py."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.attendance.tables import Attendance
from server.programs.locking import program_lock
from server.schedule.tables import ProgramSession


@dataclass
class _Mark:
    participant_id: int
    status: str
    actor_id: int
    now: datetime
    # True once saved by a batch; False when this mark's request is to save the next batch itself.
    turn: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


@dataclass
class _Queues:
    """By session: the marks no batch has taken yet, and the sessions whose batch is being saved."""

    waiting: dict[int, list[_Mark]] = field(default_factory=dict)
    saving: set[int] = field(default_factory=set)


# One set of queues per event loop: a future belongs to its loop (tests run each on a loop of its own).
_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Queues] = weakref.WeakKeyDictionary()


async def save_mark(
    program_id: int, session: dict[str, Any], participant_id: int, status: str, actor_id: int, now: datetime
) -> None:
    """Saves one person's status on a session's sheet, alone or with the marks that arrive with it; returns once
    it is committed. A failure of the batch is raised to every mark in it."""
    queues = _queues.setdefault(asyncio.get_running_loop(), _Queues())
    session_id = session["id"]
    mark = _Mark(participant_id, status, actor_id, now)
    queues.waiting.setdefault(session_id, []).append(mark)
    if session_id in queues.saving:
        try:
            if await asyncio.shield(mark.turn):
                return
        except asyncio.CancelledError:
            _leave(queues, session_id, mark)
            raise
    else:
        queues.saving.add(session_id)
    try:
        await _save_batch(queues, program_id, session, mark)
    finally:
        _hand_over(queues, session_id)


async def _save_batch(queues: _Queues, program_id: int, session: dict[str, Any], own: _Mark) -> None:
    batch = queues.waiting.pop(session["id"], [])
    try:
        async with program_lock(program_id) as write:
            # The last mark of a person wins, as two taps one after the other would.
            latest = {mark.participant_id: mark for mark in batch}
            write.only_marks(session["id"], list(latest))
            await _upsert_marks(session["id"], list(latest.values()))
            await mark_held(session, max(mark.now for mark in batch))
    except asyncio.CancelledError:
        # This request went away mid-transaction (rolled back): the others' marks wait again, first in line, and
        # the next of them saves them.
        queues.waiting[session["id"]] = [
            mark for mark in batch if mark is not own and not mark.turn.done()
        ] + queues.waiting.get(session["id"], [])
        raise
    except BaseException as exc:
        for mark in batch:
            if mark is not own and not mark.turn.done():
                mark.turn.set_exception(exc)
        raise
    for mark in batch:
        if not mark.turn.done():
            mark.turn.set_result(True)


def _hand_over(queues: _Queues, session_id: int) -> None:
    """The first mark still waiting saves the next batch; with none, nobody is saving this session."""
    waiting = queues.waiting.get(session_id, [])
    while waiting and waiting[0].turn.done():  # its request went away
        waiting.pop(0)
    if waiting:
        waiting[0].turn.set_result(False)
    else:
        queues.waiting.pop(session_id, None)
        queues.saving.discard(session_id)


def _leave(queues: _Queues, session_id: int, mark: _Mark) -> None:
    """A waiting request went away: its mark is not saved, and if its turn had come the next one takes it."""
    waiting = queues.waiting.get(session_id, [])
    if mark in waiting:
        waiting.remove(mark)
    if not mark.turn.done():
        mark.turn.cancel()
    elif not mark.turn.cancelled() and mark.turn.exception() is None and mark.turn.result() is False:
        _hand_over(queues, session_id)


async def _upsert_marks(session_id: int, marks: Sequence[_Mark]) -> None:
    await upsert_attendance(
        [
            Attendance(
                session=session_id,
                participant=mark.participant_id,
                status=mark.status,
                recorded_by=mark.actor_id,
                recorded_at=mark.now,
            )
            for mark in marks
        ]
    )


async def upsert_attendance(rows: Sequence[Attendance], *, with_note: bool = False) -> None:
    """Last write wins per person, in one statement (one row per person), so two facilitators on the same sheet
    never lose a row. `with_note`: the rows' notes replace the saved ones too."""
    values = [Attendance.status, Attendance.recorded_by, Attendance.recorded_at]
    if with_note:
        values.append(Attendance.note)
    await (
        Attendance.insert(*rows)
        .on_conflict(target=(Attendance.session, Attendance.participant), action="DO UPDATE", values=values)
        .run()
    )


async def mark_held(session: dict[str, Any], now: datetime) -> None:
    """Taking attendance means the session took place."""
    if session["status"] == "scheduled" and session["starts_at"] <= now:
        await (
            ProgramSession.update({ProgramSession.status: "held", ProgramSession.updated_at: now})
            .where((ProgramSession.id == session["id"]) & (ProgramSession.status == "scheduled"))
            .run()
        )
