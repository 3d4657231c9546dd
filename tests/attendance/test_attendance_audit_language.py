"""Corrections of locked attendance sheets are audited as a message and its parameters, so the audit log shows
them in the reader's language."""

from datetime import timedelta

import pytest
from attendance_helpers import NOW, enrol, mark, program_row, session_at
from factories import make_program

from server.attendance import sheets
from server.audit import AuditEvent, describe
from server.config import settings
from server.i18n import use_locale


@pytest.fixture
async def workshop(db):
    return await make_program(slug="menjahit", title="Kelas Menjahit", completion_threshold=75)


async def test_locked_sheet_correction_is_described_in_the_readers_language(workshop, organizer):
    program = await program_row(workshop)
    session = await session_at(workshop, NOW - timedelta(days=settings.attendance_lock_days + 1))
    person = await enrol(workshop, "Sari", NOW - 5 * timedelta(weeks=1))
    await mark(session, person, "absent")

    await sheets.record_attendance(organizer, program, session, person, status="late", now=NOW)

    event = await AuditEvent.select().where(AuditEvent.action == "correct").first().run()
    with use_locale("en"):
        assert describe(event) == f"locked sheet, participant {person}: Absent -> Late"
    with use_locale("id"):
        shown = describe(event)
    assert "Tidak hadir" in shown and "Terlambat" in shown and str(person) in shown
    assert "locked sheet" not in shown


async def test_guest_added_to_a_locked_sheet_is_described_in_the_readers_language(workshop, organizer):
    await workshop.update_self({"enrolment_mode": "open"})
    program = await program_row(workshop)
    session = await session_at(workshop, NOW - timedelta(days=settings.attendance_lock_days + 1))

    await sheets.add_guest(organizer, program, session, "Tamu", now=NOW)

    event = await AuditEvent.select().where(AuditEvent.action == "correct").first().run()
    with use_locale("en"):
        assert describe(event) == "locked sheet, guest added"
    with use_locale("id"):
        assert describe(event) not in ("", "locked sheet, guest added")
