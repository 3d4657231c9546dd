"""A survey's responses in the column layout of KoBoToolbox's CSV export ("XML values and headers"): one row per
submission, a column per question named by its XLSForm name, a select_multiple as its space-separated choice names
followed by one 0/1 column per choice (`question/choice`), a date as yyyy-mm-dd, no column for a note, then
KoBoToolbox's own columns (_id, _uuid, _submission_time…). Written through the one CSV writer, under the same
privacy rules as the ordinary export."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC
from typing import Any

from server.csvfile import to_csv
from server.errors import DomainError
from server.i18n import N_, format_date
from server.surveys.kinds import number_text
from server.surveys.small_groups import min_group_size, too_small
from server.surveys.tables import Answer, Response
from server.surveys.xlsform.writing import xlsform_names

META_COLUMNS = [
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
]
NUMERIC_KINDS = ("number", "likert", "rating")


def _header(questions: list[dict[str, Any]], names: dict[int, str]) -> list[str]:
    header: list[str] = []
    for question in questions:
        if question["kind"] == "note":
            # KoBoToolbox's export has no column for a note: nothing is answered.
            continue
        header.append(names[question["id"]])
        if question["kind"] == "multiple":
            header += [f"{names[question['id']]}/{option['value']}" for option in question["options"]]
    return header


def _cells(question: dict[str, Any], given: list[tuple[str, float | None]]) -> list[Any]:
    kind = question["kind"]
    if kind == "note":
        return []
    if kind == "multiple":
        chosen = [text for text, _number in given]
        if not given:
            return [""] * (1 + len(question["options"]))
        return [" ".join(chosen), *(1 if option["value"] in chosen else 0 for option in question["options"])]
    if not given:
        return [""]
    if kind in NUMERIC_KINDS:
        return [number_text(given[0][1])]
    if kind == "ranking":
        # KoBoToolbox writes a rank as the choice names from first to last.
        return [" ".join(text for text, _number in sorted(given, key=lambda item: item[1] or 0))]
    return [given[0][0]]


async def kobo_responses_csv(
    survey: dict[str, Any], questions: list[dict[str, Any]], timezone_name: str, min_group: int | None = None
) -> str:
    """The whole file. An anonymous survey's rows carry no participant columns, its _submission_time only as a date,
    and its rows follow their random public names (so _id and _index number that order, never the order of
    submission); a named survey adds participant_id and participant, as the ordinary export does. Refused
    (DomainError) while the survey has fewer responses than the small-group limit."""
    named = not survey["anonymous"]
    columns = [Response.id, Response.public_id, Response.submitted_at]
    if named:
        columns += [Response.participant, Response.participant.display_name.as_alias("participant_name")]
    query = Response.select(*columns).where(Response.survey == survey["id"])
    query = query.order_by(Response.submitted_at).order_by(Response.id) if named else query.order_by(Response.public_id)
    responses = await query.run()
    minimum = min_group_size(min_group)
    if too_small(len(responses), minimum):
        raise DomainError("too_few_responses", N_("Too few responses to export (fewer than %(n)s)."), n=minimum)
    answers: dict[int, dict[int, list[tuple[str, float | None]]]] = defaultdict(lambda: defaultdict(list))
    for found in (
        await Answer.select(Answer.response, Answer.question, Answer.value_text, Answer.value_number)
        .where(Answer.response.is_in(Response.select(Response.id).where(Response.survey == survey["id"])))
        .order_by(Answer.response)
        .order_by(Answer.id)
        .run()
    ):
        answers[found["response"]][found["question"]].append((found["value_text"], found["value_number"]))
    names = xlsform_names(questions)
    header = _header(questions, names)
    if named:
        header += ["participant_id", "participant"]
    header += META_COLUMNS
    version = f"gotong_survey_{survey['id']}"
    rows = []
    for number, response in enumerate(responses, start=1):
        given = answers.get(response["id"], {})
        row: list[Any] = []
        for question in questions:
            row += _cells(question, given.get(question["id"], []))
        if named:
            row += [response["participant"] or "", response["participant_name"] or ""]
            when = response["submitted_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        else:
            when = format_date(response["submitted_at"], "yyyy-MM-dd", timezone_name)
        row += [number, response["public_id"], when, "", "", "submitted_via_web", "", version, "", number]
        rows.append(row)
    return to_csv(header, rows)
