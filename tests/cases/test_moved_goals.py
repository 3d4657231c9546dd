"""Individual goals and progress notes moved into case plans: the data migration, the old addresses, privacy, and
the person's own page."""

import importlib
from datetime import UTC, datetime

import pytest
from case_helpers import NOTE_TEXT, case_world, open_a_case
from conftest import post_form, sign_in
from factories import make_program, make_staff

from server.cases import plans, services
from server.cases.plan_tables import CaseGoal
from server.cases.tables import Case, CaseNote
from server.enrolment.tables import Enrolment, IndividualGoal, ProgressNote
from server.people.links import reissue_personal_links
from server.people.staff import update_staff
from server.programs.tables import TeamMember

MIGRATION = importlib.import_module("migrations.gotong_2026_11_30t09_00_01_000000")
SET_ON = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
WRITTEN_ON = datetime(2026, 4, 6, 14, 0, tzinfo=UTC)
GOAL = "Berani berbicara di kelompok"
PROGRESS = "Mulai berbagi cerita singkat."


@pytest.fixture
async def world(db):
    return await case_world()


async def _enrolment(world) -> int:
    row = await Enrolment.select(Enrolment.id).where(Enrolment.participant == world.participant).first().run()
    return row["id"]


async def _legacy_goal(world, *, by: int | None, statement: str = GOAL, note: str | None = PROGRESS) -> int:
    """A goal and a progress note as the previous release wrote them."""
    goal = IndividualGoal(enrolment=await _enrolment(world), statement=statement, created_by=by, created_at=SET_ON)
    await goal.save().run()
    if note is not None:
        await ProgressNote.insert(ProgressNote(goal=goal.id, note=note, written_by=by, written_at=WRITTEN_ON)).run()
    return goal.id


async def _run_migration() -> None:
    manager = await MIGRATION.forwards()
    for raw in manager.raw:
        await raw()


# --- the migration -----------------------------------------------------------------------------------------------
async def test_migration_opens_a_case_held_by_who_wrote_the_goals_with_their_words_dates_and_authors(world):
    goal_id = await _legacy_goal(world, by=world.facilitator.id)
    await _run_migration()

    case = await Case.select().where(Case.participant == world.participant).first().run()
    assert case["status"] == "open" and case["case_worker"] == world.facilitator.id and case["supervisor"] is None
    assert case["opened_at"] == SET_ON
    goals = await CaseGoal.select().where(CaseGoal.case == case["id"]).run()
    assert [(g["text"], g["status"], g["created_at"], g["target_date"]) for g in goals] == [
        (GOAL, "open", SET_ON, None)
    ]
    notes = await CaseNote.select().where(CaseNote.case == case["id"]).run()
    assert len(notes) == 1
    assert notes[0]["written_at"] == WRITTEN_ON and notes[0]["author"] == world.facilitator.id
    assert notes[0]["kind"] == "progress" and PROGRESS in notes[0]["text"] and GOAL in notes[0]["text"]
    # The legacy rows stay, marked with their copies.
    legacy = await IndividualGoal.select(IndividualGoal.moved_to).where(IndividualGoal.id == goal_id).first().run()
    assert legacy["moved_to"] == goals[0]["id"]
    assert (await ProgressNote.select(ProgressNote.moved_to).first().run())["moved_to"] == notes[0]["id"]


async def test_migration_is_safe_to_run_again(world):
    await _legacy_goal(world, by=world.facilitator.id)
    assert await MIGRATION.move_individual_goals() == (1, 1)
    assert await MIGRATION.move_individual_goals() == (0, 0)
    assert await Case.count().run() == 1 and await CaseGoal.count().run() == 1 and await CaseNote.count().run() == 1


async def test_migration_adds_to_the_open_case_after_its_goals_and_keeps_its_case_worker(world):
    case_id = await open_a_case(world)
    await plans.add_goal(world.worker, case_id, "Dapat pekerjaan tetap")
    await _legacy_goal(world, by=world.facilitator.id)
    await _run_migration()

    assert await Case.count().run() == 1
    case = await Case.select(Case.case_worker).where(Case.id == case_id).first().run()
    assert case["case_worker"] == world.worker.id
    assert [g["text"] for g in (await plans.plan(case_id))["goals"]] == ["Dapat pekerjaan tetap", GOAL]


async def test_migration_gives_the_case_to_the_program_lead_when_the_writer_is_no_longer_active(world):
    gone = await make_staff(username="c-gone")
    await update_staff(gone.id, actor=world.admin, role="facilitator", active=False, display_name="Gone")
    await _legacy_goal(world, by=gone.id)
    await _run_migration()
    case = await Case.select(Case.case_worker).first().run()
    assert case["case_worker"] == world.facilitator.id  # the lead of the program the goal was set in
    note = await CaseNote.select(CaseNote.author).first().run()
    assert note["author"] == gone.id  # the note keeps its real author


async def test_migration_leaves_the_case_to_administrators_when_nobody_fits(world):
    await TeamMember.delete(force=True).run()
    await _legacy_goal(world, by=None, note=None)
    await _run_migration()
    case = await Case.select(Case.case_worker).first().run()
    assert case["case_worker"] is None
    assert await services.case_of_person(world.admin, world.participant) is not None


