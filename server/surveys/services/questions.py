"""Question building: the questions of a survey in order with their conditions, and adding, editing, moving,
duplicating and deleting them without changing what stored answers mean. What differs by kind is in kinds/."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from piccolo.query.functions.aggregate import Count, Max, Min

from server.db import transaction
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.surveys.kinds import chosen_kind, kind_of
from server.surveys.services.languages import question_in, question_translation, second_language, with_translation
from server.surveys.tables import Answer, Question


def question_choices(question: dict[str, Any]) -> list[tuple[str, str]]:
    """The (value, label) pairs a question offers; Likert labels are translated into the active language."""
    return kind_of(question["kind"]).choices(question)


def _prepare(question: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(question.get("options"), list):
        question["options"] = []
    kind = kind_of(question["kind"])
    question["choices"] = kind.choices(question)
    # Whether a later question may be shown only after a given answer to this one.
    question["can_trigger"] = kind.partitions
    question["answerable"] = kind.answerable
    return question


async def list_questions(survey_id: int, language: str | None = None) -> list[dict[str, Any]]:
    """The survey's questions in order. Texts and option labels are in the survey's primary language (what the
    builder, results, exports and codebooks use) unless `language` asks for a respondent's language, where each
    untranslated part falls back to the primary text."""
    rows = (
        await Question.select()
        .where(Question.survey == survey_id)
        .order_by(Question.position)
        .order_by(Question.id)
        .output(load_json=True)
        .run()
    )
    questions = [_prepare(question_in(row, language)) for row in rows]
    # Only what can be answered is numbered ("Question 2 of 5"); a note has no number. `place` is the position
    # among all items, notes included, for moving them in the builder.
    answerable = [question for question in questions if question["answerable"]]
    numbers = {question["id"]: index for index, question in enumerate(answerable, start=1)}
    by_id = {question["id"]: question for question in questions}
    for place, question in enumerate(questions, start=1):
        question["number"] = numbers.get(question["id"])
        question["place"] = place
        trigger = by_id.get(question["show_if_question"]) if question["show_if_question"] else None
        question["condition"] = None
        if trigger is not None:
            label = dict(trigger["choices"]).get(question["show_if_value"], question["show_if_value"])
            question["condition"] = {
                "question": trigger["id"],
                "number": trigger["number"],
                "value": question["show_if_value"],
                "label": label,
            }
    return questions


async def get_question(survey: dict[str, Any], question_id: int) -> dict[str, Any]:
    for question in await list_questions(survey["id"]):
        if question["id"] == question_id:
            return question
    raise NotFound("question")


async def answer_counts(survey_id: int) -> dict[int, int]:
    """How many answers each question has; a question with answers may only get wording changes."""
    rows = (
        await Answer.select(Answer.question, Count())
        .where(Answer.question.is_in(Question.select(Question.id).where(Question.survey == survey_id)))
        .group_by(Answer.question)
        .run()
    )
    return {row["question"]: row["count"] for row in rows}


def _normalise_question(values: dict[str, Any]) -> dict[str, Any]:
    kind = chosen_kind(values.get("kind"))
    options, low, high = kind.settings(values)
    trigger = values.get("show_if_question")
    return {
        "kind": kind.name,
        "text": values["text"],
        "help": values.get("help") or "",
        # A note has no answer to require, whatever the form or file said.
        "required": bool(values.get("required")) and kind.answerable,
        "options": options,
        "min_value": low,
        "max_value": high,
        "code": values.get("code") or "",
        "show_if_question": trigger,
        "show_if_value": (values.get("show_if_value") or "") if trigger else "",
    }


def _check_condition(
    values: dict[str, Any], questions: list[dict[str, Any]], position: int, own_id: int | None
) -> None:
    trigger_id = values["show_if_question"]
    if trigger_id is None:
        return
    trigger = next((q for q in questions if q["id"] == trigger_id), None)
    if (
        trigger is None
        or trigger_id == own_id
        or not kind_of(trigger["kind"]).partitions
        or trigger["position"] >= position
    ):
        raise DomainError(
            "bad_condition", N_("A question can only depend on an earlier single-choice question."), field="show_if"
        )
    if values["show_if_value"] not in {option["value"] for option in trigger["options"]}:
        raise DomainError("bad_condition_value", N_("Choose one of that question's options."), field="show_if")


def _check_code(values: dict[str, Any], questions: list[dict[str, Any]], own_id: int | None) -> None:
    code = values["code"]
    if code and any(q["code"] == code and q["id"] != own_id for q in questions):
        raise DomainError("code_taken", N_("Another question in this survey already uses this code."), field="code")


def _check_dependents(question: dict[str, Any], values: dict[str, Any], questions: list[dict[str, Any]]) -> None:
    """A question others depend on must stay single-choice and keep the options they wait for."""
    partitions = kind_of(values["kind"]).partitions
    values_left = {option["value"] for option in values["options"]} if partitions else set()
    for other in questions:
        if other["show_if_question"] == question["id"] and other["show_if_value"] not in values_left:
            raise DomainError(
                "has_dependents",
                N_("Question %(n)s is shown only after an answer to this one; change that condition first."),
                field="options" if partitions else "kind",
                n=other["number"] or other["place"],
            )


async def _check_answered(question: dict[str, Any], values: dict[str, Any]) -> None:
    """Edits that would make stored answers mean something else are refused; rewording stays allowed."""
    if values["kind"] != question["kind"]:
        raise DomainError(
            "answered_kind",
            N_("This question already has answers, so its type cannot change. Add a new question instead."),
            field="kind",
        )
    old_values = {option["value"] for option in question["options"]}
    if not old_values <= {option["value"] for option in values["options"]}:
        raise DomainError(
            "answered_options",
            N_(
                "This question already has answers, so its option values cannot be removed or renamed. "
                "You may reword the labels or add options."
            ),
            field="options",
        )
    if kind_of(values["kind"]).has_range and (values["min_value"] is not None or values["max_value"] is not None):
        row = (
            await Answer.select(Min(Answer.value_number, alias="low"), Max(Answer.value_number, alias="high"))
            .where(Answer.question == question["id"])
            .first()
            .run()
        )
        if (
            row
            and row["low"] is not None
            and (
                (values["min_value"] is not None and row["low"] < values["min_value"])
                or (values["max_value"] is not None and row["high"] > values["max_value"])
            )
        ):
            raise DomainError("answered_range", N_("Some existing answers fall outside this range."), field="min_value")


async def add_question(survey: dict[str, Any], values: dict[str, Any]) -> int:
    """Adds a question at the end; in a bilingual survey, with what the builder gave in the second language."""
    questions = await list_questions(survey["id"])
    raw, values = values, _normalise_question(values)
    position = (max((q["position"] for q in questions), default=0)) + 1
    _check_condition(values, questions, position, None)
    _check_code(values, questions, None)
    translations = with_translation({}, second_language(survey), question_translation(raw, values["options"]))
    question = Question(survey=survey["id"], position=position, translations=translations, **values)
    await question.save().run()
    return question.id


async def update_question(survey: dict[str, Any], question_id: int, values: dict[str, Any]) -> None:
    questions = await list_questions(survey["id"])
    question = next((q for q in questions if q["id"] == question_id), None)
    if question is None:
        raise NotFound("question")
    raw, values = values, _normalise_question(values)
    _check_condition(values, questions, question["position"], question_id)
    _check_code(values, questions, question_id)
    _check_dependents(question, values, questions)
    if (await answer_counts(survey["id"])).get(question_id):
        await _check_answered(question, values)
    second = second_language(survey)
    if second is not None:
        # A survey in one language leaves any earlier translations alone (they return if it becomes bilingual).
        entry = question_translation(raw, values["options"])
        values["translations"] = with_translation(question["translations"], second, entry)
    await (
        Question.update({getattr(Question, key): value for key, value in values.items()})
        .where(Question.id == question_id)
        .run()
    )


async def _renumber(ordered_ids: Iterable[int]) -> None:
    for position, question_id in enumerate(ordered_ids, start=1):
        await Question.update({Question.position: position}).where(Question.id == question_id).run()


def _check_order(questions: list[dict[str, Any]]) -> None:
    place = {q["id"]: index for index, q in enumerate(questions)}
    for question in questions:
        trigger = question["show_if_question"]
        if trigger in place and place[trigger] >= place[question["id"]]:
            raise DomainError(
                "order_breaks_condition",
                N_("This move would put a question before the question it depends on."),
            )


async def move_question(survey: dict[str, Any], question_id: int, direction: str) -> None:
    questions = await list_questions(survey["id"])
    index = next((i for i, q in enumerate(questions) if q["id"] == question_id), None)
    if index is None:
        raise NotFound("question")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    _check_order(questions)
    async with transaction():
        await _renumber(q["id"] for q in questions)


async def duplicate_question(survey: dict[str, Any], question_id: int) -> int:
    """A copy right after the original; the code is left empty, because codes are unique within a survey."""
    questions = await list_questions(survey["id"])
    index = next((i for i, q in enumerate(questions) if q["id"] == question_id), None)
    if index is None:
        raise NotFound("question")
    source = questions[index]
    copy = Question(
        survey=survey["id"],
        kind=source["kind"],
        text=source["text"],
        help=source["help"],
        required=source["required"],
        options=source["options"],
        min_value=source["min_value"],
        max_value=source["max_value"],
        code="",
        show_if_question=source["show_if_question"],
        show_if_value=source["show_if_value"],
        translations=source["translations"],
        position=0,
    )
    async with transaction():
        await copy.save().run()
        order = [q["id"] for q in questions]
        order.insert(index + 1, copy.id)
        await _renumber(order)
    return copy.id


async def delete_question(survey: dict[str, Any], question_id: int) -> None:
    questions = await list_questions(survey["id"])
    question = next((q for q in questions if q["id"] == question_id), None)
    if question is None:
        raise NotFound("question")
    if (await answer_counts(survey["id"])).get(question_id):
        raise DomainError(
            "answered_delete", N_("This question already has answers and cannot be deleted. You may reword it instead.")
        )
    dependent = next((q for q in questions if q["show_if_question"] == question_id), None)
    if dependent is not None:
        raise DomainError(
            "has_dependents",
            N_("Question %(n)s is shown only after an answer to this one; change that condition first."),
            n=dependent["number"] or dependent["place"],
        )
    async with transaction():
        await Question.delete().where(Question.id == question_id).run()
        await _renumber(q["id"] for q in questions if q["id"] != question_id)


_SLUG = re.compile(r"[^a-z0-9]+")


def option_value(label: str, taken: set[str]) -> str:
    """A stable stored value for an option label: lowercase ASCII words joined with underscores, made unique."""
    base = _SLUG.sub("_", label.lower()).strip("_")[:40] or "option"
    value, number = base, 2
    while value in taken:
        value = f"{base}_{number}"
        number += 1
    return value
