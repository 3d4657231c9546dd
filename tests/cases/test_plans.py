"""The plan made with the person: goals, steps, agreement; its pages, the person's own page, export and erasure."""

from datetime import UTC, date, datetime

import pytest
from case_helpers import NOTE_TEXT, case_world, open_a_case
from conftest import post_form, sign_in
from querycount import count_queries

from server import clock
from server.audit import audit_log
from server.cases import plans, services
from server.cases.plan_tables import CaseGoal, CaseStep, PlanAgreement
from server.errors import DomainError, NotFound
from server.pages.personal_data import download, download_csv, erase_participant
from server.people.links import reissue_personal_links

GOAL = "Dapat pekerjaan tetap"
STEP = "Daftar kursus menjahit"


@pytest.fixture
async def world(db):
    return await case_world()


@pytest.fixture
async def case_id(world):
    case_id = await open_a_case(world)
    await services.add_note(world.worker, case_id, "crisis", NOTE_TEXT)
    return case_id


# --- rules -------------------------------------------------------------------------------------------------------
async def test_the_case_worker_makes_a_plan_with_goals_and_steps_and_every_write_is_audited(world, case_id):
    goal = await plans.add_goal(world.worker, case_id, GOAL, target_date=date(2026, 6, 1))
    second = await plans.add_goal(world.supervisor, case_id, "Anak kembali sekolah")
    await plans.add_step(world.worker, case_id, goal, STEP, who="person", due_on=date(2026, 2, 1))
    await plans.add_step(world.worker, case_id, goal, "Cari info lowongan", who="Bu RT")
    plan = await plans.plan(case_id)
    assert [g["id"] for g in plan["goals"]] == [goal, second]
    assert [(s["text"], s["who"]) for s in plan["goals"][0]["steps"]] == [
        (STEP, "person"),
        ("Cari info lowongan", "Bu RT"),
    ]
    creates = await audit_log(action="create", subject_type="case", subject_id=case_id)
    assert sum("plan" in event["summary"] for event in creates) == 4


@pytest.mark.parametrize("who", ["c-facil", "c-organizer"])
async def test_only_those_who_may_see_the_case_change_its_plan(world, case_id, who):
    actor = world.facilitator if who == "c-facil" else world.organizer
    with pytest.raises(NotFound):
        await plans.add_goal(actor, case_id, GOAL)
    goal = await plans.add_goal(world.admin, case_id, GOAL)
    with pytest.raises(NotFound):
        await plans.add_step(actor, case_id, goal, STEP, who="person")
    assert await CaseStep.count().run() == 0


async def test_a_goal_of_another_case_is_not_found(world, case_id):
    from server.people.participants import create_participant

    other_person = await create_participant(None, {"display_name": "Lain"}, [])
    other_case = await open_a_case(world, participant=other_person)
    goal = await plans.add_goal(world.worker, other_case, GOAL)
    with pytest.raises(NotFound):
        await plans.add_step(world.worker, case_id, goal, STEP, who="person")
    with pytest.raises(NotFound):
        await plans.edit_goal(world.worker, case_id, goal, "x")


async def test_a_closed_case_plan_is_not_changed(world, case_id):
    goal = await plans.add_goal(world.worker, case_id, GOAL)
    await services.close_case(world.worker, case_id, "goals_met")
    with pytest.raises(DomainError) as refused:
        await plans.add_step(world.worker, case_id, goal, STEP, who="person")
    assert refused.value.code == "closed"


async def test_steps_are_added_only_to_open_goals_and_a_step_is_done_once(world, case_id):
    goal = await plans.add_goal(world.worker, case_id, GOAL)
    step = await plans.add_step(world.worker, case_id, goal, STEP, who="case_worker")
    await plans.mark_step_done(world.worker, case_id, step)
    with pytest.raises(DomainError):
        await plans.mark_step_done(world.worker, case_id, step)
    await plans.set_goal_status(world.worker, case_id, goal, "achieved")
    with pytest.raises(DomainError) as refused:
        await plans.add_step(world.worker, case_id, goal, "lagi", who="person")
    assert refused.value.code == "goal_not_open"