async def test_migration_moves_goals_from_every_program_into_one_case(world):
    await _legacy_goal(world, by=world.facilitator.id)
    other = await make_program(slug="kelas-lain", title="Kelas lain")
    await Enrolment(participant=world.participant, program=other.id, status="enrolled").save().run()
    enrolment = (await Enrolment.select(Enrolment.id).where(Enrolment.program == other.id).first().run())["id"]
    await IndividualGoal(enrolment=enrolment, statement="Lulus ujian", created_by=world.worker.id).save().run()
    assert await MIGRATION.move_individual_goals() == (2, 1)
    assert await Case.count().run() == 1 and await CaseGoal.count().run() == 2


async def test_migration_skips_people_whose_data_was_erased(world):
    await _legacy_goal(world, by=world.facilitator.id)
    from server.people.tables import Participant

    await (
        Participant.update({Participant.anonymised_at: datetime.now(UTC)})
        .where(Participant.id == world.participant)
        .run()
    )
    assert await MIGRATION.move_individual_goals() == (0, 0)
    assert await Case.count().run() == 0


# --- the old addresses and privacy -------------------------------------------------------------------------------
def _old(world, tail: str = "") -> str:
    return f"/manage/programs/{world.program_slug}/participants/{world.participant}/goals/{tail}"


async def test_the_old_goals_page_leads_the_case_worker_to_the_case_plan(client, world):
    await _legacy_goal(world, by=world.facilitator.id)
    await _run_migration()
    case_id = await services.case_of_person(world.admin, world.participant)
    await sign_in(client, "c-facil")  # wrote the goals, so holds the case now
    first = await client.get(_old(world), follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == f"/cases/person/{world.participant}"
    second = await client.get(first.headers["location"], follow_redirects=False)
    assert second.status_code == 303 and second.headers["location"] == f"/cases/{case_id}#plan-heading"
    page = await client.get(second.headers["location"])
    assert page.status_code == 200 and GOAL in page.text and PROGRESS in page.text


async def test_forms_posted_to_the_old_addresses_save_nothing_and_lead_to_the_plan(client, world):
    goal_id = await _legacy_goal(world, by=world.facilitator.id)
    await sign_in(client, "c-facil")
    for tail, data in (("", {"statement": "Baru"}), (f"{goal_id}/notes", {"note": "Catatan baru"})):
        response = await post_form(client, _old(world, tail), data, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == f"/cases/person/{world.participant}"
    assert await IndividualGoal.count().run() == 1 and await ProgressNote.count().run() == 1
    assert await CaseGoal.count().run() == 0


async def test_a_facilitator_of_the_program_not_assigned_to_the_case_never_reaches_it(client, world):
    case_id = await open_a_case(world)
    await services.add_note(world.worker, case_id, "crisis", NOTE_TEXT)
    await sign_in(client, "c-facil")  # leads the program the person attends
    response = await client.get(f"/cases/person/{world.participant}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/participants/{world.participant}"
    page = await client.get(_old(world), follow_redirects=True)
    assert page.status_code == 200 and NOTE_TEXT not in page.text and f"/cases/{case_id}" not in page.text


async def test_an_organizer_without_a_visible_case_is_offered_to_open_one(client, world):
    await sign_in(client, "c-organizer")
    response = await client.get(f"/cases/person/{world.participant}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/cases/new?participant={world.participant}"


async def test_another_teams_facilitator_is_refused_at_both_addresses(client, world):
    outsider = await make_staff(username="c-outsider")
    other = await make_program(slug="lain", title="Lain")
    await TeamMember(program=other.id, staff=outsider.id, role="lead").save().run()
    await sign_in(client, "c-outsider")
    assert (await client.get(_old(world), follow_redirects=False)).status_code == 403
    assert (await client.get(f"/cases/person/{world.participant}", follow_redirects=False)).status_code == 404


async def test_the_attendance_page_links_each_person_to_their_plan(client, world):
    await sign_in(client, "c-facil")
    page = await client.get(f"/manage/programs/{world.program_slug}/attendance")
    assert page.status_code == 200 and f"/cases/person/{world.participant}" in page.text
    assert "/goals" not in page.text


# --- the person's own page ---------------------------------------------------------------------------------------
async def test_the_personal_page_shows_the_moved_goals_never_the_progress_notes(client, world):
    await _legacy_goal(world, by=world.facilitator.id)
    await _run_migration()
    token = await reissue_personal_links(None, world.participant)
    page = await client.get(f"/my/{token}", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and GOAL in page.text
    assert PROGRESS not in page.text


async def test_the_personal_data_download_still_holds_the_legacy_goals_and_erasure_removes_them(world):
    from server.pages.personal_data import download, erase_participant

    await _legacy_goal(world, by=world.facilitator.id)
    await _run_migration()
    data = await download(world.participant)
    assert data["individual_goals"][0]["statement"] == GOAL
    assert data["individual_goals"][0]["progress_notes"][0]["note"] == PROGRESS
    await erase_participant(world.admin, world.participant)
    assert await IndividualGoal.count().run() == 0 and await ProgressNote.count().run() == 0
