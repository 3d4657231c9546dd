"""Every message a participant can be sent about a discreet program, queued through the real services, names it only
by its neutral title: never the real title's words, a cancellation reason, notes, the survey's own title or another
participant's name; the exact place only to members (the policy's PLACE cell for a member by message)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from factories import make_program, make_staff
from notices.notice_helpers import CONSENTS, NOW, member, program_row, session_at
from surveys.survey_helpers import make_survey

from server import clock
from server.enrolment import services as enrolment
from server.enrolment.notify import reissue_personal_link
from server.enrolment.registration import self_register
from server.enrolment.tables import Enrolment
from server.messages import kinds
from server.messages.tables import OutboxMessage
from server.notices import reminders
from server.notices.announcements import send_announcement
from server.people.tables import Participant
from server.schedule import services as schedule
from server.schedule.services import Details, Repeat
from server.schedule.tables import ProgramSession
from server.surveys.services.invitations import invite_enrolled, send_survey_reminders

REAL_WORDS = ("Adiksi", "Narkoba")  # the real title's words
REASON = "Konselor dirawat"  # the cancellation reason staff wrote
SECRETS = (*REAL_WORDS, REASON, "Catatan rahasia", "Topik sesi rahasia", "Survei Pemulihan")
PLACE = "Ruang Mawar"  # the exact place: members only
# Messages to the team, which the policy lets read the real title (TEAM, message: yes), or to staff about themselves.
STAFF_KINDS = {"approval_needed", "warning_digest", "password_reset"}
# Messages of a case file, which name no group program's real title by design; their discretion is asserted where
# a case is built: a referral to a discreet program (tests/cases/test_referrals.py,
# test_a_discreet_programs_notice_carries_only_its_neutral_title) and the follow-up invitation, which names no
# program or case at all (tests/cases/test_followups.py).
CASE_KINDS = {"referral_sent", "followup_invitation"}
NAMES = ("Siti Aminah", "Dewi Lestari", "Budi Santoso", "Rina Wulandari", "Ani Rahmawati")


async def _person(program, name: str, channel: str, number: int) -> int:
    address = {"email": f"p{number}@example.org"} if channel == "email" else {"phone": f"0812 3456 78{number:02d}"}
    return await member(program, name, **address)


async def _queue_every_kind(channel: str) -> dict[int, str]:
    """One discreet program, and every participant-facing message about it queued by the service that sends it."""
    organizer = await make_staff(role="organizer", username="oka")
    program = await make_program(
        timezone="Asia/Jakarta",
        title="Kelompok Pemulihan Adiksi Narkoba",
        public_title="Kelompok Rabu",
        slug="kelompok-rabu",
        kind="support_group",
        discreet=True,
        description="Untuk pemulihan adiksi narkoba",
        default_location=PLACE,
        capacity=3,
        details={"offer_hours": 48},
    )
    siti = await _person(program, NAMES[0], channel, 1)
    dewi = await _person(program, NAMES[1], channel, 2)
    names = {siti: NAMES[0], dewi: NAMES[1]}
    await Participant.update({Participant.notes: "Catatan rahasia: Adiksi"}).where(Participant.id == siti)
    # registration_received (enrolled), then waitlist_position and registration_received (waitlisted)
    address = {"email": "p3@example.org"} if channel == "email" else {"phone": "0812 3456 7803"}
    rina = (
        await self_register(
            program.id, {"display_name": NAMES[3], **address}, ["participation", "data_collection", "contact"], now=NOW
        )
    ).participant_id
    address = {"email": "p4@example.org"} if channel == "email" else {"phone": "0812 3456 7804"}
    budi = (
        await self_register(
            program.id, {"display_name": NAMES[2], **address}, ["participation", "data_collection", "contact"], now=NOW
        )
    ).participant_id
    names.update({rina: NAMES[3], budi: NAMES[2]})
    # place_offered, then place_promoted when Budi takes it
    rows = await enrolment_rows(program.id)
    await enrolment.withdraw(organizer, program.id, rows[dewi]["id"], "moved", now=NOW)
    await enrolment.confirm_offer(None, program.id, rows[budi]["id"], now=NOW + timedelta(hours=1))
    await reissue_personal_link(organizer, siti, send=True)  # link_reissued
    # waitlist_position: staff register someone while the program is full
    address = {"email": "p5@example.org"} if channel == "email" else {"phone": "0812 3456 7805"}
    values = {"display_name": NAMES[4], "preferred_locale": "en", **address}
    ani = (await enrolment.register_participant(organizer, program.id, values, CONSENTS, now=NOW))["participant"]
    names[ani] = NAMES[4]
    # sessions: reminder, cancelled (with a reason), restored, moved, a series retimed
    with clock.frozen(NOW):
        soon = await session_at(program, timedelta(hours=20), location=PLACE, topic="Topik sesi rahasia")
        await ProgramSession.update({ProgramSession.notes: "Catatan rahasia"}).where(ProgramSession.id == soon)
        await reminders.queue_due_reminders(NOW)
        row = await program_row(program)
        later = await session_at(program, timedelta(days=3), location=PLACE)
        await schedule.cancel_occurrence(row, await session_at(program, timedelta(days=2), location=PLACE), REASON)
        await schedule.cancel_occurrence(row, later, REASON)
        # Delivered (a restore withdraws a cancellation still waiting), then taken back: session_restored.
        await OutboxMessage.update({OutboxMessage.status: "sent"}).where(OutboxMessage.session_id == later)
        await schedule.restore_occurrence(row, later)
        await schedule.move_occurrence(row, later, day=date(2026, 12, 5), start=time(14, 0), end=time(15, 30))
        repeat = Repeat(frequency="weekly", first_day=date(2026, 12, 10), weekdays=("TH",), count=3)
        series, _ = await schedule.add_series(
            row, repeat=repeat, start=time(10, 0), end=time(11, 30), details=Details(location=PLACE)
        )
        first = await ProgramSession.select(ProgramSession.id).where(ProgramSession.series == series).first()
        await schedule.edit_series(
            row, first["id"], start=time(14, 0), end=time(15, 30), details=Details(location=PLACE), now=NOW
        )
    await send_announcement(row, organizer, "Kabar", "Pertemuan berikutnya seperti biasa.", NOW)
    survey = await make_survey(
        organizer,
        title="Survei Pemulihan Adiksi",
        questions=[{"code": "calm", "kind": "likert", "text": "Tenang", "required": True}],
        anonymous=False,
        purpose="pre",
        program=program.id,
    )
    await invite_enrolled(organizer, survey, NOW)
    await send_survey_reminders(NOW + timedelta(days=4))
    return names


async def enrolment_rows(program_id: int) -> dict[int, dict]:
    rows = await Enrolment.select().where(Enrolment.program == program_id).run()
    return {row["participant"]: row for row in rows}


@pytest.mark.parametrize("channel", ["email", "sms"])
async def test_no_message_about_a_discreet_program_names_what_it_is_about(db, channel):
    names = await _queue_every_kind(channel)
    messages = await OutboxMessage.select().where(OutboxMessage.participant.is_not_null()).run()
    sent = {message["template"] for message in messages}
    # Every kind a participant can be sent is covered here: a new kind must be added to this world.
    expected = set(kinds.KINDS) - STAFF_KINDS - CASE_KINDS
    assert sent == expected, expected - sent
    assert {message["channel"] for message in messages} == {channel}
    for message in messages:
        whole = " ".join((message["subject"], message["body_text"], message["body_html"])).lower()
        where = f"{message['template']} to {names[message['participant']]}"
        for secret in SECRETS:
            assert secret.lower() not in whole, f"{secret!r} in {where}"
        for name in (name for pid, name in names.items() if pid != message["participant"]):
            assert name.lower() not in whole, f"{name!r} in {where}"
        if message["template"] in ("registration_received", "waitlist_position", "place_offered"):
            assert PLACE.lower() not in whole, where  # not a member (yet): the place is for members
        if message["template"] in ("session_reminder", "schedule_changed", "announcement"):
            assert "kelompok rabu" in whole, where  # the neutral title it is called by
