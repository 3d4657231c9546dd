"""Responses in KoBoToolbox's CSV layout: columns named by question, select_multiple split into 0/1 columns, the
_id/_uuid/_submission_time columns, and the same privacy and small-group rules as the ordinary export."""

import csv
import io
from datetime import UTC, datetime

import pytest
from survey_helpers import NEEDS_QUESTIONS, make_person, make_survey, respond

from server.errors import DomainError
from server.surveys import services as surveys
from server.surveys.xlsform.responses import META_COLUMNS, kobo_responses_csv

ANSWERS = {
    "rw": "rw02",
    "clean": 4,
    "helps": ["elderly", "kids"],
    "score": 7,
    "people": 3,
    "needs": {"school": 1, "water": 2, "health": 3},
    "note": "Jalan rusak",
}


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def _filled(organizer, *, anonymous: bool, people: int = 5):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=anonymous)
    for number in range(people):
        person = None if anonymous else await make_person(f"Warga {number}")
        answers = ANSWERS if number == 0 else {"rw": "rw01", "helps": ["kids"]}
        await respond(survey, answers, participant_id=person, at=datetime(2026, 11, 2, 3, number, tzinfo=UTC))
    return survey


async def test_columns_follow_kobotoolbox_with_select_multiple_split_into_choice_columns(organizer):
    survey = await _filled(organizer, anonymous=False)
    text = await kobo_responses_csv(survey, await surveys.list_questions(survey["id"]), "Asia/Jakarta")
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header == [
        "rw",
        "clean",
        "helps",
        "helps/elderly",
        "helps/kids",
        "score",
        "people",
        "needs",
        "note",
        "participant_id",
        "participant",
        *META_COLUMNS,
    ]
    first, second = _rows(text)[:2]
    assert (first["rw"], first["clean"], first["score"], first["people"]) == ("rw02", "4", "7", "3")
    assert (first["helps"], first["helps/elderly"], first["helps/kids"]) == ("elderly kids", "1", "1")
    assert (second["helps"], second["helps/elderly"], second["helps/kids"]) == ("kids", "0", "1")
    assert first["needs"] == "school water health"
    assert first["note"] == "Jalan rusak" and second["note"] == "" and second["clean"] == ""
    assert first["_submission_time"] == "2026-11-02T03:00:00"
    assert first["_id"] == "1" and first["_index"] == "1" and first["_uuid"]
    assert first["participant"] == "Warga 0"


async def test_anonymous_survey_has_no_identity_and_only_the_date_of_submission(organizer):
    survey = await _filled(organizer, anonymous=True, people=6)
    text = await kobo_responses_csv(survey, await surveys.list_questions(survey["id"]), "Asia/Jakarta")
    rows = _rows(text)
    assert "participant" not in rows[0] and "participant_id" not in rows[0]
    assert {row["_submission_time"] for row in rows} == {"2026-11-02"}
    # Rows follow their random names, so _id says nothing about who answered first.
    assert [row["_uuid"] for row in rows] == sorted(row["_uuid"] for row in rows)
    assert [row["_id"] for row in rows] == [str(n) for n in range(1, 7)]


async def test_too_few_responses_are_not_exported(organizer):
    survey = await _filled(organizer, anonymous=True, people=2)
    with pytest.raises(DomainError) as refused:
        await kobo_responses_csv(survey, await surveys.list_questions(survey["id"]), "Asia/Jakarta")
    assert refused.value.code == "too_few_responses"


async def test_answers_that_look_like_formulas_are_escaped(organizer):
    survey = await make_survey(organizer, questions=[{"code": "t", "kind": "short_text", "text": "?"}])
    for _number in range(5):
        await respond(survey, {"t": "=HYPERLINK(1)"})
    text = await kobo_responses_csv(survey, await surveys.list_questions(survey["id"]), "Asia/Jakarta")
    assert {row["t"] for row in _rows(text)} == {"'=HYPERLINK(1)"}
