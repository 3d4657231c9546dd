"""Plain marks arriving together for one session are saved in one transaction under the program's lock
(server/attendance/batching.py): fewer transactions than marks, the last mark of a person wins, a failure reaches
every mark of its batch, and a request that goes away does not stop the marks queued behind it."""

import asyncio
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from attendance_helpers import enrol, program_row, session_at, stored_status
from factories import make_program

from server import clock
from server.attendance import batching, sheets, stats

STATUSES = ("present", "late", "excused", "absent")


@pytest.fixture
async def sheet(db, facilitator):
    workshop = await make_program(slug="bersama", title="Kelas Bersama")
    now = clock.now()
    session = await session_at(workshop, now - timedelta(hours=2), status="scheduled")
    people = [await enrol(workshop, f"Peserta {n}", now - timedelta(weeks=1)) for n in range(12)]
    return await program_row(workshop), session, people


@pytest.fixture
def transactions(monkeypatch):
    """How many transactions took the program's lock to save marks."""
    opened = []
    original = batching.program_lock

    @asynccontextmanager
    async def counting(program_id):
        opened.append(program_id)
        async with original(program_id) as write:
            yield write

    monkeypatch.setattr(batching, "program_lock", counting)
    return opened


async def _figures_are_exact():
    assert await stats.kept_figures() == await stats.figures_from_marks()
    assert await stats.kept_session_figures() == await stats.session_figures_from_marks()


async def test_marks_arriving_together_share_a_transaction_and_keep_the_figures_exact(sheet, facilitator, transactions):
    program, session, people = sheet
    statuses = {person: STATUSES[n % 4] for n, person in enumerate(people)}
    await asyncio.gather(
        *(sheets.record_attendance(facilitator, program, session, p, status=s) for p, s in statuses.items())
    )
    assert {p: await stored_status(session, p) for p in people} == statuses
    # The first mark to arrive is saved alone, the ones arriving while it holds the lock together (how many
    # batches depends on when each request's checks finish).
    assert 2 <= len(transactions) < len(people)
    await _figures_are_exact()
    # A mark alone is one transaction, as before (counted from however many batches the first marks made).
    batches = len(transactions)
    await sheets.record_attendance(facilitator, program, session, people[0], status="absent")
    assert len(transactions) == batches + 1 and await stored_status(session, people[0]) == "absent"
    await _figures_are_exact()


async def test_the_last_of_a_persons_marks_in_a_batch_wins(sheet, facilitator):
    program, session, people = sheet
    # In the order they reach the queue: "present" is saved alone, the three after it together.
    now = clock.now()
    await asyncio.gather(
        *(batching.save_mark(program["id"], session, people[0], s, facilitator.id, now) for s in STATUSES)
    )
    assert await stored_status(session, people[0]) == "absent"
    await _figures_are_exact()


async def test_a_failed_batch_fails_each_of_its_marks_and_the_next_is_saved(sheet, facilitator, monkeypatch):
    program, session, people = sheet
    original = batching._upsert_marks

    async def failing_together(session_id, marks):
        if len(marks) > 1:
            raise RuntimeError("the database went away")
        await original(session_id, marks)

    monkeypatch.setattr(batching, "_upsert_marks", failing_together)
    now = clock.now()
    results = await asyncio.gather(
        *(batching.save_mark(program["id"], session, p, "present", facilitator.id, now) for p in people[:4]),
        return_exceptions=True,
    )
    assert results[0] is None
    assert all(isinstance(result, RuntimeError) for result in results[1:])
    assert [await stored_status(session, p) for p in people[:4]] == ["present", None, None, None]
    await asyncio.wait_for(sheets.record_attendance(facilitator, program, session, people[1], status="late"), 5)
    assert await stored_status(session, people[1]) == "late"
    await _figures_are_exact()


async def test_a_request_gone_while_waiting_does_not_stop_the_marks_behind_it(sheet, facilitator, monkeypatch):
    program, session, people = sheet
    release = asyncio.Event()
    original = batching._upsert_marks

    async def held(session_id, marks):
        await release.wait()
        await original(session_id, marks)

    monkeypatch.setattr(batching, "_upsert_marks", held)
    first = asyncio.create_task(sheets.record_attendance(facilitator, program, session, people[0], status="present"))
    await asyncio.sleep(0.05)
    gone = asyncio.create_task(sheets.record_attendance(facilitator, program, session, people[1], status="present"))
    behind = asyncio.create_task(sheets.record_attendance(facilitator, program, session, people[2], status="late"))
    await asyncio.sleep(0.05)
    gone.cancel()
    release.set()
    await asyncio.wait_for(asyncio.gather(first, behind), 5)
    assert gone.cancelled()
    assert [await stored_status(session, p) for p in people[:3]] == ["present", None, "late"]
    await _figures_are_exact()


async def test_the_marks_of_a_batch_whose_request_went_away_are_saved_by_the_next(sheet, facilitator, monkeypatch):
    program, session, people = sheet
    release = asyncio.Event()
    original = batching._upsert_marks
    calls = []

    async def held(session_id, marks):
        calls.append([mark.participant_id for mark in marks])
        if len(calls) == 2:
            await release.wait()  # the second batch's request goes away here, inside its transaction
        await original(session_id, marks)

    monkeypatch.setattr(batching, "_upsert_marks", held)
    now = clock.now()
    first = asyncio.create_task(batching.save_mark(program["id"], session, people[0], "present", facilitator.id, now))
    leader = asyncio.create_task(batching.save_mark(program["id"], session, people[1], "late", facilitator.id, now))
    behind = asyncio.create_task(batching.save_mark(program["id"], session, people[2], "absent", facilitator.id, now))
    await first
    for _ in range(100):
        if len(calls) == 2:
            break
        await asyncio.sleep(0.01)
    assert calls[1] == [people[1], people[2]]
    leader.cancel()
    release.set()
    await asyncio.wait_for(behind, 5)
    assert leader.cancelled()
    assert [await stored_status(session, p) for p in people[:3]] == ["present", None, "absent"]
    await _figures_are_exact()
