"""Case files in the person's data download and in erasure: the policy keeps staff notes out, erasure keeps counts."""

from datetime import UTC, date, datetime

import pytest
from case_helpers import NOTE_TEXT, case_world, open_a_case

from server.cases import services
from server.cases.tables import Case, CaseAssessment, CaseNote, CaseRating
from server.pages.personal_data import download, download_csv, erase_participant


@pytest.fixture
async def world(db):
    world = await case_world()
    case_id = await open_a_case(world, own_words="Saya ingin bekerja lagi")
    await services.record_assessment(world.worker, case_id, date(2026, 1, 5), {"housing": (2, "Tidur di warung")})
    await services.add_note(world.worker, case_id, "home_visit", NOTE_TEXT)
    return world


async def test_the_download_holds_the_case_its_ratings_and_the_persons_own_words(world):
    data = await download(world.participant)
    (case,) = data["cases"]
    assert case["status"] == "open" and case["own_words"] == "Saya ingin bekerja lagi"
    assert case["assessment_ratings"] == [{"assessed_on": "2026-01-05", "domain": "housing", "rating": 2}]
    assert case["case_notes"][0]["kind"] == "home_visit"


async def test_the_download_leaves_out_what_staff_wrote_for_staff_as_the_policy_says(world):
    data = await download(world.participant)
    text = str(data) + await download_csv(world.participant)
    assert NOTE_TEXT not in text and "Tidur di warung" not in text


async def test_erasure_removes_the_words_and_keeps_the_counts(world):
    await erase_participant(world.admin, world.participant, now=datetime(2026, 3, 1, tzinfo=UTC))
    case = await Case.select(Case.own_words, Case.status).first().run()
    assert case == {"own_words": "", "status": "open"}
    assert [n["text"] for n in await CaseNote.select(CaseNote.text).run()] == [""]
    assert [r["note"] for r in await CaseRating.select(CaseRating.note).run()] == [""]
    assert await CaseAssessment.count().run() == 1 and await CaseRating.count().run() == 1
