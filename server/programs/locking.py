"""The one program lock: a transaction in which nobody else changes a program's list or settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from piccolo.engine.sqlite import TransactionType

from server.db import engine, marks_changed, program_changed, writer_turn
from server.programs.tables import Program


@dataclass
class ProgramWrite:
    """What a block under the lock wrote. By default anything: every kept figure of the program is recomputed. A
    block that only set some people's marks on one session says so, and the keepers follow just that."""

    program_id: int
    marked_session: int | None = None
    marked_people: list[int] = field(default_factory=list)

    def only_marks(self, session_id: int, participant_ids: Sequence[int]) -> None:
        self.marked_session = session_id
        self.marked_people = list(participant_ids)

    async def keep_figures(self) -> None:
        if self.marked_session is None:
            await program_changed(self.program_id)
        elif self.marked_people:
            await marks_changed(self.program_id, self.marked_session, self.marked_people)


@asynccontextmanager
async def program_lock(program_id: int) -> AsyncIterator[ProgramWrite]:
    """One transaction in which nobody else changes this program's enrolments (or its capacity).

    Capacity is a count followed by an insert; two registrations interleaving between them would both see a free
    place. PostgreSQL locks the program row until commit; SQLite takes its single write lock at BEGIN IMMEDIATE
    (a deferred transaction would read first and could not upgrade to a write while another reader waits).
    Every write under the lock (enrolments, marks) may change the program's attendance figures: they are
    recomputed before the commit (server.db.program_changed), unless the block failed and nothing is saved.
    It lives with programs (not enrolment) because a program's settings change under it too: raising capacity
    and filling the new places from the waitlist is one step.
    """
    db = engine()
    write = ProgramWrite(program_id)
    if db.engine_type == "sqlite":
        async with writer_turn(), db.transaction(transaction_type=TransactionType.immediate):
            yield write
            await write.keep_figures()
    else:
        async with db.transaction():
            await Program.raw("SELECT id FROM program WHERE id = {} FOR UPDATE", program_id).run()
            yield write
            await write.keep_figures()
