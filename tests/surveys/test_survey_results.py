"""Results with known answer sets: counts, shares, mean and median, priority order, cross-tab, small groups,
pre/post pairs, CSV."""

import csv
import io
import string
from datetime import UTC, datetime, timedelta

import pytest
from factories import make_program
from survey_helpers import NEEDS_QUESTIONS, make_person, make_survey, respond

from server.errors import DomainError
from server.surveys import results
from server.surveys import services as surveys
from server.surveys.services import answering
from server.surveys.tables import Response

FOUR_ANSWERS = [
    {
        "rw": "rw01",
        "clean": 5,
        "helps": ["elderly"],
        "score": 8,
        "people": 4,
        "needs": {"water": 1, "health": 2, "school": 3},
        "note": "Sumur kering",
    },
    {
        "rw": "rw01",
        "clean": 4,
        "helps": ["elderly", "kids"],
        "score": 6,
        "people": 6,
        "needs": {"water": 1, "school": 2, "health": 3},
    },
    {"rw": "rw02", "clean": 2, "score": 3, "people": 2, "needs": {"health": 1, "water": 2, "school": 3}},
    {"rw": "rw02", "clean": 4, "score": 7, "people": 5, "needs": {"water": 1, "health": 2, "school": 3}, "note": ""},
]


async def _results(survey, min_group=1, **filters):
    """Results with the small-group limit off (1) unless a test sets it: most tests check the arithmetic."""
    questions = await surveys.list_questions(survey["id"])
    found = await results.survey_results(survey, questions, results.Filters(**filters), min_group)
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
    assert (
        by_code["people"]["mean"],
        by_code["people"]["median"],
        by_code["people"]["low"],
        by_code["people"]["high"],
    ) == (pytest.approx(4.25), 4.5, 2.0, 6.0)
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
    assert [(g["value"], g["size"], g["shown"]) for g in crosstab["groups"]] == [
        ("rw01", 2, True),
        ("rw02", 2, True),
        ("rw03", 0, True),
    ]
    tables = {t["question"]["code"]: t for t in crosstab["tables"]}
    assert "rw" not in tables and "note" not in tables
    clean_means = [cell["mean"] for cell in tables["clean"]["rows"][0]["cells"]]
    assert clean_means == [pytest.approx(4.5), pytest.approx(3.0), None]
    elderly = tables["helps"]["rows"][0]["cells"]
    assert (elderly[0]["count"], elderly[0]["share"]) == (2, 1.0) and elderly[1]["count"] == 0
    water = next(row for row in tables["needs"]["rows"] if row["label"] == "Water")
    assert [cell["mean_rank"] for cell in water["cells"]] == [1.0, 1.5, None]


