"""Results with known answer sets: counts, shares, mean and median, priority order, cross-tab, small groups, pre/post pairs, CSV."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from factories import make_program
from server.surveys import results
from server.surveys import services as surveys
from survey_helpers import NEEDS_QUESTIONS, make_person, make_survey, respond

FOUR_ANSWERS = [
    {"rw": "rw01", "clean": 5, "helps": ["elderly"], "score": 8, "people": 4, "needs": {"water": 1, "health": 2, "school": 3}, "note": "Sumur kering"},
    {"rw": "rw01", "clean": 4, "helps": ["elderly", "kids"], "score": 6, "people": 6, "needs": {"water": 1, "school": 2, "health": 3}},
    {"rw": "rw02", "clean": 2, "score": 3, "people": 2, "needs": {"health": 1, "water": 2, "school": 3}},
    {"rw": "rw02", "clean": 4, "score": 7, "people": 5, "needs": {"water": 1, "health": 2, "school": 3}, "note": ""},
]


async def _results(survey, **filters):
    questions = await surveys.list_questions(survey["id"])
    found = await results.survey_results(survey, questions, results.Filters(**filters))
    return found, {item["question"]["code"]: item for item in found["questions"]}


def _shares(item):
    return {row["value"]: (row["count"], round(row["share"], 4)) for row in item["rows"]}


async def test_counts_shares_means_and_medians_of_a_known_answer_set(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    for answers in FOUR_ANSWERS:
        await respond(survey, {k: v for k, v in answers.items() if v != ""})
    found, by_code = await _results(survey)
    assert found["total"] == 4
    assert _shares(by_code["rw"]) == {"rw01": (2, 0.5), "rw02": (2, 0.5), "rw03": (0, 0.0)}
    assert _shares(by_code["clean"]) == {"1": (0, 0.0), "2": (1, 0.25), "3": (0, 0.0), "4": (2, 0.5), "5": (1, 0.25)}
    assert by_code["clean"]["mean"] == pytest.approx(3.75) and by_code["clean"]["median"] == 4.0
    # Multiple choice: shares of the people who answered the question, so they may add up to more than 100 percent.
    assert by_code["helps"]["answered"] == 2
    assert _shares(by_code["helps"]) == {"elderly": (2, 1.0), "kids": (1, 0.5)}
    assert by_code["score"]["mean"] == pytest.approx(6.0) and by_code["score"]["median"] == 6.5
    assert _shares(by_code["score"])["8"] == (1, 0.25)
    assert (by_code["people"]["mean"], by_code["people"]["median"], by_code["people"]["low"], by_code["people"]["high"]) == (pytest.approx(4.25), 4.5, 2.0, 6.0)
    assert by_code["note"]["texts"] == ["Sumur kering"]


async def test_ranking_becomes_a_priority_order_by_mean_place_and_first_places(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS)
    for answers in FOUR_ANSWERS:
        await respond(survey, {"rw": answers["rw"], "needs": answers["needs"]})
    _found, by_code = await _results(survey)
    order = [(row["value"], row["mean_rank"], row["first"], row["count"]) for row in by_code["needs"]["ranking"]]
    assert order == [("water", 1.25, 3, 4), ("health", 2.0, 1, 4), ("school", 2.75, 0, 4)]
    assert by_code["needs"]["ranking"][0]["score"] == pytest.approx((3 - 1.25) / 2)


def test_median_of_odd_even_and_empty_lists():
    assert results.median([1.0, 2.0, 9.0]) == 2.0
    assert results.median([1.0, 2.0, 3.0, 9.0]) == 2.5
    assert results.median([]) is None


async def test_crosstab_splits_each_question_by_neighbourhood(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    for answers in FOUR_ANSWERS:
        await respond(survey, {k: v for k, v in answers.items() if v != ""})
    questions = await surveys.list_questions(survey["id"])
    rw = next(q for q in questions if q["code"] == "rw")
    found, _by_code = await _results(survey, cross_by=rw["id"])
    crosstab = found["crosstab"]
    assert [(g["value"], g["size"], g["shown"]) for g in crosstab["groups"]] == [("rw01", 2, True), ("rw02", 2, True), ("rw03", 0, True)]
    tables = {t["question"]["code"]: t for t in crosstab["tables"]}
    assert "rw" not in tables and "note" not in tables
    clean_means = [cell["mean"] for cell in tables["clean"]["rows"][0]["cells"]]
    assert clean_means == [pytest.approx(4.5), pytest.approx(3.0), None]
    elderly = tables["helps"]["rows"][0]["cells"]
    assert (elderly[0]["count"], elderly[0]["share"]) == (2, 1.0) and elderly[1]["count"] == 0
    water = next(row for row in tables["needs"]["rows"] if row["label"] == "Water")
    assert [cell["mean_rank"] for cell in water["cells"]] == [1.0, 1.5, None]


async def test_anonymous_crosstab_hides_groups_under_five(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    for _ in range(6):
        await respond(survey, {"rw": "rw01", "clean": 4})
    for _ in range(2):
        await respond(survey, {"rw": "rw02", "clean": 1})
    rw = next(q for q in await surveys.list_questions(survey["id"]) if q["code"] == "rw")
    found, _by_code = await _results(survey, cross_by=rw["id"])
    groups = {g["value"]: g for g in found["crosstab"]["groups"]}
    assert groups["rw01"]["shown"] and groups["rw01"]["size"] == 6
    assert not groups["rw02"]["shown"] and groups["rw02"]["size"] is None
    clean = next(t for t in found["crosstab"]["tables"] if t["question"]["code"] == "clean")
    assert clean["rows"][0]["cells"][0]["mean"] == 4.0 and clean["rows"][0]["cells"][1] is None


async def test_anonymous_filtered_result_under_five_is_hidden_but_whole_survey_is_shown(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    now = datetime.now(timezone.utc)
    for days in (20, 20, 20, 1, 1):
        await respond(survey, {"rw": "rw01", "clean": 3}, at=now - timedelta(days=days))
    found, by_code = await _results(survey)
    assert not found["hidden"] and found["total"] == 5
    recent, _ = await _results(survey, date_from=(now - timedelta(days=3)).date())
    assert recent["hidden"] and recent["questions"] == [] and recent["total"] == 2
    named = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    await respond(named, {"rw": "rw01", "clean": 3}, at=now - timedelta(days=1))
    shown, _ = await _results(named, date_from=(now - timedelta(days=3)).date())
    assert not shown["hidden"] and shown["total"] == 1


async def test_date_and_program_filters_narrow_the_responses(organizer):
    first, second = await make_program(slug="satu"), await make_program(slug="dua")
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    now = datetime.now(timezone.utc)
    await respond(survey, {"clean": 5}, at=now - timedelta(days=10), program_id=first.id)
    await respond(survey, {"clean": 1}, at=now - timedelta(days=1), program_id=second.id)
    await respond(survey, {"clean": 3}, at=now - timedelta(days=1), program_id=first.id)
    found, by_code = await _results(survey, date_to=(now - timedelta(days=5)).date())
    assert found["total"] == 1 and by_code["clean"]["mean"] == 5.0
    found, by_code = await _results(survey, program_id=first.id)
    assert found["total"] == 2 and by_code["clean"]["mean"] == 4.0
    assert [title for _id, title in await results.response_programs(survey["id"])] == sorted([first.title, second.title])


async def test_prepost_pairs_people_by_participant_and_code(organizer):
    program = await make_program(slug="parenting")
    scales = [{"code": "calm", "kind": "likert", "text": "Tenang"}, {"code": "life", "kind": "rating", "text": "Puas"}]
    pre = await make_survey(organizer, purpose="pre", anonymous=False, program=program.id, questions=scales + [{"code": "hopes", "kind": "short_text"}])
    post = await make_survey(organizer, purpose="post", anonymous=False, program=program.id, questions=scales + [{"code": "extra", "kind": "likert"}])
    a, b, c, d = [await make_person(name) for name in ("Ani", "Budi", "Citra", "Dewi")]
    start = datetime.now(timezone.utc) - timedelta(days=60)
    await respond(pre, {"calm": 2, "life": 5}, participant_id=a, at=start)
    await respond(pre, {"calm": 1, "life": 6}, participant_id=b, at=start)
    await respond(pre, {"calm": 3, "life": 6}, participant_id=b, at=start + timedelta(hours=2))  # answered again: the latest counts
    await respond(pre, {"calm": 4, "life": 9}, participant_id=c, at=start)
    await respond(post, {"calm": 4, "life": 7}, participant_id=a, at=start + timedelta(days=50))
    await respond(post, {"calm": 3, "life": 5}, participant_id=b, at=start + timedelta(days=50))
    await respond(post, {"calm": 5, "life": 10}, participant_id=d, at=start + timedelta(days=50))
    await respond(post, {"calm": 5, "life": 10}, at=start + timedelta(days=50))  # typed in without a name: unpaired
    comparison = await results.prepost_comparison(pre, post, await surveys.list_questions(pre["id"]), await surveys.list_questions(post["id"]))
    assert (comparison["paired"], comparison["pre_count"], comparison["post_count"]) == (2, 3, 3)
    items = {item["code"]: item for item in comparison["rows"]}
    assert set(items) == {"calm", "life"}
    calm = items["calm"]
    assert (calm["n"], calm["before"], calm["after"], calm["change"]) == (2, 2.5, 3.5, 1.0)
    assert (calm["improved"], calm["unchanged"], calm["worse"]) == (0.5, 0.5, 0.0)
    life = items["life"]
    assert (life["n"], life["before"], life["after"], life["change"]) == (2, 5.5, 6.0, 0.5)
    assert (life["improved"], life["unchanged"], life["worse"]) == (0.5, 0.0, 0.5)
    assert calm["scale_max"] == 5.0 and life["scale_max"] == 10.0


async def test_csv_of_anonymous_survey_has_no_names_and_defuses_formulas(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    person = await make_person("Siti Rahasia")
    await surveys.submit_response(survey, [], submission_key="x1", participant_id=person)
    await respond(survey, {"rw": "rw01", "helps": ["elderly", "kids"], "needs": {"health": 1, "school": 2, "water": 3}, "people": 4, "note": "=HYPERLINK(\"http://x\")"})
    text = await results.responses_csv(survey, await surveys.list_questions(survey["id"]), "Asia/Jakarta")
    assert "Siti" not in text and "participant" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:4] == ["response", "submitted", "language", "entered_from_paper"]
    last = rows[-1]
    assert (last["rw"], last["helps"], last["needs"], last["people"]) == ("rw01", "elderly;kids", "health>school>water", "4")
    assert last["note"].startswith("'=")
    assert len(last["submitted"]) == 10  # a date only


async def test_csv_of_named_survey_names_the_participant_and_codebook_explains_columns(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    person = await make_person("Sari")
    await respond(survey, {"rw": "rw02", "clean": 4}, participant_id=person)
    questions = await surveys.list_questions(survey["id"])
    rows = list(csv.DictReader(io.StringIO(await results.responses_csv(survey, questions, "Asia/Jakarta"))))
    assert rows[0]["participant"] == "Sari" and rows[0]["clean"] == "4" and rows[0]["program"] == ""
    codebook = list(csv.DictReader(io.StringIO(results.codebook_csv(survey, questions))))
    by_column = {row["column"]: row for row in codebook}
    assert "rw01 = RW 01" in by_column["rw"]["values"]
    assert by_column["clean"]["values"].startswith("1 = Strongly disagree")
    assert by_column["needs"]["type"] == "ranking" and set(by_column) >= {"response", "participant", "note", "people"}
