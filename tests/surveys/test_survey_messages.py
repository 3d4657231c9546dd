"""Survey invitations by message: a personal link that opens the survey, and one reminder with a new link to those
who have not answered."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from conftest import post_form, sign_in
from factories import make_program, make_staff
from messages.mail_fixtures import channels, smtp  # noqa: F401  (fixtures; tests/messages holds them)
from querycount import count_queries
from survey_helpers import make_survey, respond

from server.audit import AuditEvent
from server.enrolment.tables import Enrolment
from server.errors import DomainError
from server.messages import delivery, outbox
from server.messages.tables import OutboxMessage
from server.people.consent import withdraw_consent
from server.people.links import reissue_personal_links
from server.people.participants import create_participant
from server.programs.tables import TeamMember
from server.surveys import services as surveys
from server.surveys.services.invitations import REMINDER_AFTER, invite_enrolled, send_survey_reminders
from server.surveys.tables import SurveyInvite


@pytest.fixture(autouse=True)
def mail_goes_at_once(monkeypatch):
    """These tests deliver right after queueing, whatever the hour the suite runs (quiet hours, 21:00-07:00 in
    Jakarta, would hold the mail until the morning; they have their own tests in tests/messages/test_quiet_hours.py)."""
    monkeypatch.setattr(outbox, "settings", dataclasses.replace(outbox.settings, quiet_hours=""))


CONTACT = ["participation", "data_collection", "contact"]
QUESTIONS = [{"code": "calm", "kind": "likert", "text": "Tenang", "required": True}]


async def _person(program, name, *, email="", locale="id", consents=CONTACT, status="enrolled") -> int:
    values = {"display_name": name, "email": email, "preferred_locale": locale}
    person = await create_participant(None, values, consents)
    await Enrolment.insert(Enrolment(participant=person, program=program.id, status=status)).run()
    return person


@pytest.fixture
async def program(db):
    return await make_program(title="Kelas Menjahit")


@pytest.fixture
async def survey(organizer, program):
    return await make_survey(organizer, questions=QUESTIONS, anonymous=False, purpose="pre", program=program.id)


def _link_path(text: str) -> str:
    url = next(word for word in text.split() if "/s/" in word)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


async def _bodies() -> dict[int, str]:
    rows = await OutboxMessage.select(OutboxMessage.participant, OutboxMessage.body_text).run()
    return {row["participant"]: row["body_text"] for row in rows}


async def test_the_invitation_link_opens_the_survey_and_records_the_answer(client, organizer, program, survey):
    siti = await _person(program, "Siti", email="siti@example.org")
    await _person(program, "Dewi", email="dewi@example.org", status="withdrawn")
    await _person(program, "Rina", email="rina@example.org", status="waitlisted")
    await _person(program, "Ani", consents=["participation", "data_collection"])
    assert await invite_enrolled(organizer, survey) == 1
    [row] = await OutboxMessage.select().run()
    assert (row["participant"], row["template"]) == (siti, "survey_invitation")
    invite = await SurveyInvite.select().first().run()
    assert row["idempotency_key"] == f"survey:{invite['id']}"
    path = _link_path(row["body_text"])
    page = await client.get(path)
    assert page.status_code == 200 and "Survei Kebutuhan Warga" in page.text
    invite_token = path.rsplit("/", 1)[1]
    assert (await surveys.invite_by_token(survey, invite_token))["participant"] == siti


async def test_the_sent_link_and_the_personal_page_link_both_work(organizer, program, survey):
    siti = await _person(program, "Siti", email="siti@example.org")
    page = await reissue_personal_links(None, siti)
    await invite_enrolled(organizer, survey)
    sent = _link_path((await _bodies())[siti]).rsplit("/", 1)[1]
    derived = (await surveys.invite_link(survey["id"], siti, page)).rsplit("/", 1)[1]
    assert await surveys.invite_by_token(survey, sent) is not None
    assert await surveys.invite_by_token(survey, derived) is not None


async def test_reissuing_personal_links_ends_the_sent_link(organizer, program, survey):
    siti = await _person(program, "Siti", email="siti@example.org")
    await invite_enrolled(organizer, survey)
    sent = _link_path((await _bodies())[siti]).rsplit("/", 1)[1]
    await reissue_personal_links(None, siti)
    assert await surveys.invite_by_token(survey, sent) is None


async def test_inviting_again_sends_only_to_the_newly_enrolled(organizer, program, survey):
    await _person(program, "Siti", email="siti@example.org")
    assert await invite_enrolled(organizer, survey) == 1
    await _person(program, "Maria", email="maria@example.org", locale="en")
    assert await invite_enrolled(organizer, survey) == 1
    assert await OutboxMessage.count().run() == 2


async def test_an_anonymous_survey_is_not_sent_personal_links(organizer, program):
    anonymous = await make_survey(organizer, questions=QUESTIONS, program=program.id)
    await _person(program, "Siti", email="siti@example.org")
    with pytest.raises(DomainError):
        await invite_enrolled(organizer, anonymous)
    assert await OutboxMessage.count().run() == 0


async def test_the_invitation_is_in_each_persons_language_and_a_discreet_title_never_appears(organizer, smtp, channels):
    program = await make_program(title="Dukungan Korban Kekerasan", public_title="Kelompok Rabu", discreet=True)
    survey = await make_survey(organizer, questions=QUESTIONS, anonymous=False, program=program.id)
    await _person(program, "Siti", email="siti@example.org")
    await _person(program, "Maria", email="maria@example.org", locale="en")
    await invite_enrolled(organizer, survey)
    await delivery.deliver_due(channels=channels)
    mails = {to[0]: (raw, email) for to, raw, email in smtp.messages}
    assert mails["siti@example.org"][1]["Subject"] == "Beberapa pertanyaan dari Kelompok Rabu"
    assert mails["maria@example.org"][1]["Subject"] == "A few questions from Kelompok Rabu"
    for raw, email in mails.values():
        whole = raw.decode("ascii", "replace") + email["Subject"] + email.get_body(("plain",)).get_content()
        whole += email.get_body(("html",)).get_content()
        for word in ("Dukungan", "Korban", "Kekerasan"):
            assert word.lower() not in whole.lower()


# --- the reminder --------------------------------------------------------------------------------------------


async def test_one_reminder_with_a_new_link_goes_only_to_those_who_have_not_answered(organizer, program, survey):
    siti = await _person(program, "Siti", email="siti@example.org")
    budi = await _person(program, "Budi", email="budi@example.org")
    sent_at = datetime.now(UTC)
    await invite_enrolled(organizer, survey, now=sent_at)
    first = _link_path((await _bodies())[siti]).rsplit("/", 1)[1]
    await respond(survey, {"calm": 3}, participant_id=budi)
    assert await send_survey_reminders(sent_at + REMINDER_AFTER - timedelta(minutes=1)) == 0
    later = sent_at + REMINDER_AFTER + timedelta(minutes=1)
    assert await send_survey_reminders(later) == 1
    assert await send_survey_reminders(later + timedelta(days=1)) == 0  # once only
    [reminder] = await OutboxMessage.select().where(OutboxMessage.template == "survey_reminder").run()
    assert reminder["participant"] == siti
    invite = await SurveyInvite.select().where(SurveyInvite.participant == siti).first().run()
    assert reminder["idempotency_key"] == f"survey-reminder:{invite['id']}"
    assert "no longer works" in reminder["body_text"] or "tidak berlaku" in reminder["body_text"]
    new = _link_path(reminder["body_text"]).rsplit("/", 1)[1]
    assert new != first
    assert await surveys.invite_by_token(survey, first) is None  # the first link stops working
    assert (await surveys.invite_by_token(survey, new))["participant"] == siti


async def test_no_reminder_without_consent_is_recorded_for_staff_and_the_first_link_keeps_working(
    organizer, program, survey
):
    siti = await _person(program, "Siti", email="siti@example.org")
    sent_at = datetime.now(UTC)
    await invite_enrolled(organizer, survey, now=sent_at)
    first = _link_path((await _bodies())[siti]).rsplit("/", 1)[1]
    await withdraw_consent(siti, "contact", actor=None)
    assert await send_survey_reminders(sent_at + REMINDER_AFTER + timedelta(minutes=1)) == 0
    assert await OutboxMessage.count().where(OutboxMessage.template == "survey_reminder").run() == 0
    [event] = await AuditEvent.select().where(AuditEvent.action == "survey_reminder_not_sent").run()
    assert (event["subject_type"], event["subject_id"]) == ("participant", siti)
    assert "no consent to be contacted" in event["summary"]
    assert await surveys.invite_by_token(survey, first) is not None  # no new link was issued in its place
    assert await send_survey_reminders(sent_at + REMINDER_AFTER + timedelta(days=1)) == 0  # recorded once
    assert await AuditEvent.count().where(AuditEvent.action == "survey_reminder_not_sent").run() == 1


async def test_no_reminder_once_the_survey_has_closed(organizer, program):
    closes = datetime.now(UTC).date() + timedelta(days=2)
    survey = await make_survey(organizer, questions=QUESTIONS, anonymous=False, program=program.id, closes_on=closes)
    await _person(program, "Siti", email="siti@example.org")
    await invite_enrolled(organizer, survey)
    assert await send_survey_reminders(datetime.now(UTC) + REMINDER_AFTER + timedelta(days=1)) == 0


async def test_the_reminder_job_runs_the_same_queries_whatever_the_number_of_people(organizer, program):
    counts = []
    for people in (2, 6):
        survey = await make_survey(organizer, questions=QUESTIONS, anonymous=False, program=program.id)
        await Enrolment.delete().where(Enrolment.program == program.id).run()
        for n in range(people):
            await _person(program, f"P{people}-{n}", email=f"p{people}-{n}@example.org")
        at = datetime.now(UTC) + timedelta(days=10 * len(counts))
        await invite_enrolled(organizer, survey, now=at)
        with count_queries() as counter:
            assert await send_survey_reminders(at + REMINDER_AFTER + timedelta(hours=1)) == people
        counts.append(counter["n"] - people)  # one outbox insert per message queued
    assert counts[0] == counts[1]


# --- the page ------------------------------------------------------------------------------------------------


async def test_staff_send_the_invitations_from_the_survey_page(client, program, survey):
    lead = await make_staff(role="facilitator")
    await TeamMember.insert(TeamMember(program=program.id, staff=lead.id, role="lead")).run()
    await _person(program, "Siti", email="siti@example.org")
    await sign_in(client, lead.username)
    overview = await client.get(f"/surveys/{survey['id']}")
    assert f"/surveys/{survey['id']}/invite" in overview.text
    response = await post_form(client, f"/surveys/{survey['id']}/invite")
    assert response.status_code == 303
    assert await OutboxMessage.count().run() == 1


async def test_sending_an_unpublished_survey_is_refused(organizer_client, organizer, program):
    draft = await make_survey(organizer, questions=QUESTIONS, anonymous=False, program=program.id, published=False)
    await _person(program, "Siti", email="siti@example.org")
    response = await post_form(organizer_client, f"/surveys/{draft['id']}/invite")
    assert response.status_code == 409
    assert await OutboxMessage.count().run() == 0


async def test_someone_outside_the_team_may_not_send_invitations(client, program, survey):
    stranger = await make_staff(role="facilitator")
    await _person(program, "Siti", email="siti@example.org")
    await sign_in(client, stranger.username)
    response = await post_form(client, f"/surveys/{survey['id']}/invite")
    assert response.status_code in (403, 404)
    assert await OutboxMessage.count().run() == 0