async def test_crosstab_hides_small_groups_and_the_next_smallest_against_subtraction(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    for rw, clean, times in (("rw01", 4, 6), ("rw02", 1, 2), ("rw03", 5, 7)):
        for _ in range(times):
            await respond(survey, {"rw": rw, "clean": clean})
    rw = next(q for q in await surveys.list_questions(survey["id"]) if q["code"] == "rw")
    found, _by_code = await _results(survey, min_group=5, cross_by=rw["id"])
    groups = {g["value"]: g for g in found["crosstab"]["groups"]}
    # rw02 (2 people) is too small; the whole survey's mean minus rw01 and rw03 would give it back, so the
    # next-smallest group (rw01, 6 people) is hidden too.
    assert (groups["rw02"]["shown"], groups["rw02"]["size"], groups["rw02"]["small"]) == (False, None, True)
    assert (groups["rw01"]["shown"], groups["rw01"]["size"], groups["rw01"]["small"]) == (False, None, False)
    assert groups["rw03"]["shown"] and groups["rw03"]["size"] == 7
    clean = next(t for t in found["crosstab"]["tables"] if t["question"]["code"] == "clean")
    assert [cell and cell["mean"] for cell in clean["rows"][0]["cells"]] == [None, None, 5.0]


async def test_crosstab_counts_people_who_skipped_the_compared_question_as_a_group(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    for _ in range(6):
        await respond(survey, {"rw": "rw01", "clean": 4})
    for _ in range(6):
        await respond(survey, {"rw": "rw02", "clean": 2})
    for _ in range(2):
        await respond(survey, {"clean": 1})  # skipped the neighbourhood: whole minus the columns would show them
    rw = next(q for q in await surveys.list_questions(survey["id"]) if q["code"] == "rw")
    found, _by_code = await _results(survey, min_group=5, cross_by=rw["id"])
    groups = [(g["value"], g["shown"]) for g in found["crosstab"]["groups"]]
    assert groups == [("rw01", False), ("rw02", True), ("rw03", True), (None, False)]
    clean = next(t for t in found["crosstab"]["tables"] if t["question"]["code"] == "clean")
    assert [cell and cell["mean"] for cell in clean["rows"][0]["cells"]] == [None, 2.0, None, None]


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ({"a": 10, "b": 8, "c": 7}, set()),  # nothing small
        ({"a": 10, "b": 2, "c": 7}, {"b", "c"}),  # one small group: the next-smallest goes with it
        ({"a": 10, "b": 2, "c": 3, "d": 9}, {"b", "c"}),  # two small ones together reach 5: enough
        ({"a": 10, "b": 1, "c": 2, "d": 6}, {"b", "c", "d"}),  # together 3: add the next-smallest
        ({"a": 10, "b": 0, "c": 7}, set()),  # an empty group reveals nothing
        ({"a": 4}, {"a"}),  # everything small: everything hidden
        ({"a": 3, "b": 3}, {"a", "b"}),
        ({None: 2, "a": 9, "b": 9}, {None, "a"}),  # the "no answer" group counts like any other; ties keep order
    ],
)
def test_suppressed_groups_leave_no_small_group_to_subtract(sizes, hidden):
    found = results.suppressed_groups(sizes, 5)
    assert found == hidden
    hidden_total = sum(sizes[key] for key in found)
    # Whatever the total minus the shown groups gives is empty, or a group big enough (or everything, which the
    # page then hides as a whole).
    assert hidden_total == 0 or hidden_total >= 5 or found == set(sizes)


def test_suppressed_groups_start_from_groups_already_hidden():
    # A question asked only in some columns: column b is hidden already (as a whole group); here it holds 1 answer.
    assert results.suppressed_groups({"a": 9, "b": 1, "c": 6}, 5, already={"b"}) == {"b", "c"}
    assert results.suppressed_groups({"a": 9, "b": 0, "c": 6}, 5, already={"b"}) == {"b"}


async def test_whole_survey_under_the_limit_shows_nothing_named_or_anonymous(organizer):
    for anonymous in (True, False):
        survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=anonymous)
        for answers in FOUR_ANSWERS:
            await respond(survey, {k: v for k, v in answers.items() if v != ""})
        found, _ = await _results(survey, min_group=5)
        assert found["hidden"] == "too_few" and found["questions"] == [] and found["crosstab"] is None
        shown, _ = await _results(survey, min_group=4)
        assert shown["hidden"] is None and len(shown["questions"]) == len(NEEDS_QUESTIONS)


async def test_question_answered_by_too_few_is_hidden(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    for n in range(6):
        await respond(survey, {"rw": "rw01", "clean": 3, **({"note": f"Rahasia {n}"} if n < 2 else {})})
    _found, by_code = await _results(survey, min_group=5)
    assert by_code["note"]["hidden"] and by_code["note"]["texts"] == [] and by_code["note"]["answered"] is None
    assert not by_code["clean"]["hidden"] and by_code["clean"]["mean"] == 3.0


async def test_filtered_result_under_the_limit_or_leaving_out_a_small_rest_is_hidden(organizer):
    now = datetime.now(UTC)
    for anonymous in (True, False):
        survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=anonymous)
        for days in (20, 20, 20, 20, 20, 20, 1, 1):
            await respond(survey, {"rw": "rw01", "clean": 3}, at=now - timedelta(days=days))
        whole, _ = await _results(survey, min_group=5)
        assert whole["hidden"] is None and whole["total"] == 8
        recent, _ = await _results(survey, min_group=5, date_from=(now - timedelta(days=3)).date())
        assert recent["hidden"] == "too_few" and recent["questions"] == []
        # Six older responses would be a big enough group, but the whole survey minus them is the two recent ones.
        older, _ = await _results(survey, min_group=5, date_to=(now - timedelta(days=3)).date())
        assert older["hidden"] == "small_rest" and older["questions"] == []


