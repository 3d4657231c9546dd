"""Survey results: counts, shares and averages per question, cross-tabs, small-group privacy, pre/post comparison and CSV export.

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
from typing import Any

from piccolo.query.functions.aggregate import Avg, Count

from server.surveys.services import CHOICE_KINDS, NUMERIC_KINDS, TEXT_KINDS, day_start
from server.surveys.tables import Answer, Response
from server.web.i18n import format_date, format_datetime
from server.web.i18n import gettext as _

# No breakdown of an anonymous survey is shown for fewer people than this: a small group's answers identify them.
SMALL_GROUP = 5
TEXT_LIMIT = 2000


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


async def survey_results(survey: dict[str, Any], questions: list[dict[str, Any]], filters: Filters) -> dict[str, Any]:
    condition = _condition(survey["id"], filters)
    total = await Response.count().where(condition).run()
    result: dict[str, Any] = {"total": total, "hidden": False, "questions": [], "crosstab": None}
    if survey["anonymous"] and filters.narrowed and total < SMALL_GROUP:
        result["hidden"] = True
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
        .order_by(Answer.id, ascending=False)
        .limit(TEXT_LIMIT)
        .run()
    ):
        texts[row["question"]].append(row["value_text"])

    for question in questions:
        result["questions"].append(_question_result(question, answered.get(question["id"], 0), counts, means, sorted_values, texts))
    if filters.cross_by:
        by = next((q for q in questions if q["id"] == filters.cross_by and q["kind"] == "single"), None)
        if by is not None:
            result["crosstab"] = await _crosstab(survey, questions, by, responses)
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
    item: dict[str, Any] = {"question": question, "answered": answered, "rows": [], "ranking": [], "texts": texts.get(qid, [])}
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


async def _crosstab(survey: dict[str, Any], questions: list[dict[str, Any]], by: dict[str, Any], responses: Any) -> dict[str, Any]:
    """Each question's answers split by the answer to one single-choice question (for example the neighbourhood)."""
    sizes = {
        row["value_text"]: row["n"]
        for row in await Answer.select(Answer.value_text, Count(distinct=[Answer.response], alias="n"))
        .where((Answer.question == by["id"]) & Answer.response.is_in(responses))
        .group_by(Answer.value_text)
        .run()
    }
    groups = []
    for value, label in by["choices"]:
        size = sizes.get(value, 0)
        shown = not survey["anonymous"] or size >= SMALL_GROUP
        groups.append({"value": value, "label": label, "size": size if shown else None, "shown": shown})
    subquery = responses.querystrings[0]
    # Piccolo has no self-join: the group of each answer is the by-question's answer in the same response.
    rows = await Answer.raw(
        "SELECT a.question AS question, a.value_text AS value_text, a.value_number AS value_number, g.value_text AS grp, COUNT(*) AS n "
        "FROM answer a JOIN answer g ON g.response = a.response AND g.question = {} "
        "WHERE a.response IN ({}) GROUP BY a.question, a.value_text, a.value_number, g.value_text",
        by["id"], subquery,
    ).run()
    answered_rows = await Answer.raw(
        "SELECT a.question AS question, g.value_text AS grp, COUNT(DISTINCT a.response) AS n "
        "FROM answer a JOIN answer g ON g.response = a.response AND g.question = {} "
        "WHERE a.response IN ({}) GROUP BY a.question, g.value_text",
        by["id"], subquery,
    ).run()
    answered = {(row["question"], row["grp"]): row["n"] for row in answered_rows}
    counts: dict[tuple[int, str], dict[tuple[str, float | None], int]] = defaultdict(dict)
    for row in rows:
        counts[(row["question"], row["grp"])][(row["value_text"], _key(row["value_number"]))] = row["n"]
    visible = {group["value"] for group in groups if group["shown"]}
    tables = []
    for question in questions:
        if question["id"] == by["id"] or question["kind"] in TEXT_KINDS:
            continue
        qid, kind = question["id"], question["kind"]
        table: dict[str, Any] = {"question": question, "rows": []}
        if kind in ("single", "multiple", "ranking"):
            for value, label in question["choices"]:
                cells = []
                for group in groups:
                    if group["value"] not in visible:
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
                if group["value"] not in visible:
                    cells.append(None)
                    continue
                found = counts.get((qid, group["value"]), {})
                n = sum(count for (_text, number), count in found.items() if number is not None)
                total = sum(number * count for (_text, number), count in found.items() if number is not None)
                cells.append({"mean": total / n if n else None, "n": n})
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


async def prepost_comparison(pre: dict[str, Any], post: dict[str, Any], pre_questions: list[dict[str, Any]], post_questions: list[dict[str, Any]]) -> dict[str, Any]:
    """People who answered both surveys, paired through their participant link; per shared code the mean before,
    after and the change, and the share who improved, stayed the same or got worse (higher is better)."""
    questions = comparable_codes(pre_questions, post_questions)
    codes = [q["code"] for q in questions]
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
        item = {"code": code, "question": question, "n": n, "before": None, "after": None, "change": None, "improved": 0.0, "unchanged": 0.0, "worse": 0.0}
        if n:
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
    return {"paired": len(paired_people), "pre_count": len(respondents[pre["id"]]), "post_count": len(respondents[post["id"]]), "rows": items}


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


async def responses_csv(survey: dict[str, Any], questions: list[dict[str, Any]], timezone_name: str) -> str:
    """One row per response and one column per question. An anonymous survey's export has no participant
    columns at all, and its time only as a date."""
    named = not survey["anonymous"]
    columns = [Response.id, Response.submitted_at, Response.language, Response.entered_by, Response.program.title.as_alias("program_title")]
    if named:
        columns += [Response.participant, Response.participant.display_name.as_alias("participant_name")]
    responses = await Response.select(*columns).where(Response.survey == survey["id"]).order_by(Response.submitted_at).order_by(Response.id).run()
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
        row = [number, when, response["language"], "yes" if response["entered_by"] else "no"]
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

