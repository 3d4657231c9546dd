"""The import writes in batches: the same queries for 10 rows as for 200, all or nothing across chunks, the data
checks' kept counts equal to a recomputation, and the waiting list told their places."""

from datetime import date

import pytest
from factories import make_program
from import_files import GUESSED, csv_bytes, person, rows
from querycount import count_queries

from server.enrolment import bulk as enrolment_bulk
from server.enrolment.tables import Enrolment, EnrolmentChange
from server.imports import services
from server.imports.reading import read_sheet
from server.messages.tables import OutboxMessage
from server.people import bulk
from server.people.participants import create_participant
from server.people.tables import Consent, Participant
from server.reports import checks_kept

DAY = date(2026, 3, 1)


def sheet_of(body):
    return read_sheet("peserta.csv", csv_bytes(body), 5 * 1024 * 1024)


async def run_import(organizer, body, program_id=None, decisions=None):
    return await services.import_participants(
        organizer, sheet_of(body), GUESSED, decisions or {}, filename="p.csv", default_date=DAY, program_id=program_id
    )


@pytest.mark.parametrize("with_program", [False, True])
async def test_importing_200_rows_runs_as_many_queries_as_10(organizer, with_program):
    counts = []
    for size, start in ((10, 1), (200, 1001)):
        program = await make_program(capacity=500) if with_program else None
        with count_queries() as counter:
            outcome = await run_import(organizer, rows(size, start=start), program.id if program else None)
        assert outcome.created == size
        counts.append(counter["n"])
    assert counts[0] == counts[1]


async def test_more_rows_than_a_chunk_add_a_few_statements_per_chunk(organizer, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 10)
    counts = []
    for size, start in ((10, 1), (30, 1001)):
        with count_queries() as counter:
            await run_import(organizer, rows(size, start=start))
        counts.append(counter["n"])
    assert counts[0] < counts[1] <= counts[0] + 2 * 4  # people, consents, audit entries per extra chunk


async def test_a_failure_enrolling_the_last_chunk_leaves_nothing(organizer, monkeypatch):
    program = await make_program(capacity=5)
    calls = {"n": 0}
    original = enrolment_bulk._insert_chunk

    async def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("connection lost")
        return await original(*args, **kwargs)

    monkeypatch.setattr(bulk, "CHUNK", 3)
    monkeypatch.setattr(enrolment_bulk, "CHUNK", 3)
    monkeypatch.setattr(enrolment_bulk, "_insert_chunk", failing)
    with pytest.raises(RuntimeError):
        await run_import(organizer, rows(8), program.id)
    assert calls["n"] == 3
    for table in (Participant, Consent, Enrolment, EnrolmentChange):
        assert await table.count().run() == 0


async def test_kept_data_check_counts_equal_a_recomputation_after_an_import(organizer):
    await checks_kept.rebuild_all()
    await create_participant(organizer, {"display_name": "Sri", "phone": "0812 7000 0002"}, ["contact"])
    body = [*rows(4), person(9, contact="tidak", phone="", email=""), person(10, participation="")]
    outcome = await run_import(organizer, body, decisions={3: "import"})  # row 3 shares Sri's phone
    assert outcome.created == 6
    assert await checks_kept.kept() == await checks_kept.from_scratch()
    program = await make_program(capacity=3)
    outcome = await run_import(organizer, rows(5, start=20), program.id)
    assert (outcome.enrolled, outcome.waitlisted) == (3, 2)
    assert await checks_kept.kept() == await checks_kept.from_scratch()


async def test_imported_people_beyond_the_places_wait_in_order_and_are_told_their_place(organizer):
    program = await make_program(capacity=2)
    outcome = await run_import(organizer, rows(4), program.id)
    assert (outcome.enrolled, outcome.waitlisted) == (2, 2)
    enrolments = (
        await Enrolment.select(Enrolment.participant.display_name, Enrolment.status).order_by(Enrolment.id).run()
    )
    assert [row["status"] for row in enrolments] == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    assert [row["participant.display_name"] for row in enrolments] == [f"Peserta {n}" for n in range(1, 5)]
    keys = (
        await OutboxMessage.select(OutboxMessage.idempotency_key)
        .where(OutboxMessage.idempotency_key.like("waitlist:%"))
        .run()
    )
    assert len(keys) == 2
