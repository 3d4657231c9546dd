"""Case-file pages through the test client: every route, bad input, 404 for others, no leaks, constant queries."""

import re
from datetime import date

import pytest
from case_helpers import NOTE_TEXT, case_world, open_a_case
from conftest import post_form, sign_in
from factories import make_staff
from querycount import count_queries

from server.audit import audit_log
from server.cases import services
from server.cases.tables import Case, CaseAssessment, CaseNote


@pytest.fixture
async def world(db):
    return await case_world()


@pytest.fixture
async def case_id(world):
    case_id = await open_a_case(world)
    await services.add_note(world.worker, case_id, "crisis", NOTE_TEXT)
    return case_id


async def test_the_case_worker_reads_the_case_and_the_read_is_audited(client, world, case_id):
    await sign_in(client, "c-worker")
    response = await client.get(f"/cases/{case_id}")
    assert response.status_code == 200
    assert NOTE_TEXT in response.text and "Sari" in response.text
    assert len(await audit_log(action="view", subject_type="case", subject_id=case_id)) == 1


@pytest.mark.parametrize("username", ["c-facil", "c-organizer"])
async def test_anyone_else_gets_a_404_and_never_the_notes(client, world, case_id, username):
    await sign_in(client, username)
    for method, path, data in (
        ("get", f"/cases/{case_id}", None),
        ("post", f"/cases/{case_id}/notes", {"kind": "contact", "text": "x"}),
        ("post", f"/cases/{case_id}/notes", {}),
        ("post", f"/cases/{case_id}/assessments", {"assessed_on": "2026-01-01", "rating_housing": "3"}),
        ("post", f"/cases/{case_id}/crisis", {"crisis": "on"}),
        ("post", f"/cases/{case_id}/close", {"outcome": "goals_met"}),
        ("get", "/cases", None),
    ):
        if method == "get":
            response = await client.get(path)
        else:
            response = await post_form(client, path, data)
        assert NOTE_TEXT not in response.text
        if path != "/cases":
            assert response.status_code == 404, path
            assert "Sari" not in response.text
    assert await CaseNote.count().run() == 1
    assert (await Case.select(Case.status, Case.crisis).first().run()) == {"status": "open", "crisis": False}


async def test_an_unknown_case_is_the_same_404(client, world, case_id):
    await sign_in(client, "c-facil")
    await client.get("/cases")  # shows the welcome message once
    hidden = await client.get(f"/cases/{case_id}")
    unknown = await client.get(f"/cases/{case_id + 500}")
    assert hidden.status_code == unknown.status_code == 404
    token = re.compile(r'"x-csrftoken": "[^"]*"|name="_csrf_token" value="[^"]*"')
    # The same page, apart from the form token and the address the language switch returns to.
    shown = token.sub("", hidden.text).replace(f"/cases/{case_id}", "/cases/N")
    assert shown == token.sub("", unknown.text).replace(f"/cases/{case_id + 500}", "/cases/N")


async def test_my_cases_lists_crisis_cases_at_the_top(client, world, case_id):
    await services.set_crisis(world.worker, case_id, True)
    await sign_in(client, "c-super")
    response = await client.get("/cases")
    assert response.status_code == 200
    assert "Crisis cases" in response.text and f"/cases/{case_id}" in response.text
    await sign_in(client, "c-facil")
    assert f"/cases/{case_id}" not in (await client.get("/cases")).text


async def test_an_organizer_opens_a_case_from_the_participants_page(client, world):
    await sign_in(client, "c-organizer")
    person = await client.get(f"/participants/{world.participant}")
    assert f"/cases/new?participant={world.participant}" in person.text
    page = await client.get(f"/cases/new?participant={world.participant}")
    assert page.status_code == 200 and "Wulan Worker" in page.text
    data = {"case_worker": str(world.worker.id), "supervisor": str(world.supervisor.id), "own_words": "Mau kerja"}
    response = await post_form(client, f"/cases/new?participant={world.participant}", data)
    # The organizer is neither worker nor supervisor: back to the person's page, not into the case.
    assert response.status_code == 303
    assert response.headers["location"] == f"/participants/{world.participant}"
    case = await Case.select().first().run()
    assert case["case_worker"] == world.worker.id and case["own_words"] == "Mau kerja"


