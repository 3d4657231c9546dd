"""Survey results: counts, shares and averages per question, cross-tabs, small-group privacy, pre/post comparison and CSV export.

Small groups (named and anonymous surveys alike; the limit is settings.min_group_size, quoted to respondents by
services.privacy_statement): a *group* is any set of responses that a page or export describes on its own —
the responses a page shows (the whole survey or the filtered part), the people who answered one question (a
conditional question is asked only of some), each column of a cross-tab (the people who gave one answer to the
compared question, and those who skipped it), and the people paired in a pre/post comparison. Figures about a
group of 1 to min_group_size - 1 responses are not shown at all: no count, share, mean, median, chart or written
answer. Counts of each answer *within* a shown group are shown (they describe the group, not a subgroup). And
because the whole is shown too, a hidden group must not be recoverable by subtraction: suppressed_groups() hides
further groups until the hidden ones together are empty or at least min_group_size (complementary suppression);
a filtered page is hidden when the responses it leaves out are such a small group; a pre/post row is hidden when
the answers it leaves out of either survey's own results are.

Counts, shares, means and ranking positions are computed in SQL with GROUP BY on the answers, so a results page
runs the same handful of queries whatever the number of responses. Medians are the exception: SQLite has no
median or percentile function, so the sorted values of the scale and number questions are read in one query
and the middle taken in Python.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Hashable, Iterable, Mapping, TypeVar

from piccolo.query.functions.aggregate import Avg, Count

from server.config import settings
from server.errors import DomainError
from server.i18n import N_, format_date, format_datetime
from server.i18n import gettext as _
from server.surveys.services import CHOICE_KINDS, NUMERIC_KINDS, TEXT_KINDS, day_start
from server.surveys.tables import Answer, Response

# Kept for callers outside this feature; read min_group_size() instead, which follows the setting.
SMALL_GROUP = settings.min_group_size
TEXT_LIMIT = 2000
# Key of the cross-tab column of people who skipped the compared question.
NO_ANSWER = None

Key = TypeVar("Key", bound=Hashable)


def min_group_size(value: int | None = None) -> int:
    """The configured smallest group whose results may be shown (an app passes its own settings' value)."""
    return settings.min_group_size if value is None else value


def suppressed_groups(sizes: Mapping[Key, int], minimum: int, already: Iterable[Key] = ()) -> set[Key]:
    """The groups of a partition whose figures must be hidden, when the total over all groups is shown too.

    Every group of 1 to minimum - 1 is hidden (and the ones in `already`). Then, as long as the hidden groups
    together hold 1 to minimum - 1 members — so that the total minus the shown groups would reveal them — the
    smallest shown group is hidden as well. Empty groups are never hidden: there is nothing in them to reveal.
    """
    hidden = {key for key in already if key in sizes} | {key for key, size in sizes.items() if 0 < size < minimum}
    hidden_total = sum(sizes[key] for key in hidden)
    candidates = sorted((key for key, size in sizes.items() if key not in hidden and size > 0), key=lambda key: sizes[key])
    while 0 < hidden_total < minimum and candidates:
        key = candidates.pop(0)
        hidden.add(key)
        hidden_total += sizes[key]
    return hidden


def too_small(size: int, minimum: int) -> bool:
    return 0 < size < minimum


@dataclass
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    program_id: int | None = None
    cross_by: int | None = None

    @property
    def narrowed(self) -> bool:
        return bool(self.date_from or self.date_to or self.program_id)


def _condition(survey_id: int, filters: Filters) -> Any:
    condition = Response.survey == survey_id
    if filters.date_from:
        condition = condition & (Response.submitted_at >= day_start(filters.date_from))
    if filters.date_to:
        condition = condition & (Response.submitted_at < day_start(filters.date_to + timedelta(days=1)))
    if filters.program_id:
        condition = condition & (Response.program == filters.program_id)
    return condition


def median(values: list[float]) -> float | None:
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _key(number: float | None) -> float | None:
    return None if number is None else float(number)


async def survey_results(survey: dict[str, Any], questions: list[dict[str, Any]], filters: Filters, min_group: int | None = None) -> dict[str, Any]:
    """Results of the responses the filters select. `hidden` says why nothing is shown: "too_few" responses, or
    the filters leave out a "small_rest" that the whole survey's results minus these would reveal."""
    minimum = min_group_size(min_group)
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
    grouped_ids = [q["id"] for q in questions if q["kind"] in CHOICE_KINDS or q["kind"] in ("likert", "rating")]
    numeric_ids = [q["id"] for q in questions if q["kind"] in NUMERIC_KINDS]
    text_ids = [q["id"] for q in questions if q["kind"] in TEXT_KINDS]

    answered_rows = (
        await Answer.select(Answer.question, Count(distinct=[Answer.response], alias="n"))
        .where(Answer.response.is_in(responses))
        .group_by(Answer.question)
        .run()
    )
    answered = {row["question"]: row["n"] for row in answered_rows}
    counts: dict[tuple[int, str, float | None], int] = {}
    for row in (
        await Answer.select(Answer.question, Answer.value_text, Answer.value_number, Count(alias="n"))
        .where(Answer.response.is_in(responses) & Answer.question.is_in(grouped_ids or [-1]))
        .group_by(Answer.question, Answer.value_text, Answer.value_number)
        .run()
    ):
        counts[(row["question"], row["value_text"], _key(row["value_number"]))] = row["n"]
    means = {
        row["question"]: row["mean"]
        for row in await Answer.select(Answer.question, Avg(Answer.value_number, alias="mean"))
        .where(Answer.response.is_in(responses) & Answer.question.is_in(numeric_ids or [-1]) & Answer.value_number.is_not_null())
        .group_by(Answer.question)
        .run()
    }
    sorted_values: dict[int, list[float]] = defaultdict(list)
    for row in (
        await Answer.select(Answer.question, Answer.value_number)
        .where(Answer.response.is_in(responses) & Answer.question.is_in(numeric_ids or [-1]) & Answer.value_number.is_not_null())
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

    for question in questions:
        count = answered.get(question["id"], 0)
        if too_small(count, minimum):
            # Only some people were asked (a conditional question) or answered: too few to show anything.
            result["questions"].append({"question": question, "answered": None, "hidden": True, "rows": [], "ranking": [], "texts": []})
            continue
        result["questions"].append(_question_result(question, count, counts, means, sorted_values, texts))
    if filters.cross_by:
        by = next((q for q in questions if q["id"] == filters.cross_by and q["kind"] == "single"), None)
        if by is not None:
            shown = [item["question"] for item in result["questions"] if not item.get("hidden")]
            result["crosstab"] = await _crosstab(shown, by, responses, total, minimum)
    return result


def _question_result(
    question: dict[str, Any],
    answered: int,
    counts: dict[tuple[int, str, float | None], int],
    means: dict[int, float],
    sorted_values: dict[int, list[float]],
    texts: dict[int, list[str]],
) -> dict[str, Any]:
    qid, kind = question["id"], question["kind"]
    item: dict[str, Any] = {"question": question, "answered": answered, "hidden": False, "rows": [], "ranking": [], "texts": texts.get(qid, [])}
    if kind in ("single", "multiple"):
        for value, label in question["choices"]:
            count = counts.get((qid, value, None), 0)
            item["rows"].append({"value": value, "label": label, "count": count, "share": count / answered if answered else 0.0})
    elif kind in ("likert", "rating"):
        for value, label in question["choices"]:
            count = counts.get((qid, "", float(value)), 0)
            item["rows"].append({"value": value, "label": label, "count": count, "share": count / answered if answered else 0.0})
    elif kind == "ranking":
        places = len(question["choices"])
        for value, label in question["choices"]:
            by_rank = {rank: n for (q, text, rank), n in counts.items() if q == qid and text == value and rank is not None}
            ranked = sum(by_rank.values())
            mean_rank = sum(rank * n for rank, n in by_rank.items()) / ranked if ranked else None
            item["ranking"].append(
                {
                    "value": value,
                    "label": label,
                    "mean_rank": mean_rank,
                    "first": by_rank.get(1.0, 0),
                    "count": ranked,
                    # For the chart: 1 for an option everyone put first, 0 for one everyone put last.
                    "score": (places - mean_rank) / (places - 1) if mean_rank is not None and places > 1 else 0.0,
                }
            )
        item["ranking"].sort(key=lambda row: (row["mean_rank"] is None, row["mean_rank"] or 0, -row["first"], row["label"]))
    if kind in NUMERIC_KINDS:
        values = sorted_values.get(qid, [])
        item["mean"] = means.get(qid)
        item["median"] = median(values)
        item["low"] = values[0] if values else None
        item["high"] = values[-1] if values else None
    return item


async def _crosstab(questions: list[dict[str, Any]], by: dict[str, Any], responses: Any, total: int, minimum: int) -> dict[str, Any]:
    """Each question's answers split by the answer to one single-choice question (for example the neighbourhood).
    People who skipped that question are a column of their own, so that the whole minus the columns is nothing."""
    sizes: dict[str | None, int] = {
        row["value_text"]: row["n"]
        for row in await Answer.select(Answer.value_text, Count(distinct=[Answer.response], alias="n"))
        .where((Answer.question == by["id"]) & Answer.response.is_in(responses))
        .group_by(Answer.value_text)
        .run()
    }
    choices: list[tuple[str | None, str]] = list(by["choices"])
    sizes = {value: sizes.get(value, 0) for value, _label in choices} | {NO_ANSWER: max(total - sum(sizes.values()), 0)}
    if sizes[NO_ANSWER]:
        choices.append((NO_ANSWER, _("No answer")))
    hidden = suppressed_groups(sizes, minimum)
    groups = []
    for value, label in choices:
        size = sizes[value]
        shown = value not in hidden
        groups.append({"value": value, "label": label, "size": size if shown else None, "shown": shown, "small": too_small(size, minimum)})
    subquery = responses.querystrings[0]
    # Piccolo has no self-join: the group of each answer is the by-question's answer in the same response (none
    # when it was skipped).
    rows = await Answer.raw(
        "SELECT a.question AS question, a.value_text AS value_text, a.value_number AS value_number, g.value_text AS grp, COUNT(*) AS n "
        "FROM answer a LEFT JOIN answer g ON g.response = a.response AND g.question = {} "
        "WHERE a.response IN ({}) GROUP BY a.question, a.value_text, a.value_number, g.value_text",
        by["id"], subquery,
    ).run()
    answered_rows = await Answer.raw(
        "SELECT a.question AS question, g.value_text AS grp, COUNT(DISTINCT a.response) AS n "
        "FROM answer a LEFT JOIN answer g ON g.response = a.response AND g.question = {} "
        "WHERE a.response IN ({}) GROUP BY a.question, g.value_text",
        by["id"], subquery,
    ).run()
    answered = {(row["question"], row["grp"]): row["n"] for row in answered_rows}
    counts: dict[tuple[int, str | None], dict[tuple[str, float | None], int]] = defaultdict(dict)
    for row in rows:
        counts[(row["question"], row["grp"])][(row["value_text"], _key(row["value_number"]))] = row["n"]
    tables = []
    for question in questions:
        if question["id"] == by["id"] or question["kind"] in TEXT_KINDS:
            continue
        qid, kind = question["id"], question["kind"]
        # Within one question the groups are the people of each column who answered it: hide the small ones and,
        # against subtraction from the question's overall result, enough others.
        hidden_here = suppressed_groups({g["value"]: answered.get((qid, g["value"]), 0) for g in groups}, minimum, already=hidden)
        table: dict[str, Any] = {"question": question, "rows": []}
        if kind in ("single", "multiple", "ranking"):
            for value, label in question["choices"]:
                cells = []
                for group in groups:
                    if group["value"] in hidden_here:
                        cells.append(None)
                        continue
                    found = counts.get((qid, group["value"]), {})
                    if kind == "ranking":
                        by_rank = {rank: n for (text, rank), n in found.items() if text == value and rank is not None}
                        ranked = sum(by_rank.values())
                        cells.append({"mean_rank": sum(r * n for r, n in by_rank.items()) / ranked if ranked else None})
                    else:
                        n = answered.get((qid, group["value"]), 0)
                        count = found.get((value, None), 0)
                        cells.append({"count": count, "share": count / n if n else 0.0})
                table["rows"].append({"label": label, "cells": cells})
        else:
            cells = []
            for group in groups:
                if group["value"] in hidden_here:
                    cells.append(None)
                    continue
                found = counts.get((qid, group["value"]), {})
                n = sum(count for (_text, number), count in found.items() if number is not None)
                total_value = sum(number * count for (_text, number), count in found.items() if number is not None)
                cells.append({"mean": total_value / n if n else None, "n": n})
            table["rows"].append({"label": None, "cells": cells})
        tables.append(table)
    return {"by": by, "groups": groups, "tables": tables}


async def response_programs(survey_id: int) -> list[tuple[int, str]]:
    """Programs named on a survey's responses, for the filter of a survey that is not tied to one program."""
    rows = (
        await Response.select(Response.program, Response.program.title.as_alias("title"))
        .where((Response.survey == survey_id) & Response.program.is_not_null())
        .distinct()
        .run()
    )
    return sorted(((row["program"], row["title"]) for row in rows), key=lambda pair: pair[1])


# --- pre/post --------------------------------------------------------------------------------------

def comparable_codes(pre_questions: list[dict[str, Any]], post_questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Scale and number questions that appear with the same code and type in both surveys."""
    before = {q["code"]: q for q in pre_questions if q["code"] and q["kind"] in NUMERIC_KINDS}
    found = []
    for question in post_questions:
        earlier = before.get(question["code"])
        if earlier is not None and earlier["kind"] == question["kind"]:
            found.append(question)
    return found


def _scale_max(question: dict[str, Any], values: list[float]) -> float:
    if question["kind"] == "likert":
        return 5.0
    if question["kind"] == "rating":
        return 10.0
    return question["max_value"] or max(values, default=1.0) or 1.0


async def prepost_comparison(
    pre: dict[str, Any], post: dict[str, Any], pre_questions: list[dict[str, Any]], post_questions: list[dict[str, Any]], min_group: int | None = None
) -> dict[str, Any]:
    """People who answered both surveys, paired through their participant link; per shared code the mean before,
    after and the change, and the share who improved, stayed the same or got worse (higher is better).

    A row is about the people paired on that question: it is hidden (n is None, "hidden" True) when they are
    fewer than the small-group limit, or when the answers it leaves out of either survey's own results page are
    (those pages show the mean of every answer, so the difference would reveal the left-out few)."""
    minimum = min_group_size(min_group)
    questions = comparable_codes(pre_questions, post_questions)
    codes = [q["code"] for q in questions]
    all_answers = {
        (row["survey"], row["code"]): row["n"]
        for row in await Answer.select(Answer.response.survey.as_alias("survey"), Answer.question.code.as_alias("code"), Count(alias="n"))
        .where(
            Answer.response.survey.is_in([pre["id"], post["id"]])
            & Answer.question.code.is_in(codes or [""])
            & Answer.value_number.is_not_null()
        )
        .group_by(Answer.response.survey, Answer.question.code)
        .run()
    }
    latest: dict[tuple[int, int, str], float] = {}
    respondents: dict[int, set[int]] = {pre["id"]: set(), post["id"]: set()}
    rows = (
        await Answer.select(
            Answer.response.participant.as_alias("participant"),
            Answer.response.survey.as_alias("survey"),
            Answer.question.code.as_alias("code"),
            Answer.value_number,
        )
        .where(
            Answer.response.survey.is_in([pre["id"], post["id"]])
            & Answer.response.participant.is_not_null()
            & Answer.question.code.is_in(codes or [""])
            & Answer.value_number.is_not_null()
        )
        .order_by(Answer.response.submitted_at)
        .order_by(Answer.id)
        .run()
    )
    for row in rows:
        # Someone who answered twice counts with their latest answer.
        latest[(row["survey"], row["participant"], row["code"])] = float(row["value_number"])
        respondents[row["survey"]].add(row["participant"])
    paired_people = respondents[pre["id"]] & respondents[post["id"]]
    items = []
    for question in questions:
        code = question["code"]
        pairs = [
            (latest[(pre["id"], pid, code)], latest[(post["id"], pid, code)])
            for pid in paired_people
            if (pre["id"], pid, code) in latest and (post["id"], pid, code) in latest
        ]
        n = len(pairs)
        hidden = too_small(n, minimum) or any(too_small(all_answers.get((survey["id"], code), 0) - n, minimum) for survey in (pre, post))
        item = {"code": code, "question": question, "n": None if hidden else n, "hidden": hidden, "before": None, "after": None, "change": None, "improved": 0.0, "unchanged": 0.0, "worse": 0.0}
        if n and not hidden:
            item["before"] = sum(b for b, _a in pairs) / n
            item["after"] = sum(a for _b, a in pairs) / n
            item["change"] = item["after"] - item["before"]
            item["improved"] = sum(1 for b, a in pairs if a > b) / n
            item["unchanged"] = sum(1 for b, a in pairs if a == b) / n
            item["worse"] = sum(1 for b, a in pairs if a < b) / n
        scale = _scale_max(question, [v for pair in pairs for v in pair])
        item["scale_max"] = scale
        item["before_fraction"] = (item["before"] or 0) / scale if scale else 0
        item["after_fraction"] = (item["after"] or 0) / scale if scale else 0
        items.append(item)
    return {
        "paired": len(paired_people), "pre_count": len(respondents[pre["id"]]), "post_count": len(respondents[post["id"]]), "rows": items,
        "shown_rows": [item for item in items if not item["hidden"]], "minimum": minimum,
    }


# --- CSV export ------------------------------------------------------------------------------------

def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet programs run a cell starting with these as a formula; free text from the public could be one.
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def column_names(questions: list[dict[str, Any]]) -> dict[int, str]:
    names: dict[int, str] = {}
    taken: set[str] = set()
    for question in questions:
        name = question["code"] or f"q{question['number']}"
        if name in taken:
            name = f"{name}_q{question['number']}"
        taken.add(name)
        names[question["id"]] = name
    return names


async def responses_csv(survey: dict[str, Any], questions: list[dict[str, Any]], timezone_name: str, min_group: int | None = None) -> str:
    """One row per response and one column per question. An anonymous survey's export has no participant
    columns at all, its time only as a date, and its rows named by their random public id and in that order,
    so that neither a number nor the order of rows tells who answered first. Refused (DomainError) while the
    survey has fewer responses than the small-group limit."""
    named = not survey["anonymous"]
    columns = [Response.id, Response.public_id, Response.submitted_at, Response.language, Response.entered_by, Response.program.title.as_alias("program_title")]
    if named:
        columns += [Response.participant, Response.participant.display_name.as_alias("participant_name")]
    query = Response.select(*columns).where(Response.survey == survey["id"])
    if named:
        query = query.order_by(Response.submitted_at).order_by(Response.id)
    else:
        query = query.order_by(Response.public_id)
    responses = await query.run()
    minimum = min_group_size(min_group)
    if too_small(len(responses), minimum):
        raise DomainError("too_few_responses", N_("Too few responses to export (fewer than %(n)s)."), n=minimum)
    answers: dict[int, dict[int, list[tuple[str, float | None]]]] = defaultdict(lambda: defaultdict(list))
    for row in (
        await Answer.select(Answer.response, Answer.question, Answer.value_text, Answer.value_number)
        .where(Answer.response.is_in(Response.select(Response.id).where(Response.survey == survey["id"])))
        .order_by(Answer.response)
        .order_by(Answer.value_number)
        .order_by(Answer.id)
        .run()
    ):
        answers[row["response"]][row["question"]].append((row["value_text"], row["value_number"]))
    names = column_names(questions)
    header = ["response", "submitted", "language", "entered_from_paper"]
    if survey["program"] is None:
        header.append("program")
    if named:
        header += ["participant_id", "participant"]
    header += [names[q["id"]] for q in questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for number, response in enumerate(responses, start=1):
        when = format_datetime(response["submitted_at"], timezone_name, "yyyy-MM-dd HH:mm") if named else format_date(response["submitted_at"], "yyyy-MM-dd", timezone_name)
        row = [number if named else response["public_id"] or number, when, response["language"], "yes" if response["entered_by"] else "no"]
        if survey["program"] is None:
            row.append(response["program_title"] or "")
        if named:
            row += [response["participant"] or "", response["participant_name"] or ""]
        given = answers.get(response["id"], {})
        for question in questions:
            values = given.get(question["id"], [])
            if question["kind"] in ("single", "short_text", "long_text"):
                row.append(values[0][0] if values else "")
            elif question["kind"] == "multiple":
                row.append(";".join(text for text, _n in values))
            elif question["kind"] == "ranking":
                row.append(">".join(text for text, _n in sorted(values, key=lambda v: v[1] or 0)))
            else:
                row.append(_number(values[0][1]) if values else "")
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def codebook_csv(survey: dict[str, Any], questions: list[dict[str, Any]]) -> str:
    """What each column of the export means, with the stored values and their labels."""
    names = column_names(questions)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["column", "number", "question", "type", "required", "values", "min", "max", "shown_only_if"])
    if survey["anonymous"]:
        writer.writerow(["response", "", _("A random name of the response; the rows are in the order of these names, not of submission"), "", "", "", "", "", ""])
    else:
        writer.writerow(["response", "", _("Response number in this file"), "", "", "", "", "", ""])
    writer.writerow(["submitted", "", _("When the response was submitted (a date only for anonymous surveys)"), "", "", "", "", "", ""])
    writer.writerow(["language", "", _("Language of the answering page"), "", "", "id = Bahasa Indonesia; en = English", "", "", ""])
    writer.writerow(["entered_from_paper", "", _("Typed in by staff from a paper form"), "", "", "yes; no", "", "", ""])
    if survey["program"] is None:
        writer.writerow(["program", "", _("Program the response was collected for"), "", "", "", "", "", ""])
    if not survey["anonymous"]:
        writer.writerow(["participant_id", "", _("Participant number in Gotong"), "", "", "", "", "", ""])
        writer.writerow(["participant", "", _("Participant display name"), "", "", "", "", "", ""])
    by_id = {q["id"]: q for q in questions}
    for question in questions:
        kind = question["kind"]
        if kind == "ranking":
            values = "; ".join(f"{v} = {label}" for v, label in question["choices"]) + " " + _("(listed from first to last place, separated by >)")
        elif kind == "multiple":
            values = "; ".join(f"{v} = {label}" for v, label in question["choices"]) + " " + _("(several separated by ;)")
        elif kind in ("single", "likert"):
            values = "; ".join(f"{v} = {label}" for v, label in question["choices"])
        elif kind == "rating":
            values = "0 – 10"
        else:
            values = ""
        condition = ""
        if question["show_if_question"] in by_id:
            condition = f"{names[question['show_if_question']]} = {question['show_if_value']}"
        writer.writerow(
            [_cell(v) for v in (
                names[question["id"]], question["number"], question["text"], kind, "yes" if question["required"] else "no", values,
                _number(question["min_value"]), _number(question["max_value"]), condition,
            )]
        )
    return buffer.getvalue()

