"""A survey's responses in the column layout of KoBoToolbox's CSV export ("XML values and headers"): one row per
submission, a column per question named by its XLSForm name, a select_multiple as its space-separated choice names
followed by one 0/1 column per choice (`question/choice`), a date as yyyy-mm-dd, no column for a note, then
KoBoToolbox's own columns (_id, _uuid, _submission_time…). Written through the one CSV writer, under the same
privacy rules as the ordinary export."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from server.csvfile import to_csv
from server.i18n import format_date
from server.surveys.export import exportable_responses
from server.surveys.kinds import number_text
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
    responses, answers = await exportable_responses(survey, min_group)
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
