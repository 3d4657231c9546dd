"""Follow-up after a case closes: checks planned at 1, 3 and 6 months, invitations sent once when due and only with
consent, the link opens the follow-up survey, answered status, the case page, constant queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from case_helpers import case_world, open_a_case
from conftest import sign_in
from factories import make_program
from querycount import count_queries
from surveys.survey_helpers import make_survey, respond

from server import clock
from server.cases import services
from server.cases.followup_tables import FollowUp
from server.cases.followups import add_months, list_followups, send_due_followups
from server.cases.tables import Case, CaseAssessment, CaseNote
from server.demo import seed_demo
from server.errors import DomainError
from server.messages import jobs
from server.messages.tables import OutboxMessage
from server.people.consent import withdraw_consent
from server.people.participants import create_participant
from server.surveys.tables import SurveyInvite

CONTACT = ["participation", "data_collection", "contact"]
QUESTIONS = [{"code": "coping", "kind": "likert", "text": "Bagaimana keadaan Anda sekarang?", "required": True}]
# 20:00 UTC on 30 January is already 31 January in Jakarta (the organisation's timezone in tests).
CLOSED_AT = datetime(2026, 1, 30, 20, 0, tzinfo=UTC)


@pytest.fixture
async def world(db):
    return await case_world()


async def _person(name: str, *, consents=CONTACT) -> int:
    email = f"{name.lower()}@example.org" if "contact" in consents else ""
    values = {"display_name": name, "email": email, "preferred_locale": "id"}
    return await create_participant(None, values, consents)


async def _closed_case(world, participant: int, *, at: datetime = CLOSED_AT) -> int:
    case_id = await open_a_case(world, participant=participant)
    with clock.frozen(at):
        await services.close_case(world.worker, case_id, "goals_met")
    return case_id


async def _followup_survey(world, **values):
    values = {"title": "Tindak lanjut", "anonymous": False, "purpose": "follow_up", **values}
    return await make_survey(world.organizer, questions=QUESTIONS, **values)


def _link_path(text: str) -> str:
    url = next(word for word in text.split() if "/s/" in word)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _due_at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta


# --- planning ----------------------------------------------------------------------------------------------------
def test_months_are_added_to_the_same_day_or_the_end_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 31), 3) == date(2026, 4, 30)
    assert add_months(date(2026, 8, 15), 6) == date(2027, 2, 15)


async def test_closing_a_case_plans_three_checks_at_1_3_and_6_months_in_the_organisations_days(world):
    case_id = await _closed_case(world, world.participant)
    rows = await FollowUp.select(FollowUp.due_on, FollowUp.status).where(FollowUp.case == case_id).run()
    assert sorted(row["due_on"] for row in rows) == [date(2026, 2, 28), date(2026, 4, 30), date(2026, 7, 31)]
    assert {row["status"] for row in rows} == {"planned"}


async def test_a_refused_closure_plans_nothing(world):
    case_id = await open_a_case(world)
    with pytest.raises(DomainError):
        await services.close_case(world.worker, case_id, "")
    assert await FollowUp.count().run() == 0


# --- the job -----------------------------------------------------------------------------------------------------
async def test_a_due_check_is_sent_once_with_a_link_that_opens_the_follow_up_survey(client, world):
    siti = await _person("Siti")
    case_id = await _closed_case(world, siti)
    survey = await _followup_survey(world)
    first = date(2026, 2, 28)
    assert await send_due_followups(_due_at(first) - timedelta(days=1)) == 0  # not due yet
    assert await send_due_followups(_due_at(first)) == 1
    assert await send_due_followups(_due_at(first) + timedelta(hours=2)) == 0  # once
    [message] = await OutboxMessage.select().run()
    [sent] = await FollowUp.select().where(FollowUp.status == "sent").run()
    assert (message["participant"], message["template"]) == (siti, "followup_invitation")
    assert message["idempotency_key"] == f"followup:{sent['id']}"
    assert sent["due_on"] == first and sent["survey"] == survey["id"] and sent["invite"] is not None
    # Nothing of the case reaches the message.
    assert "goals" not in message["body_text"].lower() and "Wulan" not in message["body_text"]
    page = await client.get(_link_path(message["body_text"]))
    assert page.status_code == 200 and "Tindak lanjut" in page.text
    invite = await SurveyInvite.select().where(SurveyInvite.id == sent["invite"]).first().run()
    assert invite["participant"] == siti
    assert await FollowUp.count().where((FollowUp.case == case_id) & (FollowUp.status == "planned")).run() == 2


async def test_no_invitation_without_current_consent_to_be_contacted(world):
    ani = await _person("Ani", consents=["participation"])
    siti = await _person("Siti")
    await _closed_case(world, ani)
    await _closed_case(world, siti)
    await withdraw_consent(siti, "contact", actor=None)
    await _followup_survey(world)
    assert await send_due_followups(_due_at(date(2026, 3, 1))) == 0
    assert await OutboxMessage.count().run() == 0
    skipped = await FollowUp.select(FollowUp.skip_reason).where(FollowUp.status == "skipped").run()
    assert [row["skip_reason"] for row in skipped] == ["no_contact", "no_contact"]


async def test_due_checks_wait_for_a_published_named_follow_up_survey(world):
    siti = await _person("Siti")
    await _closed_case(world, siti)
    at = _due_at(date(2026, 3, 1))
    await _followup_survey(world, published=False)
    await _followup_survey(world, anonymous=True)  # anonymous surveys have no personal links
    await make_survey(world.organizer, questions=QUESTIONS, anonymous=False, purpose="post")
    assert await send_due_followups(at) == 0
    assert await FollowUp.count().where(FollowUp.status == "planned").run() == 3
    await _followup_survey(world)
    assert await send_due_followups(at) == 1


async def test_of_several_checks_due_at_once_only_the_latest_is_sent(world):
    siti = await _person("Siti")
    await _closed_case(world, siti)
    await _followup_survey(world)
    assert await send_due_followups(_due_at(date(2026, 5, 1))) == 1
    rows = await FollowUp.select(FollowUp.due_on, FollowUp.status, FollowUp.skip_reason).order_by(FollowUp.due_on).run()
    assert [(r["status"], r["skip_reason"]) for r in rows] == [("skipped", "superseded"), ("sent", ""), ("planned", "")]


async def test_the_job_is_registered_and_runs_from_the_delivery_loop(world):
    siti = await _person("Siti")
    await _closed_case(world, siti)
    await _followup_survey(world)
    assert "case_followups" in jobs.registered()
    jobs.forget_runs()
    await jobs.run_due(_due_at(date(2026, 3, 1)))
    assert await OutboxMessage.count().where(OutboxMessage.template == "followup_invitation").run() == 1


# --- answered ----------------------------------------------------------------------------------------------------
async def test_a_check_is_answered_once_the_person_answers_its_survey(world):
    siti = await _person("Siti")
    case_id = await _closed_case(world, siti)
    survey = await _followup_survey(world)
    await send_due_followups(_due_at(date(2026, 3, 1)))
    assert [row["status"] for row in await list_followups(case_id)] == ["sent", "planned", "planned"]
    invite = await SurveyInvite.select().first().run()
    await respond(survey, {"coping": 4}, participant_id=siti)
    listed = await list_followups(case_id)
    assert [row["status"] for row in listed] == ["answered", "planned", "planned"]
    assert listed[0]["answered_at"] is not None
    # The job records it, and a later check does not invite to a survey already answered.
    assert await send_due_followups(_due_at(date(2026, 5, 1))) == 0
    rows = await FollowUp.select().order_by(FollowUp.due_on).run()
    assert rows[0]["status"] == "answered" and rows[0]["invite"] == invite["id"]
    assert (rows[1]["status"], rows[1]["skip_reason"]) == ("skipped", "already_answered")


# --- the page ----------------------------------------------------------------------------------------------------
async def test_the_case_page_shows_the_checks_and_their_status(client, world):
    siti = await _person("Siti")
    case_id = await _closed_case(world, siti)
    await _followup_survey(world)
    await send_due_followups(_due_at(date(2026, 3, 1)))
    await sign_in(client, "c-worker")
    response = await client.get(f"/cases/{case_id}")
    assert response.status_code == 200
    assert "Follow-up" in response.text and "Invitation sent" in response.text and "Planned" in response.text
    assert "Tindak lanjut" in response.text


async def test_an_open_case_shows_no_checks(client, world):
    case_id = await open_a_case(world)
    await sign_in(client, "c-worker")
    response = await client.get(f"/cases/{case_id}")
    assert response.status_code == 200 and "Invitation sent" not in response.text


# --- queries -----------------------------------------------------------------------------------------------------
async def test_the_job_runs_the_same_number_of_queries_whatever_the_number_of_checks(world):
    await _followup_survey(world)
    counts = []
    for people in (1, 4):
        at = CLOSED_AT + timedelta(days=400 * len(counts))
        await FollowUp.delete(force=True)  # the same shape of work in each round
        for n in range(people):
            await _closed_case(world, await _person(f"P{people}x{n}"), at=at)
        with count_queries() as counter:
            assert await send_due_followups(at + timedelta(days=32)) == people
        counts.append(counter["n"] - people)  # one outbox insert per message queued
    assert counts[0] == counts[1]


async def test_the_case_page_runs_the_same_number_of_queries_whatever_the_number_of_checks(client, world):
    await _followup_survey(world)
    await sign_in(client, "c-worker")
    counts = []
    for name, months in (("Siti", 1), ("Rina", 7)):
        case_id = await _closed_case(world, await _person(name))
        await send_due_followups(_due_at(add_months(date(2026, 1, 31), months)))
        with count_queries() as counter:
            assert (await client.get(f"/cases/{case_id}")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1]


# --- the demo ----------------------------------------------------------------------------------------------------
async def test_the_demo_has_three_cases_in_different_stages_and_an_answered_follow_up(db):
    assert await seed_demo()
    cases = {row["outcome"] or row["status"]: row for row in await Case.select().order_by(Case.id).run()}
    assert set(cases) == {"open", "goals_met"} and await Case.count().run() == 3
    crisis = await Case.select().where(Case.crisis == True).first().run()  # noqa: E712
    assert crisis["status"] == "open"
    assert await CaseNote.count().where(CaseNote.case == crisis["id"]).run() >= 1
    assert await CaseAssessment.count().where(CaseAssessment.case == crisis["id"]).run() == 1
    [second] = await Case.select().where((Case.status == "open") & (Case.crisis == False)).run()  # noqa: E712
    [latest, _first] = await services.assessments(second["id"])
    assert any(item["change"] for item in latest["domains"])
    closed = cases["goals_met"]
    statuses = [row["status"] for row in await list_followups(closed["id"])]
    assert statuses == ["answered", "planned", "planned"]
    assert (await FollowUp.select().where(FollowUp.status == "answered").first().run())["answered_at"] is not None


# --- the follow_up purpose ---------------------------------------------------------------------------------------
async def test_staff_can_build_a_follow_up_survey_and_a_programs_report_shows_it(client, world):
    program = await make_program(slug="menjahit-lanjut", title="Kelas Menjahit")
    await sign_in(client, "c-admin")
    assert 'value="follow_up"' in (await client.get("/surveys/new")).text
    survey = await _followup_survey(world, program=program.id)
    for n in range(3):
        await respond(survey, {"coping": 4}, participant_id=await _person(f"Orang{n}"))
    response = await client.get("/manage/programs/menjahit-lanjut/report")
    assert response.status_code == 200
    section = response.text.split('id="follow-up-report-heading"', 1)[1]
    assert "Tindak lanjut" in section and "Bagaimana keadaan Anda sekarang?" in section