async def test_date_and_program_filters_narrow_the_responses(organizer):
    first, second = await make_program(slug="satu"), await make_program(slug="dua")
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    now = datetime.now(UTC)
    await respond(survey, {"clean": 5}, at=now - timedelta(days=10), program_id=first.id)
    await respond(survey, {"clean": 1}, at=now - timedelta(days=1), program_id=second.id)
    await respond(survey, {"clean": 3}, at=now - timedelta(days=1), program_id=first.id)
    found, by_code = await _results(survey, date_to=(now - timedelta(days=5)).date())
    assert found["total"] == 1 and by_code["clean"]["mean"] == 5.0
    found, by_code = await _results(survey, program_id=first.id)
    assert found["total"] == 2 and by_code["clean"]["mean"] == 4.0
    assert [title for _id, title in await results.response_programs(survey["id"])] == sorted(
        [first.title, second.title]
    )


async def test_prepost_pairs_people_by_participant_and_code(organizer):
    program = await make_program(slug="parenting")
    scales = [{"code": "calm", "kind": "likert", "text": "Tenang"}, {"code": "life", "kind": "rating", "text": "Puas"}]
    pre = await make_survey(
        organizer,
        purpose="pre",
        anonymous=False,
        program=program.id,
        questions=[*scales, {"code": "hopes", "kind": "short_text"}],
    )
    post = await make_survey(
        organizer,
        purpose="post",
        anonymous=False,
        program=program.id,
        questions=[*scales, {"code": "extra", "kind": "likert"}],
    )
    a, b, c, d = [await make_person(name) for name in ("Ani", "Budi", "Citra", "Dewi")]
    start = datetime.now(UTC) - timedelta(days=60)
    await respond(pre, {"calm": 2, "life": 5}, participant_id=a, at=start)
    await respond(pre, {"calm": 1, "life": 6}, participant_id=b, at=start)
    await respond(
        pre, {"calm": 3, "life": 6}, participant_id=b, at=start + timedelta(hours=2)
    )  # answered again: the latest counts
    await respond(pre, {"calm": 4, "life": 9}, participant_id=c, at=start)
    await respond(post, {"calm": 4, "life": 7}, participant_id=a, at=start + timedelta(days=50))
    await respond(post, {"calm": 3, "life": 5}, participant_id=b, at=start + timedelta(days=50))
    await respond(post, {"calm": 5, "life": 10}, participant_id=d, at=start + timedelta(days=50))
    await respond(post, {"calm": 5, "life": 10}, at=start + timedelta(days=50))  # typed in without a name: unpaired
    comparison = await results.prepost_comparison(
        pre, post, await surveys.list_questions(pre["id"]), await surveys.list_questions(post["id"]), 1
    )
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


async def test_prepost_rows_of_too_few_pairs_or_a_small_unpaired_rest_are_hidden(organizer):
    program = await make_program(slug="parenting")
    scales = [{"code": "calm", "kind": "likert", "text": "Tenang"}]
    pre = await make_survey(organizer, purpose="pre", anonymous=False, program=program.id, questions=scales)
    post = await make_survey(organizer, purpose="post", anonymous=False, program=program.id, questions=scales)
    people = [await make_person(f"P{n}") for n in range(7)]
    for person in people[:5]:
        await respond(pre, {"calm": 2}, participant_id=person)
        await respond(post, {"calm": 4}, participant_id=person)
    questions = (await surveys.list_questions(pre["id"]), await surveys.list_questions(post["id"]))
    shown = await results.prepost_comparison(pre, post, *questions, 5)
    assert shown["rows"][0]["n"] == 5 and shown["rows"][0]["change"] == 2.0 and not shown["rows"][0]["hidden"]
    # Two more people answered only before: the before survey's own mean minus the paired mean would show theirs.
    for person in people[5:]:
        await respond(pre, {"calm": 1}, participant_id=person)
    hidden = await results.prepost_comparison(pre, post, *questions, 5)
    row = hidden["rows"][0]
    assert row["hidden"] and (row["n"], row["before"], row["after"], row["change"]) == (None, None, None, None)
    assert hidden["shown_rows"] == []
    few = await results.prepost_comparison(pre, post, *questions, 6)
    assert few["rows"][0]["hidden"]  # five pairs are fewer than six