async def test_blank_words_and_nobody_doing_a_step_are_refused(world, case_id):
    with pytest.raises(DomainError) as refused:
        await plans.add_goal(world.worker, case_id, "   ")
    assert refused.value.field == "text"
    goal = await plans.add_goal(world.worker, case_id, GOAL)
    with pytest.raises(DomainError) as refused:
        await plans.add_step(world.worker, case_id, goal, STEP, who=" ")
    assert refused.value.field == "who"


async def test_an_agreement_needs_a_goal_and_a_date_not_in_the_future(world, case_id):
    with pytest.raises(DomainError) as refused:
        await plans.record_agreement(world.worker, case_id, date(2026, 1, 5), "in_person")
    assert refused.value.code == "no_goals"
    await plans.add_goal(world.worker, case_id, GOAL)
    with pytest.raises(DomainError) as refused:
        await plans.record_agreement(world.worker, case_id, date(2199, 1, 5), "in_person")
    assert refused.value.field == "agreed_on"
    assert await PlanAgreement.count().run() == 0


async def test_a_plan_changed_after_its_agreement_shows_changed_since_agreed_but_progress_does_not(world, case_id):
    with clock.frozen(datetime(2026, 1, 5, 9, tzinfo=UTC)):
        goal = await plans.add_goal(world.worker, case_id, GOAL)
        step = await plans.add_step(world.worker, case_id, goal, STEP, who="person")
    with clock.frozen(datetime(2026, 1, 6, 9, tzinfo=UTC)):
        await plans.record_agreement(world.worker, case_id, date(2026, 1, 6), "by_phone")
    assert (await plans.plan(case_id))["changed_since_agreed"] is False
    with clock.frozen(datetime(2026, 1, 7, 9, tzinfo=UTC)):
        await plans.mark_step_done(world.worker, case_id, step)
        await plans.set_goal_status(world.worker, case_id, goal, "achieved")
    assert (await plans.plan(case_id))["changed_since_agreed"] is False
    with clock.frozen(datetime(2026, 1, 8, 9, tzinfo=UTC)):
        await plans.add_goal(world.worker, case_id, "Tujuan baru")
    assert (await plans.plan(case_id))["changed_since_agreed"] is True


# --- pages -------------------------------------------------------------------------------------------------------
async def test_the_case_worker_makes_the_plan_through_the_case_page(client, world, case_id):
    await sign_in(client, "c-worker")
    response = await post_form(client, f"/cases/{case_id}/plan/goals", {"text": GOAL, "target_date": "2026-06-01"})
    assert response.status_code == 303
    goal = (await CaseGoal.select(CaseGoal.id).first().run())["id"]
    data = {"text": STEP, "who": "other", "who_other": "Bu RT", "due_on": "2026-02-01"}
    assert (await post_form(client, f"/cases/{case_id}/plan/goals/{goal}/steps", data)).status_code == 303
    step = await CaseStep.select(CaseStep.id, CaseStep.who).first().run()
    assert step["who"] == "Bu RT"
    agreement = {"agreed_on": "2026-01-05", "how": "in_person"}
    assert (await post_form(client, f"/cases/{case_id}/plan/agreements", agreement)).status_code == 303
    edit = {"text": GOAL + " di pabrik", "target_date": ""}
    assert (await post_form(client, f"/cases/{case_id}/plan/goals/{goal}", edit)).status_code == 303
    page = await client.get(f"/cases/{case_id}")
    assert GOAL + " di pabrik" in page.text and STEP in page.text and "Changed since agreed" in page.text
    assert (await post_form(client, f"/cases/{case_id}/plan/steps/{step['id']}/done", {})).status_code == 303
    status = await post_form(client, f"/cases/{case_id}/plan/goals/{goal}/status", {"status": "achieved"})
    assert status.status_code == 303
    again = await post_form(client, f"/cases/{case_id}/plan/goals/{goal}/status", {"status": "achieved"})
    assert again.status_code == 409 and "already has this status" in again.text
    assert (await CaseGoal.select(CaseGoal.status).first().run())["status"] == "achieved"