async def test_an_admin_who_opens_a_case_goes_to_it(client, world):
    await sign_in(client, "c-admin")
    response = await post_form(
        client, f"/cases/new?participant={world.participant}", {"case_worker": str(world.worker.id)}
    )
    case = await Case.select(Case.id).first().run()
    assert response.status_code == 303 and response.headers["location"] == f"/cases/{case['id']}"


async def test_a_facilitator_cannot_open_a_case_nor_see_the_link(client, world):
    await sign_in(client, "c-facil")
    person = await client.get(f"/participants/{world.participant}")
    assert "/cases/new" not in person.text
    assert (await client.get(f"/cases/new?participant={world.participant}")).status_code == 403


@pytest.mark.parametrize(
    "data, field",
    [
        ({"case_worker": ""}, "f-case_worker-error"),
        ({"case_worker": "abc"}, "f-case_worker-error"),
        ({"case_worker": "999999"}, "f-case_worker-error"),
        ({"case_worker": "WORKER", "supervisor": "WORKER"}, "f-supervisor-error"),
    ],
)
async def test_opening_with_bad_input_saves_nothing(client, world, data, field):
    await sign_in(client, "c-admin")
    data = {key: str(world.worker.id) if value == "WORKER" else value for key, value in data.items()}
    response = await post_form(client, f"/cases/new?participant={world.participant}", data)
    assert response.status_code == 400
    assert field in response.text
    assert await Case.count().run() == 0


async def test_opening_for_an_unknown_person_is_a_404(client, world):
    await sign_in(client, "c-admin")
    for query in ("", "?participant=abc", "?participant=999999"):
        assert (await client.get(f"/cases/new{query}")).status_code == 404


async def test_a_second_open_case_is_refused_with_a_conflict(client, world, case_id):
    await sign_in(client, "c-admin")
    data = {"case_worker": str(world.worker.id)}
    response = await post_form(client, f"/cases/new?participant={world.participant}", data)
    assert response.status_code == 409
    assert "already has an open case" in response.text
    assert await Case.count().run() == 1


async def test_the_worker_records_an_assessment_and_sees_the_change(client, world, case_id):
    await services.record_assessment(world.worker, case_id, date(2026, 1, 5), {"housing": (2, "")})
    await sign_in(client, "c-worker")
    data = {"assessed_on": "2026-02-01", "rating_housing": "4", "note_housing": "Sudah sewa kamar"}
    response = await post_form(client, f"/cases/{case_id}/assessments", data)
    assert response.status_code == 303
    page = await client.get(f"/cases/{case_id}")
    assert "Sudah sewa kamar" in page.text and "+2" in page.text


@pytest.mark.parametrize(
    "data, message",
    [
        ({"assessed_on": "2026-02-01"}, "Rate at least one life domain."),
        ({"assessed_on": "kemarin", "rating_housing": "3"}, "Enter a date as YYYY-MM-DD."),
        ({"assessed_on": "2026-02-01", "rating_housing": "9"}, "Choose one of the options."),
        ({"assessed_on": "2199-02-01", "rating_housing": "3"}, "cannot be dated in the future"),
    ],
)
async def test_a_bad_assessment_is_refused_next_to_its_field(client, world, case_id, data, message):
    await sign_in(client, "c-worker")
    response = await post_form(client, f"/cases/{case_id}/assessments", data)
    assert response.status_code == 400
    assert message in response.text
    assert await CaseAssessment.count().run() == 0


async def test_the_supervisor_writes_a_note_and_a_blank_note_is_refused(client, world, case_id):
    await sign_in(client, "c-super")
    response = await post_form(client, f"/cases/{case_id}/notes", {"kind": "home_visit", "text": "Kunjungan rumah"})
    assert response.status_code == 303
    bad = await post_form(client, f"/cases/{case_id}/notes", {"kind": "gossip", "text": ""})
    assert bad.status_code == 400 and "f-text-error" in bad.text and "f-kind-error" in bad.text
    assert await CaseNote.count().run() == 2


async def test_the_crisis_flag_is_raised_and_lowered(client, world, case_id):
    await sign_in(client, "c-worker")
    assert (await post_form(client, f"/cases/{case_id}/crisis", {"crisis": "on"})).status_code == 303
    assert (await Case.select(Case.crisis).first().run())["crisis"] is True
    assert (await post_form(client, f"/cases/{case_id}/crisis", {})).status_code == 303
    assert (await Case.select(Case.crisis).first().run())["crisis"] is False


