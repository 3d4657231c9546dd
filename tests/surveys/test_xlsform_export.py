"""Surveys written as XLSForms: pyxform converts them, and importing one gives back the same survey."""

import re

from survey_helpers import NEEDS_QUESTIONS, make_survey
from xlsform_files import EXAMPLE, pyxform_xml

from server.surveys import services as surveys
from server.surveys.xlsform.importing import import_survey
from server.surveys.xlsform.reading import read_xlsform
from server.surveys.xlsform.writing import survey_xlsform

BILINGUAL = [
    dict(question, translation_text=f"EN {question['text']}")
    for question in NEEDS_QUESTIONS
    if question["code"] != "helps"
] + [
    {
        "code": "helps",
        "kind": "multiple",
        "text": "Siapa yang perlu dibantu?",
        "help": "Boleh lebih dari satu.",
        "options": [{"value": "elderly", "label": "Lansia"}, {"value": "kids", "label": "Anak"}],
        "translation_text": "Who needs help?",
        "translation_help": "More than one is fine.",
        "translation_options": {"elderly": "Older people", "kids": "Children"},
        "show_if_question": "rw",
        "show_if_value": "rw02",
    },
    {"code": "short", "kind": "short_text", "text": "Nama kampung", "required": True},
    {
        "code": "welcome",
        "kind": "note",
        "text": "Terima kasih sudah mengisi.",
        "translation_text": "Thank you for answering.",
    },
    {"code": "moved_in", "kind": "date", "text": "Sejak kapan?", "translation_text": "Since when?", "required": True},
]


async def _survey_with_condition(organizer, **values):
    questions = [dict(q) for q in BILINGUAL]
    survey = await make_survey(organizer, questions=[q for q in questions if q["code"] != "helps"], **values)
    ids = {q["code"]: q["id"] for q in await surveys.list_questions(survey["id"])}
    helps = next(q for q in questions if q["code"] == "helps")
    await surveys.add_question(survey, dict(helps, show_if_question=ids["rw"]))
    return survey


def _shape(question: dict) -> dict:
    return {
        "code": question["code"],
        "kind": question["kind"],
        "text": question["text"],
        "help": question["help"],
        "required": question["required"],
        "options": question["options"],
        "min_value": question["min_value"],
        "max_value": question["max_value"],
        "translations": question["translations"],
    }


def _condition(question: dict, by_id: dict) -> tuple | None:
    trigger = by_id.get(question["show_if_question"])
    return (trigger["code"], question["show_if_value"]) if trigger else None


async def test_a_survey_exported_as_xlsform_converts_with_pyxform(organizer):
    survey = await _survey_with_condition(organizer)
    content = survey_xlsform(survey, await surveys.list_questions(survey["id"]))
    xml = pyxform_xml(content)
    assert "Survei Kebutuhan Warga" in xml
    assert 'lang="English (en)"' in xml and 'lang="Indonesian (id)"' in xml
    assert re.search(r"relevant=\"\s*/\w+/rw\s*=\s*('|&apos;)rw02('|&apos;)\"", xml), xml
    # The date question is an XForm date, the note a read-only text.
    assert re.search(r'<bind nodeset="/\w+/moved_in"[^>]*type="date"', xml), xml
    assert re.search(r'<bind nodeset="/\w+/welcome"[^>]*readonly="true\(\)"', xml), xml


async def test_xlsform_round_trip_gives_back_the_same_survey(organizer):
    survey = await _survey_with_condition(organizer)
    before = await surveys.list_questions(survey["id"])
    content = survey_xlsform(survey, before)
    pyxform_xml(content)
    parsed = read_xlsform(content)
    assert parsed.notes == []
    values = {"purpose": "needs_assessment", "program": None, "anonymous": True}
    again_id, notes = await import_survey(organizer, parsed, "again.xlsx", values)
    assert notes == []
    again = await surveys.get_survey(again_id)
    after = await surveys.list_questions(again_id)
    assert (again["title"], again["languages"]) == (survey["title"], survey["languages"])
    assert [_shape(q) for q in after] == [_shape(q) for q in before]
    by_id_before = {q["id"]: q for q in before}
    by_id_after = {q["id"]: q for q in after}
    assert [_condition(q, by_id_after) for q in after] == [_condition(q, by_id_before) for q in before]
    assert _condition(after[-1], by_id_after) == ("rw", "rw02")
    kinds = {q["code"]: q["kind"] for q in after}
    assert (kinds["welcome"], kinds["moved_in"]) == ("note", "date")
    # And once more: the second export is the same form.
    assert read_xlsform(survey_xlsform(again, after)).questions == parsed.questions


async def test_a_survey_in_one_language_round_trips_too(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, languages="en", title="English only")
    before = await surveys.list_questions(survey["id"])
    content = survey_xlsform(survey, before)
    pyxform_xml(content)
    values = {"purpose": "pre", "program": None, "anonymous": False}
    again_id, notes = await import_survey(organizer, read_xlsform(content), "en.xlsx", values)
    assert notes == []
    again = await surveys.get_survey(again_id)
    assert again["languages"] == "en"
    assert [_shape(q) for q in await surveys.list_questions(again_id)] == [_shape(q) for q in before]


async def test_the_example_needs_assessment_converts_with_pyxform():
    assert "Kajian Kebutuhan Warga" in pyxform_xml(EXAMPLE.read_bytes())


async def test_labels_that_look_like_formulas_are_written_as_text(organizer):
    survey = await make_survey(
        organizer, questions=[{"code": "sum", "kind": "short_text", "text": "=1+1 apa?"}], title="=cmd"
    )
    content = survey_xlsform(survey, await surveys.list_questions(survey["id"]))
    parsed = read_xlsform(content)
    assert parsed.notes == []
    assert parsed.questions[0].texts["id"] == "=1+1 apa?"
    assert parsed.title == "=cmd"
