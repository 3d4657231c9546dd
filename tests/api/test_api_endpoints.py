"""What each API endpoint answers: public facts of programs, counts, aggregates with the small-group rule."""

from __future__ import annotations

import pytest
from api_helpers import bearer, make_key
from factories import make_program, make_session
from report_helpers import workshop_fixture
from survey_helpers import NEEDS_QUESTIONS, make_survey, respond

from server import clock
from server.api import auth


@pytest.fixture(autouse=True)
def _fresh_limiter():
    auth.limiter.reset()


async def test_programs_list_paginates_with_a_cursor(client, admin):
    made = [await make_program(title=f"Kelas {n}") for n in range(5)]
    await make_program(title="Arsip", archived=True)
    _, key = await make_key(admin)
    seen, cursor = [], None
    while True:
        query = {"limit": 2} if cursor is None else {"limit": 2, "cursor": cursor}
        page = (await client.get("/api/v1/programs", params=query, headers=bearer(key))).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [program.id for program in made]  # archived programs are left out


async def test_limit_out_of_range_is_400_json(client, admin):
    _, key = await make_key(admin)
    response = await client.get("/api/v1/programs", params={"limit": 1000}, headers=bearer(key))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")


async def test_discreet_program_appears_only_under_its_neutral_title(client, admin):
    program = await make_program(
        title="Kelompok Dukungan Korban KDRT",
        public_title="Kelompok Perempuan Rabu",
        slug="korban-kdrt",
        discreet=True,
        area="RW 05 Kampung Melayu",
    )
    await make_session(program, topic="Cerita korban kekerasan")
    _, key = await make_key(admin)
    for path in ("/api/v1/programs", f"/api/v1/programs/{program.id}", f"/api/v1/programs/{program.id}/sessions"):
        response = await client.get(path, headers=bearer(key))
        assert response.status_code == 200
        for word in ("KDRT", "kdrt", "Korban", "korban", "kekerasan", "Kampung Melayu"):
            assert word not in response.text, (path, word)
    one = (await client.get(f"/api/v1/programs/{program.id}", headers=bearer(key))).json()
    assert one["title"] == "Kelompok Perempuan Rabu"
    assert one["slug"] is None and one["discreet"] is True


async def test_sessions_give_dates_and_status_without_place_link_or_notes(client, admin):
    program = await make_program()
    await make_session(
        program, topic="Pola dasar", location="Jl. Melati 3", online_link="https://meet.example/x", notes="Rahasia"
    )
    _, key = await make_key(admin)
    page = (await client.get(f"/api/v1/programs/{program.id}/sessions", headers=bearer(key))).json()
    assert len(page["items"]) == 1
    item = page["items"][0]
    assert item["topic"] == "Pola dasar" and item["status"] == "scheduled"
    assert set(item) == {"id", "program_id", "status", "starts_at", "ends_at", "topic"}


async def test_figures_are_the_reports_counts(client, admin):
    w = await workshop_fixture(now=clock.now())
    _, key = await make_key(admin)
    figures = (await client.get(f"/api/v1/programs/{w.program.id}/figures", headers=bearer(key))).json()
    # The hand-computed figures of report_helpers.workshop_fixture.
    assert figures["sessions"] == {"planned": 5, "held": 3, "cancelled": 2, "upcoming": 1, "not_taken": 1}
    enrolment = figures["enrolment"]
    assert (enrolment["took_part"], enrolment["still_enrolled"], enrolment["completed"]) == (6, 4, 1)
    assert (enrolment["withdrawn"], enrolment["waitlisted"], enrolment["left_before_start"]) == (1, 1, 1)
    attendance = figures["attendance"]
    assert attendance["sessions"] == 3
    assert attendance["attended"] == 8
    assert attendance["absent"] + attendance["unmarked"] == 6
    assert attendance["guests"] == 1
    assert attendance["rate"] == pytest.approx(8 / 14)
    for name in w.people:
        assert name not in str(figures)


async def test_survey_results_keep_the_small_group_rule_and_leave_out_written_answers(client, admin, settings):
    survey = await make_survey(admin, questions=NEEDS_QUESTIONS)
    _, key = await make_key(admin)
    url = f"/api/v1/surveys/{survey['id']}/results"
    for n in range(settings.min_group_size - 1):
        await respond(survey, {"rw": "rw01", "clean": 4, "note": f"Pak Slamet di gang {n} sakit"})
    few = (await client.get(url, headers=bearer(key))).json()
    assert few["hidden"] == "too_few" and few["questions"] == []
    await respond(survey, {"rw": "rw02", "clean": 2, "note": "Bu Sumi butuh kursi roda"})
    response = await client.get(url, headers=bearer(key))
    shown = response.json()
    assert shown["hidden"] is None and shown["responses"] == settings.min_group_size
    by_code = {q["code"]: q for q in shown["questions"]}
    counts = {row["value"]: row["count"] for row in by_code["rw"]["choices"]}
    assert counts["rw01"] == settings.min_group_size - 1 and counts["rw02"] == 1
    assert by_code["clean"]["mean"] is not None
    assert "Slamet" not in response.text and "Sumi" not in response.text
    listed = (await client.get("/api/v1/surveys", headers=bearer(key))).json()
    assert [item["id"] for item in listed["items"]] == [survey["id"]]


async def test_survey_of_a_program_outside_the_key_list_is_403(client, admin):
    mine, other = await make_program(), await make_program()
    survey = await make_survey(admin, questions=NEEDS_QUESTIONS, program=other.id)
    _, key = await make_key(admin, programs=[mine.id])
    response = await client.get(f"/api/v1/surveys/{survey['id']}/results", headers=bearer(key))
    assert response.status_code == 403
    assert (await client.get("/api/v1/surveys", headers=bearer(key))).json()["items"] == []


async def test_data_checks_are_counts(client, admin):
    w = await workshop_fixture(now=clock.now())
    _, key = await make_key(admin)
    checks = (await client.get("/api/v1/data-checks", headers=bearer(key))).json()
    assert checks["no_attendance"] == 1  # s5: past, scheduled, no attendance taken
    assert checks["total"] == sum(value for name, value in checks.items() if name != "total")
    _, limited = await make_key(admin, programs=[w.program.id])
    assert (await client.get("/api/v1/data-checks", headers=bearer(limited))).json()["no_attendance"] == 1
