"""Survey results: counts, shares and averages per question, and the filters that choose the responses. Cross-tabs
(crosstab.py), pre/post comparison (prepost.py) and the CSV export (export.py) follow the same rule, stated here.

Small groups (named and anonymous surveys alike; the limit is settings.min_group_size, quoted to respondents by
services.privacy_statement): a *group* is any set of responses that a page or export describes on its own —
the responses a page shows (the whole survey or the filtered part), the people who answered one question (a
conditional question is asked only of some), each column of a cross-tab (the people who gave one answer to the
compared question, and those who skipped it), and the people paired in a pre/post comparison. Figures about a
group of 1 to min_group_size - 1 responses are not shown at all: no count, share, mean, median, chart or written
answer. Counts of each answer *within* a shown group are shown (they describe the group, not a subgroup). And
because the whole is shown too, a hidden group must not be recoverable by subtraction: suppressed_groups()
(small_groups.py) hides further groups until the hidden ones together are empty or at least min_group_size
(complementary suppression); a filtered page is hidden when the responses it leaves out are such a small group; a
pre/post row is hidden when the answers it leaves out of either survey's own results are.

Counts, shares, means and ranking positions are computed in SQL with GROUP BY on the answers, so a results page
runs the same handful of queries whatever the number of responses. Medians are the exception: SQLite has no
median or percentile function, so the sorted values of the scale and number questions are read in one query
and the middle taken in Python. What each question kind shows is its own summarise() (kinds/).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from piccolo.custom_types import Combinable
from piccolo.query.functions.aggregate import Avg, Count

from server.surveys.crosstab import NO_ANSWER, crosstab
from server.surveys.export import codebook_csv, column_names, responses_csv
from server.surveys.kinds import ResultData, kind_of, median
from server.surveys.prepost import comparable_codes, prepost_comparison
from server.surveys.services.questionnaires import day_start
from server.surveys.small_groups import SMALL_GROUP, min_group_size, suppressed_groups, too_small
from server.surveys.tables import Answer, Response

TEXT_LIMIT = 2000

__all__ = [
    "NO_ANSWER",
    "SMALL_GROUP",
    "TEXT_LIMIT",
    "Filters",
    "codebook_csv",
    "column_names",
    "comparable_codes",
    "median",
    "min_group_size",
    "prepost_comparison",
    "response_programs",
    "responses_csv",
    "suppressed_groups",
    "survey_results",
    "too_small",
]


@dataclass
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    program_id: int | None = None
    cross_by: int | None = None

    @property
    def narrowed(self) -> bool:
        return bool(self.date_from or self.date_to or self.program_id)


def _condition(survey_id: int, filters: Filters) -> Combinable:
    condition: Combinable = Response.survey == survey_id
    if filters.date_from:
        condition = condition & (Response.submitted_at >= day_start(filters.date_from))
    if filters.date_to:
        condition = condition & (Response.submitted_at < day_start(filters.date_to + timedelta(days=1)))
    if filters.program_id:
        condition = condition & (Response.program == filters.program_id)
    return condition


async def survey_results(
    survey: dict[str, Any], questions: list[dict[str, Any]], filters: Filters, min_group: int | None = None
) -> dict[str, Any]:
    """Results of the responses the filters select. `hidden` says why nothing is shown: "too_few" responses, or
    the filters leave out a "small_rest" that the whole survey's results minus these would reveal."""
    minimum = min_group_size(min_group)
    # A note is shown to respondents, never answered: it has no results.
    questions = [question for question in questions if kind_of(question["kind"]).answerable]
    condition = _condition(survey["id"], filters)
    total = await Response.count().where(condition).run()
    result: dict[str, Any] = {"total": total, "hidden": None, "minimum": minimum, "questions": [], "crosstab": None}
    if too_small(total, minimum):
        result["hidden"] = "too_few"
        return result
    if filters.narrowed:
        whole = await Response.count().where(Response.survey == survey["id"]).run()
        if too_small(whole - total, minimum):
            result["hidden"] = "small_rest"
            return result
    responses = Response.select(Response.id).where(condition)
    kinds = {q["id"]: kind_of(q["kind"]) for q in questions}
    grouped_ids = [qid for qid, kind in kinds.items() if kind.counted]
    numeric_ids = [qid for qid, kind in kinds.items() if kind.numeric]
    text_ids = [qid for qid, kind in kinds.items() if kind.free_text]

    answered_rows = (
        await Answer.select(Answer.question, Count(distinct=[Answer.response], alias="n"))
        .where(Answer.response.is_in(responses))
        .group_by(Answer.question)
        .run()
    )
    answered = {row["question"]: row["n"] for row in answered_rows}
    data = ResultData(minimum=minimum)
    for row in (
        await Answer.select(Answer.question, Answer.value_text, Answer.value_number, Count(alias="n"))
        .where(Answer.response.is_in(responses) & Answer.question.is_in(grouped_ids or [-1]))
        .group_by(Answer.question, Answer.value_text, Answer.value_number)
        .run()
    ):
        number = None if row["value_number"] is None else float(row["value_number"])
        data.counts[(row["question"], row["value_text"], number)] = row["n"]
    data.means = {
        row["question"]: row["mean"]
        for row in await Answer.select(Answer.question, Avg(Answer.value_number, alias="mean"))
        .where(
            Answer.response.is_in(responses)
            & Answer.question.is_in(numeric_ids or [-1])
            & Answer.value_number.is_not_null()
        )
        .group_by(Answer.question)
        .run()
    }
    sorted_values: dict[int, list[float]] = defaultdict(list)
    for row in (
        await Answer.select(Answer.question, Answer.value_number)
        .where(
            Answer.response.is_in(responses)
            & Answer.question.is_in(numeric_ids or [-1])
            & Answer.value_number.is_not_null()
        )
        .order_by(Answer.question)
        .order_by(Answer.value_number)
        .run()
    ):
        sorted_values[row["question"]].append(float(row["value_number"]))
    texts: dict[int, list[str]] = defaultdict(list)
    for row in (
        await Answer.select(Answer.question, Answer.value_text)
        .where(Answer.response.is_in(responses) & Answer.question.is_in(text_ids or [-1]) & (Answer.value_text != ""))
        # In alphabetical order: the order of submission can be matched with who answered when.
        .order_by(Answer.value_text)
        .limit(TEXT_LIMIT)
        .run()
    ):
        texts[row["question"]].append(row["value_text"])
    data.sorted_values, data.texts = sorted_values, texts

    for question in questions:
        count = answered.get(question["id"], 0)
        if too_small(count, minimum):
            # Only some people were asked (a conditional question) or answered: too few to show anything.
            result["questions"].append(
                {"question": question, "answered": None, "hidden": True, "rows": [], "ranking": [], "texts": []}
            )
            continue
        result["questions"].append(_question_result(question, count, data))
    if filters.cross_by:
        by = next((q for q in questions if q["id"] == filters.cross_by and kinds[q["id"]].partitions), None)
        if by is not None:
            shown = [item["question"] for item in result["questions"] if not item.get("hidden")]
            result["crosstab"] = await crosstab(shown, by, responses, total, minimum)
    return result


def _question_result(question: dict[str, Any], answered: int, data: ResultData) -> dict[str, Any]:
    item: dict[str, Any] = {
        "question": question,
        "answered": answered,
        "hidden": False,
        "rows": [],
        "ranking": [],
        "texts": data.texts.get(question["id"], []),
    }
    kind_of(question["kind"]).summarise(item, question, answered, data)
    return item


async def response_programs(survey_id: int) -> list[tuple[int, str]]:
    """Programs named on a survey's responses, for the filter of a survey that is not tied to one program."""
    rows = (
        await Response.select(Response.program, Response.program.title.as_alias("title"))
        .where((Response.survey == survey_id) & Response.program.is_not_null())
        .distinct()
        .run()
    )
    return sorted(((row["program"], row["title"]) for row in rows), key=lambda pair: pair[1])
