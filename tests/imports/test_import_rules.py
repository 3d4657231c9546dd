"""The import's rules without HTTP: duplicates, consent as given on paper, enrolment with capacity, all or nothing."""

from datetime import date

import pytest
from factories import make_program
from import_files import GUESSED, csv_bytes, person, rows
from querycount import count_queries

from server.audit import AuditEvent
from server.enrolment.tables import Enrolment
from server.enrolment.waitlist import load_program
from server.errors import DomainError
from server.imports import services
from server.imports.checking import check_rows
from server.imports.reading import read_sheet
from server.people import bulk
from server.people.participants import create_participant
from server.people.tables import Consent, Participant

LIMIT = 5 * 1024 * 1024


def sheet_of(body):
    return read_sheet("peserta.csv", csv_bytes(body), LIMIT)


async def test_rows_are_new_duplicate_or_error_with_the_reason(organizer):
    existing = await create_participant(
        organizer, {"display_name": "Sri", "phone": "+62 812 7000 0002", "email": ""}, ["contact"]
    )
    body = rows(3)
    body.append(person(4, phone="call me"))
    body.append(person(5, name=""))
    body.append(person(6, email="not-an-email"))
    body.append(person(7, participation="31/02/2026"))
    body.append(person(1, name="Peserta satu lagi"))  # same phone as row 2 of this file
    preview = await check_rows(sheet_of(body), GUESSED, default_date=date(2026, 3, 1), program=None)
    states = {row.number: row.state for row in preview.rows}
    assert states == {
        2: "new",
        3: "duplicate",
        4: "new",
        5: "error",
        6: "error",
        7: "error",
        8: "error",
        9: "duplicate",
    }
    row3 = preview.rows[1]
    assert row3.duplicates == [{"id": existing, "display_name": "Sri", "reason": "phone"}]
    assert "call me is not a phone number" in preview.rows[3].errors[0]
    assert "name is missing" in preview.rows[4].errors[0]
    assert "not-an-email" in preview.rows[5].errors[0]
    assert "write a date" in preview.rows[6].errors[0]
    assert preview.rows[7].same_as_row == 2


async def test_same_normalised_name_is_a_possible_duplicate(organizer):
    await create_participant(organizer, {"display_name": "Dewi Lestari"}, [])
    await create_participant(organizer, {"display_name": "Budi", "legal_name": "Bunga Citra"}, [])
    body = [person(1, name="dewi   LESTARI", phone="", email="", contact=""), person(2, name="BUNGA  citra")]
    preview = await check_rows(sheet_of(body), GUESSED, default_date=date(2026, 3, 1), program=None)
    assert [row.state for row in preview.rows] == ["duplicate", "duplicate"]
    assert preview.rows[1].duplicates[0]["display_name"] == "Budi"


async def test_the_preview_looks_duplicates_up_in_batches_not_per_row(organizer):
    for number in (3, 40):
        await create_participant(organizer, {"display_name": f"Peserta {number}"}, [])
    counts = []
    for size in (5, 60):
        sheet = sheet_of(rows(size))
        with count_queries() as counter:
            await check_rows(sheet, GUESSED, default_date=None, program=None)
        counts.append(counter["n"])
    assert counts[0] == counts[1] <= 2


async def test_consent_is_recorded_as_given_on_paper_on_its_date(organizer):
    body = [person(1, participation="05/02/2026", contact="ya")]
    outcome = await services.import_participants(
        organizer, sheet_of(body), GUESSED, {}, filename="peserta.csv", default_date=date(2026, 3, 1), program_id=None
    )
    assert outcome.created == 1
    consents = await Consent.select(Consent.purpose, Consent.source, Consent.given_at).order_by(Consent.purpose).run()
    assert [(c["purpose"], c["source"]) for c in consents] == [("contact", "paper"), ("participation", "paper")]
    dates = {c["purpose"]: c["given_at"].date() for c in consents}
    assert dates == {"contact": date(2026, 3, 1), "participation": date(2026, 2, 5)}


