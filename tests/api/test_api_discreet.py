"""A discreet program through the API: nothing says what it is about (title, address, area, description, session
topics, survey wording), its surveys are not there at all, and its counts of few people are left out."""

from __future__ import annotations

import pytest
from api_helpers import bearer, make_key
from factories import make_session
from report_helpers import workshop_fixture
from survey_helpers import make_survey, respond

from server import clock
from server.api import auth, models, services

REAL_TITLE = "Pemulihan Penyintas Kekerasan Seksual"
NEUTRAL_TITLE = "Kelompok Perempuan Kamis"
# Every word that would tell what the program is about, wherever staff wrote it.
SECRET_WORDS = (
    "pemulihan",
    "penyintas",
    "kekerasan",
    "seksual",
    "perkosaan",
    "pelecehan",
    "trauma",
    "mawar",
    "rahasia-dukungan",
)
WORDING = [
    {
        "code": "harm",
        "kind": "single",
        "text": "Pernah mengalami pelecehan seksual?",
        "required": True,
        "options": [{"value": "verbal", "label": "Pelecehan verbal"}, {"value": "fisik", "label": "Perkosaan"}],
    },
    {"code": "feel", "kind": "likert", "text": "Trauma Anda berkurang.", "required": True},
]


@pytest.fixture(autouse=True)
def _fresh_limiter():
    auth.limiter.reset()


async def _discreet_world(admin, settings):
    w = await workshop_fixture(
        now=clock.now(),
        title=REAL_TITLE,
        public_title=NEUTRAL_TITLE,
        slug="rahasia-dukungan",
        kind="support_group",
        discreet=True,
        area="Gang Mawar RT 03",
        description="Pendampingan penyintas perkosaan",
        summary="Kelompok penyintas kekerasan seksual",
    )
    await make_session(w.program, topic="Trauma pasca perkosaan")
    survey = await make_survey(admin, title="Survei Penyintas Kekerasan", questions=WORDING, program=w.program.id)
    for _ in range(settings.min_group_size + 1):
        await respond(survey, {"harm": "verbal", "feel": 4}, program_id=w.program.id)
    return w, survey


def _leaked(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in SECRET_WORDS if word in lowered]


async def test_no_api_response_names_what_a_discreet_program_is_about(client, admin, settings):
    w, survey = await _discreet_world(admin, settings)
    _, every = await make_key(admin)
    _, limited = await make_key(admin, programs=[w.program.id])
    schema = (await client.get("/api/schema/openapi.json")).json()
    ids = {"program_id": w.program.id, "survey_id": survey["id"]}
    walked = 0
    for key in (every, limited):
        for path in schema["paths"]:
            url = path.format(**ids)
            for query in ({}, {"limit": 1}):
                response = await client.get(url, params=query, headers=bearer(key))
                assert response.status_code in (200, 404), (url, response.status_code)
                assert _leaked(response.text) == [], (url, response.text[:300])
                walked += 1
    for url in ("/api/schema", "/api/schema/openapi.json"):
        assert _leaked((await client.get(url)).text) == [], url
    assert walked == 2 * 2 * len(schema["paths"])
    program = (await client.get(f"/api/v1/programs/{w.program.id}", headers=bearer(every))).json()
    assert program["title"] == NEUTRAL_TITLE and program["slug"] is None and program["area"] == ""


async def test_discreet_programs_surveys_are_not_listed_and_their_results_are_unknown(client, admin, settings):
    w, survey = await _discreet_world(admin, settings)
    ordinary = await make_survey(admin, title="Survei Kebutuhan Warga", questions=WORDING[1:])
    _, key = await make_key(admin)
    listed = (await client.get("/api/v1/surveys", headers=bearer(key))).json()
    assert [item["id"] for item in listed["items"]] == [ordinary["id"]]
    _, limited = await make_key(admin, programs=[w.program.id])
    assert (await client.get("/api/v1/surveys", headers=bearer(limited))).json()["items"] == []
    for presented in (key, limited):
        hidden = await client.get(f"/api/v1/surveys/{survey['id']}/results", headers=bearer(presented))
        unknown = await client.get("/api/v1/surveys/999999/results", headers=bearer(presented))
        assert hidden.status_code == unknown.status_code == 404
        assert hidden.json() == unknown.json()