async def test_closing_requires_an_outcome_shown_next_to_the_field(client, world, case_id):
    await sign_in(client, "c-worker")
    for outcome in ("", "great"):
        response = await post_form(client, f"/cases/{case_id}/close", {"outcome": outcome})
        assert response.status_code == 400 and "f-outcome-error" in response.text
    assert (await Case.select(Case.status).first().run())["status"] == "open"
    response = await post_form(client, f"/cases/{case_id}/close", {"outcome": "moved_away"})
    assert response.status_code == 303
    again = await post_form(client, f"/cases/{case_id}/close", {"outcome": "goals_met"})
    assert again.status_code == 409
    assert (await Case.select(Case.outcome).first().run())["outcome"] == "moved_away"


async def test_the_case_list_keeps_a_constant_number_of_queries(client, world):
    from server.people.participants import create_participant

    await sign_in(client, "c-worker")
    counts = []
    for name in ("A", "B", "C"):
        person = await create_participant(None, {"display_name": name}, [])
        case = await open_a_case(world, participant=person)
        await services.set_crisis(world.worker, case, True)
        with count_queries() as counter:
            assert (await client.get("/cases")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[-1]


async def test_the_case_page_keeps_a_constant_number_of_queries(client, world, case_id):
    await sign_in(client, "c-worker")
    counts = []
    for day in (1, 2, 3):
        await services.record_assessment(world.worker, case_id, date(2026, 1, day), {"housing": (day, "n")})
        await services.add_note(world.worker, case_id, "phone", f"note {day}")
        with count_queries() as counter:
            assert (await client.get(f"/cases/{case_id}")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[-1]


async def test_the_open_a_case_page_keeps_a_constant_number_of_queries_whatever_the_staff(client, world):
    await sign_in(client, "c-organizer")
    counts = []
    for n in range(3):
        await make_staff(role="facilitator", username=f"c-more-{n}", display_name=f"Tambahan {n}")
        with count_queries() as counter:
            page = await client.get(f"/cases/new?participant={world.participant}")
        assert page.status_code == 200 and f"Tambahan {n}" in page.text
        counts.append(counter["n"])
    assert counts[0] == counts[-1]


async def test_a_refusal_is_shown_in_the_readers_language(client, world, case_id):
    await sign_in(client, "c-worker")
    data = {"assessed_on": "2199-02-01", "rating_housing": "3"}
    response = await post_form(client, f"/cases/{case_id}/assessments", data, headers={"Accept-Language": "id"})
    assert response.status_code == 400
    assert "Tanggal asesmen tidak boleh di masa depan." in response.text
    assert 'id="f-assessed_on-error"' in response.text


async def test_every_note_of_a_long_case_is_a_page_away_newest_first(client, world, case_id):
    """Notes come a page at a time, newest first; the older ones are on the next pages (the page used to cut the
    case at its newest 100 notes, and the older ones could not be read); a page past the last shows the last."""
    for number in range(1, services.NOTES_PAGE + 6):
        await services.add_note(world.worker, case_id, "phone", f"catatan nomor {number:03d}")
    total = services.NOTES_PAGE + 6  # with the fixture's note, the oldest
    await sign_in(client, "c-worker")

    def shown(html: str) -> list[str]:
        return re.findall(r"catatan nomor (\d{3})", html)

    first = await client.get(f"/cases/{case_id}")
    assert first.status_code == 200
    assert shown(first.text) == [f"{n:03d}" for n in range(total - 1, total - 1 - services.NOTES_PAGE, -1)]
    assert "?notes_page=2#notes-heading" in first.text and NOTE_TEXT not in first.text
    second = await client.get(f"/cases/{case_id}?notes_page=2")
    assert shown(second.text) == [f"{n:03d}" for n in range(total - 1 - services.NOTES_PAGE, 0, -1)]
    assert NOTE_TEXT in second.text
    past = await client.get(f"/cases/{case_id}?notes_page=99")
    assert past.status_code == 200 and shown(past.text) == shown(second.text)
    garbled = await client.get(f"/cases/{case_id}?notes_page=abc")
    assert garbled.status_code == 200 and shown(garbled.text) == shown(first.text)