async def test_csv_of_anonymous_survey_is_in_no_order_of_submission_and_has_no_serial_number(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    for n in range(8):
        await respond(survey, {"rw": "rw01", "people": n + 1})
    text = await results.responses_csv(survey, await surveys.list_questions(survey["id"]), "Asia/Jakarta", 5)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    public_ids = [row["response"] for row in rows]
    assert public_ids == sorted(public_ids) and len(set(public_ids)) == 8
    assert all(len(value) == 16 and value[0].isalpha() for value in public_ids)
    stored = {row["public_id"] for row in await Response.select(Response.public_id).run()}
    assert set(public_ids) == stored


async def test_csv_export_is_refused_under_the_limit(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    for answers in FOUR_ANSWERS:
        await respond(survey, {"rw": answers["rw"]})
    with pytest.raises(DomainError) as error:
        await results.responses_csv(survey, await surveys.list_questions(survey["id"]), "Asia/Jakarta", 5)
    assert error.value.code == "too_few_responses"


async def test_csv_of_anonymous_survey_has_no_names_and_defuses_formulas(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    person = await make_person("Siti Rahasia")
    await surveys.submit_response(survey, [], submission_key="x1", participant_id=person)
    await respond(
        survey,
        {
            "rw": "rw01",
            "helps": ["elderly", "kids"],
            "needs": {"health": 1, "school": 2, "water": 3},
            "people": 4,
            "note": '=HYPERLINK("http://x")',
        },
    )
    text = await results.responses_csv(survey, await surveys.list_questions(survey["id"]), "Asia/Jakarta", 1)
    assert "Siti" not in text and "participant" not in text
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0])[:4] == ["response", "submitted", "language", "entered_from_paper"]
    last = next(row for row in rows if row["rw"])
    assert (last["rw"], last["helps"], last["needs"], last["people"]) == (
        "rw01",
        "elderly;kids",
        "health>school>water",
        "4",
    )
    assert last["note"].startswith("'=")
    assert len(last["submitted"]) == 10  # a date only


async def test_csv_of_named_survey_names_the_participant_and_codebook_explains_columns(organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    person = await make_person("Sari")
    await respond(survey, {"rw": "rw02", "clean": 4}, participant_id=person)
    questions = await surveys.list_questions(survey["id"])
    text = await results.responses_csv(survey, questions, "Asia/Jakarta", 1)
    assert text.startswith("\ufeff")  # the one CSV writer: a BOM so that spreadsheets read accented names right
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0]["participant"] == "Sari" and rows[0]["clean"] == "4" and rows[0]["program"] == ""
    codebook = list(csv.DictReader(io.StringIO(results.codebook_csv(survey, questions).removeprefix("\ufeff"))))
    by_column = {row["column"]: row for row in codebook}
    assert "rw01 = RW 01" in by_column["rw"]["values"]
    assert by_column["clean"]["values"].startswith("1 = Strongly disagree")
    assert by_column["needs"]["type"] == "ranking" and set(by_column) >= {"response", "participant", "note", "people"}


def test_public_ids_are_never_read_as_numbers_by_a_spreadsheet():
    made = [answering.new_public_id() for _ in range(2000)]
    assert len(set(made)) == len(made)
    for value in made:
        assert len(value) == 16 and value[0] in string.ascii_lowercase
        assert all(char in string.ascii_lowercase + string.digits for char in value)
