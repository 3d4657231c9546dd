"""Date and note questions: a date answer is one valid calendar date, summarised by month with the small-group rule;
a note is text shown between the questions, never required, never answered, and absent from results and exports."""

import csv
import io
import re
from datetime import date

import pytest
from conftest import post_form
from survey_helpers import make_survey, question_ids, respond

from server.surveys import results
from server.surveys import services as surveys
from server.surveys.forms import AnswerForm
from server.surveys.kinds import kind_of
from server.surveys.tables import Answer, Response
from server.surveys.xlsform.responses import kobo_responses_csv
from server.web.forms import Invalid

KEY_RE = re.compile(r'name="submission_key" value="([^"]+)"')
QUESTIONS = [
    {"code": "welcome", "kind": "note", "text": "Selamat datang.\nTerima kasih.", "translation_text": "Welcome."},
    {"code": "arrived", "kind": "date", "text": "Sejak kapan Anda tinggal di sini?", "required": True},
    {"code": "comment", "kind": "short_text", "text": "Catatan?"},
]


class _Input:
    def __init__(self, value: str) -> None:
        self.value = value

    def text(self, name: str) -> str:
        return self.value

    def selected(self, name: str) -> list[str]:
        return [self.value]


DATE_QUESTION = {"id": 7, "kind": "date", "required": False}


# --- the kinds' rules ---------------------------------------------------------------------------------


def test_a_date_answer_is_stored_as_its_iso_text():
    assert kind_of("date").parse(DATE_QUESTION, _Input("2026-03-05"), "q7") == [(7, "2026-03-05", None)]
    assert kind_of("date").parse(DATE_QUESTION, _Input(""), "q7") == []


@pytest.mark.parametrize("typed", ["05/03/2026", "2026-02-30", "2026-13-01", "20260305", "1850-01-01", "x" * 80])
def test_a_date_answer_must_be_a_real_calendar_date(typed):
    with pytest.raises(Invalid, match="YYYY-MM-DD"):
        kind_of("date").parse(DATE_QUESTION, _Input(typed), "q7")


def test_a_note_takes_no_answer_whatever_was_sent():
    assert kind_of("note").parse({"id": 3}, _Input("sneaked in"), "q3") == []
    assert kind_of("note").answerable is False and kind_of("date").answerable is True


async def test_a_note_is_never_required_and_has_no_number(organizer):
    survey = await make_survey(organizer, questions=[dict(QUESTIONS[0], required=True), *QUESTIONS[1:]])
    questions = await surveys.list_questions(survey["id"])
    assert [(q["code"], q["number"], q["place"]) for q in questions] == [
        ("welcome", None, 1),
        ("arrived", 1, 2),
        ("comment", 2, 3),
    ]
    assert questions[0]["required"] is False


async def test_the_answering_form_skips_notes_and_requires_a_required_date(organizer):
    survey = await make_survey(organizer, questions=QUESTIONS)
    questions = await surveys.list_questions(survey["id"])
    ids = {q["code"]: f"q{q['id']}" for q in questions}
    missing = AnswerForm(questions, {ids["welcome"]: "x"})
    assert not missing.is_valid() and set(missing.errors) == {ids["arrived"]}
    given = AnswerForm(questions, {ids["welcome"]: "x", ids["arrived"]: "2025-12-24"})
    assert given.is_valid()
    assert [(text, number) for _qid, text, number in given.answers] == [("2025-12-24", None)]


# --- results and exports ------------------------------------------------------------------------------


async def _answered(organizer, dates: list[str]):
    survey = await make_survey(organizer, questions=QUESTIONS)
    for day in dates:
        await respond(survey, {"arrived": day})
    return survey, await surveys.list_questions(survey["id"])


async def test_date_results_give_earliest_latest_and_months_hiding_small_months(organizer):
    # March 3, April 3, May 1, June 1: the May and June months are hidden, and together they are 2 (< 3), so the
    # smallest shown month (March or April) is hidden too, lest the total minus the shown months reveal them.
    dates = ["2026-03-02", "2026-03-09", "2026-03-30", "2026-04-01", "2026-04-02", "2026-04-20", "2026-05-05"]
    survey, questions = await _answered(organizer, [*dates, "2026-06-30"])
    found = await results.survey_results(survey, questions, results.Filters(), 3)
    assert [item["question"]["code"] for item in found["questions"]] == ["arrived", "comment"]
    item = found["questions"][0]
    assert item["answered"] == 8
    months = {row["month"]: row for row in item["months"]}
    assert months[date(2026, 5, 1)]["hidden"] and months[date(2026, 6, 1)]["hidden"]
    assert months[date(2026, 5, 1)]["count"] is None
    shown = [row for row in item["months"] if not row["hidden"]]
    assert len(shown) == 1 and shown[0]["count"] == 3
    hidden_total = 8 - sum(row["count"] for row in shown)
    assert hidden_total >= 3
    # The latest date is in a hidden month: showing it would tell that someone answered in June.
    assert item["latest"] is None
    assert item["earliest"] in (date(2026, 3, 2), None)


