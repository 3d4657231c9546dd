"""The one program lock: a transaction in which nobody else changes a program's list or settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from piccolo.engine.sqlite import TransactionType

from server.db import engine, program_changed
from server.programs.tables import Program


@asynccontextmanager
async def program_lock(program_id: int) -> AsyncIterator[None]:
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
    if db.engine_type == "sqlite":
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
            await program_changed(program_id)
    else:
        async with db.transaction():
            await Program.raw("SELECT id FROM program WHERE id = {} FOR UPDATE", program_id).run()
            yield
            await program_changed(program_id)