async def test_contact_details_without_consent_to_be_contacted_are_an_error(organizer):
    body = [person(1, contact="tidak")]
    preview = await check_rows(sheet_of(body), GUESSED, default_date=None, program=None)
    assert preview.rows[0].state == "error" and "consent to be contacted" in preview.rows[0].errors[0]


async def test_an_undecided_duplicate_or_error_row_blocks_the_whole_import(organizer):
    await create_participant(organizer, {"display_name": "Peserta 2"}, [])
    body = [*rows(3), person(4, name="")]
    sheet = sheet_of(body)
    for decisions in ({}, {3: "import"}, {5: "skip"}, {3: "import", 5: "import"}):
        with pytest.raises(DomainError):
            await services.import_participants(
                organizer, sheet, GUESSED, decisions, filename="p.csv", default_date=date(2026, 3, 1), program_id=None
            )
    assert await Participant.count().run() == 1
    outcome = await services.import_participants(
        organizer,
        sheet,
        GUESSED,
        {3: "skip", 5: "skip"},
        filename="p.csv",
        default_date=date(2026, 3, 1),
        program_id=None,
    )
    assert (outcome.created, outcome.skipped) == (2, 2)


async def test_a_failure_midway_leaves_nothing(organizer, monkeypatch):
    body = rows(5)
    calls = {"n": 0}
    original = bulk._insert_chunk

    async def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return await original(*args, **kwargs)

    monkeypatch.setattr(bulk, "CHUNK", 2)
    monkeypatch.setattr(bulk, "_insert_chunk", failing)
    with pytest.raises(RuntimeError):
        await services.import_participants(
            organizer, sheet_of(body), GUESSED, {}, filename="p.csv", default_date=date(2026, 3, 1), program_id=None
        )
    assert calls["n"] == 3
    assert await Participant.count().run() == 0
    assert await Consent.count().run() == 0
    assert await AuditEvent.count().where(AuditEvent.action == "import").run() == 0


async def test_enrolment_fills_the_places_then_the_waiting_list(organizer):
    program = await load_program((await make_program(capacity=3)).id)
    sheet = sheet_of(rows(5))
    preview = await check_rows(sheet, GUESSED, default_date=date(2026, 3, 1), program=program)
    assert [row.place for row in preview.rows] == ["enrolled"] * 3 + ["waitlisted"] * 2
    outcome = await services.import_participants(
        organizer, sheet, GUESSED, {}, filename="p.csv", default_date=date(2026, 3, 1), program_id=program["id"]
    )
    assert (outcome.created, outcome.enrolled, outcome.waitlisted) == (5, 3, 2)
    statuses = await Enrolment.select(Enrolment.status).where(Enrolment.program == program["id"]).run()
    assert sorted(row["status"] for row in statuses) == ["enrolled"] * 3 + ["waitlisted"] * 2


async def test_enrolling_needs_consent_to_take_part(organizer):
    program = await load_program((await make_program()).id)
    preview = await check_rows(
        sheet_of([person(1, participation="")]), GUESSED, default_date=date(2026, 3, 1), program=program
    )
    assert "consent to take part" in preview.rows[0].errors[0]


async def test_the_audit_log_has_the_file_name_and_counts_never_the_contents(organizer):
    await services.import_participants(
        organizer,
        sheet_of(rows(2)),
        GUESSED,
        {},
        filename="anggota.csv",
        default_date=date(2026, 3, 1),
        program_id=None,
    )
    event = await AuditEvent.select().where(AuditEvent.action == "import").first().run()
    assert "anggota.csv" in event["summary"] and "2 new" in event["summary"]
    everything = str(await AuditEvent.select().run())
    for secret in ("0812 7000", "peserta1@contoh.id", "Peserta Nomor"):
        assert secret not in everything