async def test_date_results_show_every_month_and_the_extremes_when_groups_are_large(organizer):
    survey, questions = await _answered(organizer, ["2026-01-10", "2026-01-03", "2026-01-31", "2026-02-01"] * 1)
    found = await results.survey_results(survey, questions, results.Filters(), 1)
    item = found["questions"][0]
    assert [(row["month"], row["count"]) for row in item["months"]] == [(date(2026, 1, 1), 3), (date(2026, 2, 1), 1)]
    assert (item["earliest"], item["latest"]) == (date(2026, 1, 3), date(2026, 2, 1))


async def test_results_page_shows_months_of_a_date_question_and_no_note(organizer_client, organizer):
    survey, _questions = await _answered(organizer, ["2026-01-10", "2026-01-03", "2026-01-31", "2026-02-01"] * 2)
    page = await organizer_client.get(f"/surveys/{survey['id']}/results")
    assert page.status_code == 200
    assert "Sejak kapan Anda tinggal di sini?" in page.text and "January 2026" in page.text
    assert "Selamat datang." not in page.text


async def test_exports_have_a_date_column_and_nothing_for_a_note(organizer_client, organizer):
    survey, questions = await _answered(organizer, ["2026-01-10"] * 5)
    export = await organizer_client.get(f"/surveys/{survey['id']}/responses.csv")
    header = next(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert "arrived" in header and "welcome" not in header
    assert "2026-01-10" in export.text
    codebook = await organizer_client.get(f"/surveys/{survey['id']}/codebook.csv")
    assert "yyyy-mm-dd" in codebook.text and "welcome" not in codebook.text
    kobo = await kobo_responses_csv(survey, questions, "Asia/Jakarta", 5)
    rows = list(csv.DictReader(io.StringIO(kobo.lstrip("\ufeff"))))
    assert "welcome" not in rows[0] and rows[0]["arrived"] == "2026-01-10"
    assert list(rows[0])[:2] == ["arrived", "comment"]


# --- the answering page ---------------------------------------------------------------------------------


async def _questions_page(client, survey):
    page = await post_form(client, f"/s/{survey['token']}", {"agree": "on", "decision": "agree"})
    assert page.status_code == 200, page.text[:500]
    return page, KEY_RE.search(page.text).group(1)


async def test_the_note_is_shown_as_text_and_the_date_as_a_labelled_date_field(client, organizer):
    survey = await make_survey(organizer, questions=QUESTIONS)
    ids = await question_ids(survey)
    page, _key = await _questions_page(client, survey)
    # The respondent reads English here, so the note is in its English wording.
    assert "<p>Welcome.</p>" in page.text and "Selamat datang." not in page.text
    field = f"q{ids['arrived']}"
    assert re.search(rf'<label for="{field}-input"[^>]*>Sejak kapan Anda tinggal di sini\?</label>', page.text)
    assert re.search(rf'<input type="date" id="{field}-input" name="{field}"', page.text)
    # Two questions, not three: the note is no question.
    assert "2 questions." in page.text and "Question 1 of 2" in page.text and "Question 3" not in page.text
    assert f'name="q{ids["welcome"]}"' not in page.text


async def test_answering_a_date_stores_it_and_nothing_for_the_note(client, organizer):
    survey = await make_survey(organizer, questions=QUESTIONS)
    ids = await question_ids(survey)
    _page, key = await _questions_page(client, survey)
    url = f"/s/{survey['token']}"
    data = {"submission_key": key, f"q{ids['arrived']}": "2024-07-17", f"q{ids['welcome']}": "not an answer"}
    response = await post_form(client, url, data)
    assert response.status_code == 303
    assert await Response.count().run() == 1
    stored = await Answer.select(Answer.question, Answer.value_text).run()
    assert stored == [{"question": ids["arrived"], "value_text": "2024-07-17"}]


async def test_a_bad_date_is_refused_next_to_the_field_in_the_respondents_language(client, organizer):
    survey = await make_survey(organizer, questions=QUESTIONS, languages="id")
    ids = await question_ids(survey)
    page, key = await _questions_page(client, survey)
    field = f"q{ids['arrived']}"
    # An Indonesian-only survey: the note keeps its paragraphs in Indonesian.
    assert "<p>Selamat datang.</p>" in page.text and "<p>Terima kasih.</p>" in page.text
    response = await post_form(client, f"/s/{survey['token']}", {"submission_key": key, field: "2026-02-30"})
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert "Masukkan tanggal dengan format TTTT-BB-HH." in response.text
    assert await Response.count().run() == 0 and await Answer.count().run() == 0


async def test_the_builder_offers_date_and_note_and_a_note_is_saved_as_not_required(organizer_client, organizer):
    survey = await make_survey(organizer, published=False)
    builder = await organizer_client.get(f"/surveys/{survey['id']}/questions")
    assert '<option value="date"' in builder.text and '<option value="note"' in builder.text
    response = await post_form(
        organizer_client,
        f"/surveys/{survey['id']}/questions",
        {"kind": "note", "text": "Bagian dua", "required": "on", "show_if": ""},
    )
    assert response.status_code in (200, 303), response.text[:500]
    questions = await surveys.list_questions(survey["id"])
    assert [(q["kind"], q["required"], q["number"]) for q in questions] == [("note", False, None)]
    page = await organizer_client.get(f"/surveys/{survey['id']}/questions")
    assert "Bagian dua" in page.text and "None." not in page.text