async def test_a_discreet_programs_counts_of_few_people_are_left_out(client, admin, settings):
    assert settings.min_group_size == 5
    w, _survey = await _discreet_world(admin, settings)
    _, key = await make_key(admin)
    figures = (await client.get(f"/api/v1/programs/{w.program.id}/figures", headers=bearer(key))).json()
    enrolment, attendance = figures["enrolment"], figures["attendance"]
    # Six took part (shown); 4 still enrolled, 1 completed, 1 withdrew: each fewer than five, so all three go,
    # and the one waiting and the one who left before starting too.
    assert enrolment["took_part"] == 6
    for name in ("still_enrolled", "completed", "withdrawn", "left_before_start", "waitlisted", "retention"):
        assert enrolment[name] is None, name
        assert f"enrolment.{name}" in figures["hidden"]
    assert attendance["guests"] is None and attendance["rate"] is None
    assert figures["sessions"]["held"] == 3  # sessions are not people
    assert figures["minimum_group"] == 5


async def test_an_ordinary_programs_counts_are_whole(client, admin):
    w = await workshop_fixture(now=clock.now())
    _, key = await make_key(admin)
    figures = (await client.get(f"/api/v1/programs/{w.program.id}/figures", headers=bearer(key))).json()
    assert figures["hidden"] == []
    assert figures["enrolment"]["withdrawn"] == 1 and figures["attendance"]["guests"] == 1


def _figures(still: int, completed: int, withdrawn: int, attended: int, absent: int) -> models.ProgramFigures:
    return models.ProgramFigures(
        program_id=1,
        sessions=models.SessionCounts(planned=4, held=4, cancelled=0, upcoming=0, not_taken=0),
        enrolment=models.EnrolmentCounts(
            took_part=still + completed + withdrawn,
            still_enrolled=still,
            completed=completed,
            withdrawn=withdrawn,
            left_before_start=0,
            waitlisted=7,
            retention=0.9,
            completion=0.3,
        ),
        attendance=models.AttendanceCounts(
            sessions=4,
            member_places=attended + absent,
            attended=attended,
            excused=0,
            absent=absent,
            unmarked=0,
            guests=0,
            rate=0.8,
        ),
        minimum_group=5,
    )


def test_a_small_group_hides_the_next_smallest_so_the_total_does_not_give_it_away():
    figures = _figures(still=10, completed=6, withdrawn=1, attended=40, absent=20)
    services._hide_small_groups(figures, 5)
    enrolment = figures.enrolment
    assert (enrolment.took_part, enrolment.still_enrolled, enrolment.completed, enrolment.withdrawn) == (
        17,
        10,
        None,
        None,
    )
    assert enrolment.retention is None and enrolment.completion is None
    assert enrolment.left_before_start == 0 and enrolment.waitlisted == 7  # none, or enough, is nobody to hide
    assert figures.attendance.rate == 0.8 and figures.attendance.attended == 40
    assert figures.hidden == [
        "enrolment.completed",
        "enrolment.withdrawn",
        "enrolment.retention",
        "enrolment.completion",
    ]


def test_too_few_people_hide_every_enrolment_and_attendance_count():
    figures = _figures(still=2, completed=1, withdrawn=0, attended=12, absent=4)
    services._hide_small_groups(figures, 5)
    assert figures.enrolment.took_part is None and figures.enrolment.withdrawn is None
    attendance = figures.attendance
    assert (attendance.member_places, attendance.attended, attendance.absent, attendance.rate) == (None,) * 4
    assert attendance.sessions == 4