@pytest.mark.parametrize(
    "path, data, error_id",
    [
        ("goals", {"text": ""}, "new-goal-text-error"),
        ("goals", {"text": GOAL, "target_date": "besok"}, "new-goal-target_date-error"),
        ("goals/GOAL/steps", {"text": STEP, "who": "other"}, "step-GOAL-who_other-error"),
        ("goals/GOAL/steps", {"text": "", "who": "nobody"}, "step-GOAL-who-error"),
        ("goals/GOAL", {"text": "x" * 1001}, "goal-GOAL-text-error"),
        ("agreements", {"agreed_on": "2199-01-01", "how": "in_person"}, "agreement-agreed_on-error"),
        ("agreements", {"agreed_on": "2026-01-01", "how": "telepathy"}, "agreement-how-error"),
    ],
)
async def test_bad_plan_input_is_refused_next_to_its_field_and_nothing_is_saved(
    client, world, case_id, path, data, error_id
):
    goal = await plans.add_goal(world.worker, case_id, GOAL)
    await sign_in(client, "c-worker")
    before = (await CaseGoal.select().run(), await CaseStep.count().run(), await PlanAgreement.count().run())
    response = await post_form(client, f"/cases/{case_id}/plan/" + path.replace("GOAL", str(goal)), data)
    assert response.status_code == 400
    assert f'id="{error_id.replace("GOAL", str(goal))}"' in response.text
    after = (await CaseGoal.select().run(), await CaseStep.count().run(), await PlanAgreement.count().run())
    assert before == after


async def test_a_refused_plan_change_speaks_the_readers_language(client, world, case_id):
    await sign_in(client, "c-worker")
    response = await post_form(client, f"/cases/{case_id}/plan/goals", {"text": ""}, headers={"Accept-Language": "id"})
    assert response.status_code == 400 and "This field is required." not in response.text


@pytest.mark.parametrize("username", ["c-facil", "c-organizer"])
async def test_staff_who_may_not_see_the_case_get_a_404_on_every_plan_route_and_nothing_is_saved(
    client, world, case_id, username
):
    goal = await plans.add_goal(world.worker, case_id, GOAL)
    step = await plans.add_step(world.worker, case_id, goal, STEP, who="person")
    await sign_in(client, username)
    for path, data in (
        ("goals", {"text": "x"}),
        ("goals", {}),
        (f"goals/{goal}", {"text": "x"}),
        (f"goals/{goal}/status", {"status": "dropped"}),
        (f"goals/{goal}/steps", {"text": "x", "who": "person"}),
        (f"steps/{step}/done", {}),
        ("agreements", {"agreed_on": "2026-01-01", "how": "in_person"}),
        ("agreements", {}),
    ):
        response = await post_form(client, f"/cases/{case_id}/plan/{path}", data)
        assert response.status_code == 404, path
        assert GOAL not in response.text and NOTE_TEXT not in response.text
    assert [(g["text"], g["status"]) for g in await CaseGoal.select(CaseGoal.text, CaseGoal.status).run()] == [
        (GOAL, "open")
    ]
    assert await CaseStep.count().where(CaseStep.done_at.is_not_null()).run() == 0
    assert await PlanAgreement.count().run() == 0


