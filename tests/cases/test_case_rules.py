"""The rules of case files, without HTTP: who sees a case, auditing reads, opening, closing, crisis ordering."""

from datetime import date

import pytest
from case_helpers import NOTE_TEXT, case_world, open_a_case
from factories import make_staff

from server import privacy
from server.audit import audit_log
from server.cases import services
from server.cases.tables import Case, CaseNote, CaseRating
from server.errors import DomainError, Forbidden, NotFound


@pytest.fixture
async def world(db):
    return await case_world()


async def test_case_worker_supervisor_and_admin_see_the_case(world):
    case_id = await open_a_case(world)
    for staff in (world.worker, world.supervisor, world.admin):
        row = await services.case_for_staff(staff, case_id)
        assert row["participant_name"] == "Sari"


async def test_nobody_else_sees_the_case_not_even_the_facilitator_of_the_persons_program(world):
    case_id = await open_a_case(world)
    stranger = await make_staff(role="facilitator")
    for staff in (world.facilitator, world.organizer, stranger):
        with pytest.raises(NotFound):
            await services.case_for_staff(staff, case_id)


async def test_an_unknown_case_and_a_hidden_case_fail_alike(world):
    case_id = await open_a_case(world)
    with pytest.raises(NotFound) as hidden:
        await services.case_for_staff(world.facilitator, case_id)
    with pytest.raises(NotFound) as unknown:
        await services.case_for_staff(world.facilitator, case_id + 1000)
    assert hidden.value.code == unknown.value.code and hidden.value.message == unknown.value.message


def test_the_policy_names_who_may_see_a_case():
    case = {"case_worker": 7, "supervisor": 8}

    class Someone:
        def __init__(self, id, admin=False, organizer=False):
            self.id, self.is_admin, self.is_organizer = id, admin, organizer or admin

    assert privacy.may_see_case(Someone(7), case)
    assert privacy.may_see_case(Someone(8), case)
    assert privacy.may_see_case(Someone(1, admin=True), case)
    assert not privacy.may_see_case(Someone(9, organizer=True), case)
    assert not privacy.may_see_case(Someone(9), {"case_worker": None, "supervisor": None})
    assert not privacy.may_see_case(None, case)


async def test_every_read_of_a_case_is_audited(world):
    case_id = await open_a_case(world)
    await services.case_for_staff(world.worker, case_id)
    await services.case_for_staff(world.admin, case_id)
    reads = await audit_log(action="view", subject_type="case", subject_id=case_id)
    assert {event["actor_label"] for event in reads} == {"Wulan Worker", "Ayu Admin"}


async def test_a_refused_read_is_not_recorded_as_a_read(world):
    case_id = await open_a_case(world)
    with pytest.raises(NotFound):
        await services.case_for_staff(world.facilitator, case_id)
    assert await audit_log(action="view", subject_type="case") == []


async def test_only_organizers_and_admins_open_cases(world):
    with pytest.raises(Forbidden):
        await services.open_case(world.worker, world.participant, case_worker_id=world.worker.id, supervisor_id=None)


async def test_a_person_has_at_most_one_open_case(world):
    await open_a_case(world)
    with pytest.raises(DomainError) as error:
        await open_a_case(world)
    assert error.value.code == "already_open" and error.value.status == 409


async def test_the_supervisor_is_not_the_case_worker(world):
    with pytest.raises(DomainError) as error:
        await open_a_case(world, supervisor_id=world.worker.id)
    assert error.value.field == "supervisor"
    assert await Case.count().run() == 0


async def test_closing_requires_an_outcome(world):
    case_id = await open_a_case(world)
    for outcome in ("", "fine", "goals met"):
        with pytest.raises(DomainError) as error:
            await services.close_case(world.worker, case_id, outcome)
        assert error.value.field == "outcome"
    row = await Case.select(Case.status, Case.closed_at).where(Case.id == case_id).first().run()
    assert row == {"status": "open", "closed_at": None}
    await services.close_case(world.worker, case_id, "partly_met")
    row = await Case.select(Case.status, Case.outcome).where(Case.id == case_id).first().run()
    assert row == {"status": "closed", "outcome": "partly_met"}


async def test_others_cannot_change_a_case_they_may_not_see(world):
    case_id = await open_a_case(world)
    with pytest.raises(NotFound):
        await services.close_case(world.facilitator, case_id, "goals_met")
    with pytest.raises(NotFound):
        await services.add_note(world.organizer, case_id, "contact", "x")
    with pytest.raises(NotFound):
        await services.set_crisis(world.facilitator, case_id, True)


async def test_crisis_cases_come_first_among_open_cases_and_closed_cases_last(world):
    from server.people.participants import create_participant

    ids = []
    for name in ("A", "B", "C"):
        person = await create_participant(None, {"display_name": name}, [])
        ids.append(await open_a_case(world, participant=person))
    await services.set_crisis(world.worker, ids[0], True)
    await services.close_case(world.worker, ids[2], "moved_away")
    listed = [row["participant_name"] for row in await services.list_cases(world.worker)]
    assert listed == ["A", "B", "C"]
    await services.set_crisis(world.worker, ids[0], False)
    await services.set_crisis(world.worker, ids[1], True)
    listed = [row["participant_name"] for row in await services.list_cases(world.worker)]
    assert listed[0] == "B" and listed[-1] == "C"
    assert [row["participant_name"] for row in await services.crisis_cases(world.supervisor)] == ["B"]
    assert await services.list_cases(world.facilitator) == []
    assert await services.count_cases(world.admin) == 3


async def test_a_second_assessment_shows_change_per_domain(world):
    case_id = await open_a_case(world)
    await services.record_assessment(
        world.worker, case_id, date(2026, 1, 5), {"housing": (2, "sewa"), "health": (3, "")}, own_words="Kerja lagi"
    )
    await services.record_assessment(world.worker, case_id, date(2026, 3, 5), {"housing": (4, "rumah")})
    latest, previous = await services.assessments(case_id)
    by_domain = {item["domain"]: item for item in latest["domains"]}
    assert by_domain["housing"]["change"] == 2 and by_domain["housing"]["previous"] == 2
    assert by_domain["health"]["rating"] is None and by_domain["health"]["change"] is None
    assert previous["assessed_on"] == date(2026, 1, 5)
    assert (await Case.select(Case.own_words).first().run())["own_words"] == "Kerja lagi"


async def test_a_case_without_assessments_has_none_to_compare(world):
    assert await services.assessments(await open_a_case(world)) == []


async def test_an_assessment_needs_ratings_from_one_to_five(world):
    case_id = await open_a_case(world)
    for ratings in ({}, {"housing": (6, "")}, {"weather": (3, "")}):
        with pytest.raises(DomainError) as error:
            await services.record_assessment(world.worker, case_id, date(2026, 1, 5), ratings)
        assert error.value.field == "ratings"
    assert await CaseRating.count().run() == 0


async def test_notes_are_listed_newest_first(world):
    case_id = await open_a_case(world)
    await services.add_note(world.worker, case_id, "phone", "first")
    await services.add_note(world.supervisor, case_id, "crisis", NOTE_TEXT)
    assert [n["text"] for n in await services.notes(case_id)] == [NOTE_TEXT, "first"]
    with pytest.raises(DomainError):
        await services.add_note(world.worker, case_id, "gossip", "x")
    assert await CaseNote.count().run() == 2
