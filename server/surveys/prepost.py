"""Pre/post comparison: which programs have a before and an after survey, and the people who answered both,
paired through their participant link, compared on the numeric questions the two surveys share by code."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count

from server.programs.services import managed_program_ids
from server.surveys.kinds import kind_of
from server.surveys.small_groups import min_group_size, too_small
from server.surveys.tables import Answer, Survey
from server.web.access import CurrentStaff


async def comparable_programs(staff: CurrentStaff) -> list[dict[str, Any]]:
    """Programs this person manages that have both a pre and a post survey."""
    query = Survey.select(Survey.program, Survey.program.title.as_alias("title"), Survey.purpose).where(
        Survey.purpose.is_in(["pre", "post"]) & Survey.program.is_not_null()
    )
    ids = await managed_program_ids(staff)
    if ids is not None:
        query = query.where(Survey.program.is_in(ids or [-1]))
    purposes: dict[int, set[str]] = {}
    titles: dict[int, str] = {}
    for row in await query.run():
        purposes.setdefault(row["program"], set()).add(row["purpose"])
        titles[row["program"]] = row["title"]
    return sorted(
        ({"id": pid, "title": titles[pid]} for pid, found in purposes.items() if found == {"pre", "post"}),
        key=lambda p: p["title"],
    )


async def prepost_surveys(program_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The program's before and after surveys, newest first."""
    found = (
        await Survey.select(Survey.id, Survey.title, Survey.purpose, Survey.anonymous, Survey.created_at)
        .where((Survey.program == program_id) & Survey.purpose.is_in(["pre", "post"]))
        .order_by(Survey.created_at, ascending=False)
        .run()
    )
    return [s for s in found if s["purpose"] == "pre"], [s for s in found if s["purpose"] == "post"]


def comparable_codes(pre_questions: list[dict[str, Any]], post_questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Scale and number questions that appear with the same code and type in both surveys."""
    before = {q["code"]: q for q in pre_questions if q["code"] and kind_of(q["kind"]).numeric}
    found = []
    for question in post_questions:
        earlier = before.get(question["code"])
        if earlier is not None and earlier["kind"] == question["kind"]:
            found.append(question)
    return found


async def prepost_comparison(
    pre: dict[str, Any],
    post: dict[str, Any],
    pre_questions: list[dict[str, Any]],
    post_questions: list[dict[str, Any]],
    min_group: int | None = None,
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
        for row in await Answer.select(
            Answer.response.survey.as_alias("survey"), Answer.question.code.as_alias("code"), Count(alias="n")
        )
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
        hidden = too_small(n, minimum) or any(
            too_small(all_answers.get((survey["id"], code), 0) - n, minimum) for survey in (pre, post)
        )
        item = {
            "code": code,
            "question": question,
            "n": None if hidden else n,
            "hidden": hidden,
            "before": None,
            "after": None,
            "change": None,
            "improved": 0.0,
            "unchanged": 0.0,
            "worse": 0.0,
        }
        if n and not hidden:
            item["before"] = sum(b for b, _a in pairs) / n
            item["after"] = sum(a for _b, a in pairs) / n
            item["change"] = item["after"] - item["before"]
            item["improved"] = sum(1 for b, a in pairs if a > b) / n
            item["unchanged"] = sum(1 for b, a in pairs if a == b) / n
            item["worse"] = sum(1 for b, a in pairs if a < b) / n
        scale = kind_of(question["kind"]).scale_max(question, [v for pair in pairs for v in pair])
        item["scale_max"] = scale
        item["before_fraction"] = (item["before"] or 0) / scale if scale else 0
        item["after_fraction"] = (item["after"] or 0) / scale if scale else 0
        items.append(item)
    return {
        "paired": len(paired_people),
        "pre_count": len(respondents[pre["id"]]),
        "post_count": len(respondents[post["id"]]),
        "rows": items,
        "shown_rows": [item for item in items if not item["hidden"]],
        "minimum": minimum,
    }