async def test_the_case_page_keeps_a_constant_number_of_queries_whatever_the_plan(client, world, case_id):
    await sign_in(client, "c-worker")
    counts = []
    for n in range(3):
        goal = await plans.add_goal(world.worker, case_id, f"goal {n}")
        await plans.add_step(world.worker, case_id, goal, f"step {n}", who="person")
        await plans.record_agreement(world.worker, case_id, date(2026, 1, 5), "in_person")
        with count_queries() as counter:
            assert (await client.get(f"/cases/{case_id}")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[-1]


# --- the person's own page ---------------------------------------------------------------------------------------
async def test_the_personal_page_shows_my_plans_open_goals_and_next_steps_never_a_note(client, world, case_id):
    goal = await plans.add_goal(world.worker, case_id, GOAL, target_date=date(2026, 6, 1))
    await plans.add_step(world.worker, case_id, goal, STEP, who="person", due_on=date(2026, 2, 1))
    done = await plans.add_step(world.worker, case_id, goal, "Langkah selesai", who="case_worker")
    await plans.mark_step_done(world.worker, case_id, done)
    dropped = await plans.add_goal(world.worker, case_id, "Tujuan yang dibatalkan")
    await plans.set_goal_status(world.worker, case_id, dropped, "dropped")
    await plans.record_agreement(world.worker, case_id, date(2026, 1, 5), "in_person", "catatan staf rahasia")
    await services.record_assessment(world.worker, case_id, date(2026, 1, 5), {"housing": (2, "Tidur di warung")})
    token = await reissue_personal_links(None, world.participant)
    page = await client.get(f"/my/{token}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "My plan" in page.text or "Rencana saya" in page.text
    assert GOAL in page.text and STEP in page.text
    for hidden in ("Langkah selesai", "Tujuan yang dibatalkan", NOTE_TEXT, "catatan staf rahasia", "Tidur di warung"):
        assert hidden not in page.text


async def test_the_personal_page_shows_no_plan_of_a_closed_case(client, world, case_id):
    await plans.add_goal(world.worker, case_id, GOAL)
    await services.close_case(world.worker, case_id, "moved_away")
    token = await reissue_personal_links(None, world.participant)
    page = await client.get(f"/my/{token}")
    assert page.status_code == 200 and GOAL not in page.text


async def test_the_personal_page_keeps_a_constant_number_of_queries_whatever_the_plan(client, world, case_id):
    token = await reissue_personal_links(None, world.participant)
    counts = []
    for n in range(3):
        goal = await plans.add_goal(world.worker, case_id, f"goal {n}")
        await plans.add_step(world.worker, case_id, goal, f"step {n}", who="person")
        with count_queries() as counter:
            assert (await client.get(f"/my/{token}")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[-1]


# --- export and erasure ------------------------------------------------------------------------------------------
async def test_the_download_holds_the_plan_and_keeps_staff_words_out(world, case_id):
    goal = await plans.add_goal(world.worker, case_id, GOAL, target_date=date(2026, 6, 1))
    await plans.add_step(world.worker, case_id, goal, STEP, who="person", due_on=date(2026, 2, 1))
    await plans.record_agreement(world.worker, case_id, date(2026, 1, 5), "by_phone", "catatan staf rahasia")
    data = await download(world.participant)
    (case,) = data["cases"]
    assert case["plan_goals"] == [{"goal": 1, "text": GOAL, "status": "open", "target_date": "2026-06-01"}]
    assert case["plan_steps"] == [{"goal": 1, "text": STEP, "who": "person", "due_on": "2026-02-01", "done_at": None}]
    assert case["plan_agreements"] == [{"agreed_on": "2026-01-05", "how": "by_phone"}]
    text = await download_csv(world.participant)
    assert STEP in text and "catatan staf rahasia" not in text


async def test_erasure_blanks_goal_and_step_words_and_keeps_the_counts(world, case_id):
    goal = await plans.add_goal(world.worker, case_id, GOAL)
    await plans.add_step(world.worker, case_id, goal, STEP, who="Bu RT")
    await plans.add_step(world.worker, case_id, goal, "Langkah dua", who="person")
    await plans.record_agreement(world.worker, case_id, date(2026, 1, 5), "in_person", "catatan staf rahasia")
    await erase_participant(world.admin, world.participant, now=datetime(2026, 3, 1, tzinfo=UTC))
    assert await CaseGoal.select(CaseGoal.text, CaseGoal.status).run() == [{"text": "", "status": "open"}]
    steps = await CaseStep.select(CaseStep.text, CaseStep.who).order_by(CaseStep.id).run()
    assert steps == [{"text": "", "who": ""}, {"text": "", "who": "person"}]
    assert [a["note"] for a in await PlanAgreement.select(PlanAgreement.note).run()] == [""]
