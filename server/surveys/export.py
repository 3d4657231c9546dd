"""CSV export of a survey's responses (one row per response, one column per question) and its codebook, written
through the one CSV writer (server/csvfile.py); each question kind says how its answers fill a cell."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from server.csvfile import to_csv
from server.errors import DomainError
from server.i18n import N_, format_date, format_datetime
from server.i18n import gettext as _
from server.surveys.kinds import kind_of, number_text
from server.surveys.small_groups import min_group_size, too_small
from server.surveys.tables import Answer, Response


def answerable(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The questions that have a column: a note has no answer, so no column and no codebook line."""
    return [question for question in questions if kind_of(question["kind"]).answerable]


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


async def responses_csv(
    survey: dict[str, Any], questions: list[dict[str, Any]], timezone_name: str, min_group: int | None = None
) -> str:
    """One row per response and one column per question. An anonymous survey's export has no participant
    columns at all, its time only as a date, and its rows named by their random public id and in that order,
    so that neither a number nor the order of rows tells who answered first. Refused (DomainError) while the
    survey has fewer responses than the small-group limit."""
    named = not survey["anonymous"]
    questions = answerable(questions)
    responses, answers = await exportable_responses(
        survey,
        min_group,
        Response.language,
        Response.entered_by,
        Response.program.title.as_alias("program_title"),
    )
    names = column_names(questions)
    header = ["response", "submitted", "language", "entered_from_paper"]
    if survey["program"] is None:
        header.append("program")
    if named:
        header += ["participant_id", "participant"]
    header += [names[q["id"]] for q in questions]
    kinds = {q["id"]: kind_of(q["kind"]) for q in questions}
    rows = []
    for number, response in enumerate(responses, start=1):
        if named:
            when = format_datetime(response["submitted_at"], timezone_name, "yyyy-MM-dd HH:mm")
        else:
            when = format_date(response["submitted_at"], "yyyy-MM-dd", timezone_name)
        row: list[Any] = [
            number if named else response["public_id"] or number,
            when,
            response["language"],
            "yes" if response["entered_by"] else "no",
        ]
        if survey["program"] is None:
            row.append(response["program_title"] or "")
        if named:
            row += [response["participant"] or "", response["participant_name"] or ""]
        given = answers.get(response["id"], {})
        row += [kinds[q["id"]].export_cell(given.get(q["id"], [])) for q in questions]
        rows.append(row)
    return to_csv(header, rows)


def codebook_csv(survey: dict[str, Any], questions: list[dict[str, Any]]) -> str:
    """What each column of the export means, with the stored values and their labels."""
    questions = answerable(questions)
    names = column_names(questions)
    header = ["column", "number", "question", "type", "required", "values", "min", "max", "shown_only_if"]
    rows: list[list[Any]] = []
    if survey["anonymous"]:
        rows.append(
            [
                "response",
                "",
                _("A random name of the response; the rows are in the order of these names, not of submission"),
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    else:
        rows.append(["response", "", _("Response number in this file"), "", "", "", "", "", ""])
    rows.append(
        [
            "submitted",
            "",
            _("When the response was submitted (a date only for anonymous surveys)"),
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    rows.append(
        ["language", "", _("Language of the answering page"), "", "", "id = Bahasa Indonesia; en = English", "", "", ""]
    )
    rows.append(["entered_from_paper", "", _("Typed in by staff from a paper form"), "", "", "yes; no", "", "", ""])
    if survey["program"] is None:
        rows.append(["program", "", _("Program the response was collected for"), "", "", "", "", "", ""])
    if not survey["anonymous"]:
        rows.append(["participant_id", "", _("Participant number in Gotong"), "", "", "", "", "", ""])
        rows.append(["participant", "", _("Participant display name"), "", "", "", "", "", ""])
    by_id = {q["id"]: q for q in questions}
    for question in questions:
        condition = ""
        if question["show_if_question"] in by_id:
            condition = f"{names[question['show_if_question']]} = {question['show_if_value']}"
        rows.append(
            [
                names[question["id"]],
                question["number"],
                question["text"],
                question["kind"],
                "yes" if question["required"] else "no",
                kind_of(question["kind"]).codebook_values(question),
                number_text(question["min_value"]),
                number_text(question["max_value"]),
                condition,
            ]
        )
    return to_csv(header, rows)


Answers = dict[int, dict[int, list[tuple[str, float | None]]]]


async def exportable_responses(
    survey: dict[str, Any], min_group: int | None, *extra_columns: Any
) -> tuple[list[dict[str, Any]], Answers]:
    """The responses an export may show (id, public_id, submitted_at, the extra columns, and for a named survey the
    participant and their name) with their answers {response: {question: [(text, number)]}}, in two queries. An
    anonymous survey's rows go in the order of their random public names, never of submission. Refused
    (DomainError) while the survey has fewer responses than the small-group limit. Every export of responses
    reads them here."""
    named = not survey["anonymous"]
    columns = [Response.id, Response.public_id, Response.submitted_at, *extra_columns]
    if named:
        columns += [Response.participant, Response.participant.display_name.as_alias("participant_name")]
    query = Response.select(*columns).where(Response.survey == survey["id"])
    query = query.order_by(Response.submitted_at).order_by(Response.id) if named else query.order_by(Response.public_id)
    responses = await query.run()
    minimum = min_group_size(min_group)
    if too_small(len(responses), minimum):
        raise DomainError("too_few_responses", N_("Too few responses to export (fewer than %(n)s)."), n=minimum)
    answers: Answers = defaultdict(lambda: defaultdict(list))
    for found in (
        await Answer.select(Answer.response, Answer.question, Answer.value_text, Answer.value_number)
        .where(Answer.response.is_in(Response.select(Response.id).where(Response.survey == survey["id"])))
        .order_by(Answer.response)
        .order_by(Answer.value_number)
        .order_by(Answer.id)
        .run()
    ):
        answers[found["response"]][found["question"]].append((found["value_text"], found["value_number"]))
    return responses, answers
