"""Participant rules without HTTP: duplicates, consent, confidentiality, secret links, erasure."""

import pytest
from factories import make_program, make_staff

from server.enrolment.participant_access import participant_for_staff
from server.errors import NotFound
from server.pages.personal_data import erase_participant
from server.people.consent import active_consents, consent_history, record_consent, withdraw_consent
from server.people.links import live_personal_links, reissue_personal_links, token_owner
from server.people.participants import create_participant, phone_digits, possible_duplicates


async def _participant(actor=None, **values):
    base = {"display_name": "Wati", "phone": "", "email": "", "preferred_locale": "id"}
    base.update(values)
    # Contact details are kept only with consent to be contacted.
    return await create_participant(actor, base, ["contact"] if base["phone"] or base["email"] else [])


def test_phone_digits_treat_local_and_international_forms_alike():
    assert phone_digits("+62 812-3456-7890") == phone_digits("0812 3456 7890") == "081234567890"


async def test_possible_duplicates_by_phone_email_and_similar_name(db):
    first = await _participant(display_name="Siti Aminah", phone="0812 1111 2222", email="siti@example.id")
    assert [d["id"] for d in await possible_duplicates("Someone Else", phone="+62 812 1111 2222")] == [first]
    assert [d["id"] for d in await possible_duplicates("Other", email="SITI@example.id")] == [first]
    assert [d["reason"] for d in await possible_duplicates("Siti Aminnah")] == ["name"]
    assert await possible_duplicates("Budi Hartono") == []


async def test_consent_is_versioned_and_withdrawal_keeps_the_record(organizer):
    pid = await _participant(organizer)
    await record_consent(pid, "participation", actor=organizer)
    await record_consent(pid, "participation", actor=organizer)  # already in force: not duplicated
    await record_consent(pid, "contact", actor=None, source="self_registration")
    assert (await active_consents([pid]))[pid] == {"participation", "contact"}
    await withdraw_consent(pid, "contact", actor=None)
    assert (await active_consents([pid]))[pid] == {"participation"}
    history = await consent_history(pid)
    assert len(history) == 2 and all(h["text_version"] for h in history)
    assert any(h["purpose"] == "contact" and h["withdrawn_at"] is not None for h in history)


async def test_contact_details_are_hidden_from_staff_outside_the_persons_programs(organizer, facilitator):
    admin = await make_staff(role="admin")
    pid = await _participant(admin, phone="0812 9999 0000", notes="takut dikenali tetangga")
    seen_by_organizer = await participant_for_staff(organizer, pid)
    assert (
        seen_by_organizer["phone"] == "" and seen_by_organizer["notes"] == "" and not seen_by_organizer["confidential"]
    )
    with pytest.raises(NotFound):
        await participant_for_staff(facilitator, pid)
    seen_by_admin = await participant_for_staff(admin, pid)
    assert seen_by_admin["phone"] == "0812 9999 0000"


async def test_team_of_an_enrolled_program_sees_contact_details_and_the_view_is_audited(organizer, facilitator):
    from server.audit import AuditEvent
    from server.enrolment.tables import Enrolment
    from server.programs.tables import TeamMember

    program = await make_program()
    await TeamMember.insert(TeamMember(program=program.id, staff=facilitator.id, role="lead")).run()
    pid = await _participant(organizer, phone="0812 7777 0000")
    await Enrolment.insert(Enrolment(participant=pid, program=program.id, status="enrolled")).run()
    seen = await participant_for_staff(facilitator, pid)
    assert seen["phone"] == "0812 7777 0000"
    views = await AuditEvent.select().where((AuditEvent.action == "view") & (AuditEvent.subject_id == pid)).run()
    assert [v["actor"] for v in views] == [facilitator.id]


async def test_reissued_link_revokes_the_old_one(organizer):
    pid = await _participant(organizer)
    old = await reissue_personal_links(organizer, pid)
    assert (await token_owner(old, "participant_page"))["participant"] == pid
    new = await reissue_personal_links(organizer, pid)
    assert new != old
    assert await token_owner(old, "participant_page") is None
    assert await token_owner(new, "participant_feed") is None  # a page link is not a feed link
    assert await token_owner("x" * 500, "participant_page") is None


async def test_anonymisation_keeps_attendance_counts(db):
    from datetime import timedelta

    from factories import make_session

    from server.attendance.tables import Attendance
    from server.enrolment.tables import Enrolment
    from server.people.tables import Participant

    admin = await make_staff(role="admin")
    program = await make_program()
    session = await make_session(program, starts_in=timedelta(days=-1))
    pid = await _participant(
        admin, display_name="Rahmat", phone="0812 5555 6666", email="r@example.id", notes="catatan"
    )
    await Enrolment.insert(Enrolment(participant=pid, program=program.id, status="enrolled")).run()
    await Attendance.insert(
        Attendance(session=session.id, participant=pid, status="present", note="datang terlambat")
    ).run()
    await erase_participant(admin, pid)
    row = await Participant.select().where(Participant.id == pid).first().run()
    assert (
        row["display_name"] == f"#{pid}" and row["phone"] == row["email"] == row["notes"] == "" and row["anonymised_at"]
    )
    assert await Attendance.count().where(Attendance.session == session.id).run() == 1
    assert (await Attendance.select(Attendance.note).first().run())["note"] == ""
    assert await live_personal_links([pid]) == set()


async def test_only_admins_can_erase(organizer):
    from server.errors import DomainError

    pid = await _participant(organizer)
    with pytest.raises(DomainError):
        await erase_participant(organizer, pid)
