"""Importing a read XLSForm as a new Gotong survey, in one transaction: the survey, each question through the
question builder's own rules, and the report of what was left out, kept with the survey."""

from __future__ import annotations

from typing import Any

from server.audit import record_audit
from server.db import transaction
from server.errors import DomainError
from server.i18n import N_, gettext, translations
from server.surveys.services import DEFAULT_CONSENT, add_question, create_survey, get_survey
from server.surveys.tables import Survey
from server.surveys.xlsform.reading import CONDITION, FormQuestion, Note, ParsedForm
from server.web.access import CurrentStaff

REPORT_KEY = "xlsform_import"


def _language_values(parsed: ParsedForm) -> str:
    return ",".join(parsed.languages) if parsed.languages in (["id", "en"], ["id"], ["en"]) else "id,en"


def _question_values(question: FormQuestion, primary: str, second: str | None) -> dict[str, Any]:
    other = second or ""
    text = question.texts.get(primary) or question.texts.get(other, "")
    # A row with no label in the first language keeps its other label there, and no translation.
    translated = bool(second and question.texts.get(primary) and question.texts.get(other))
    options = []
    translation_options = {}
    for value, labels in question.options:
        options.append({"value": value, "label": labels.get(primary) or labels.get(other) or value})
        if translated and labels.get(primary) and labels.get(other):
            translation_options[value] = labels[other]
    return {
        "kind": question.kind,
        "text": text,
        "help": question.helps.get(primary, ""),
        "required": question.required,
        "options": options,
        "min_value": question.min_value,
        "max_value": question.max_value,
        "code": question.code,
        "show_if_question": None,
        "show_if_value": "",
        "translation_text": question.texts.get(other, "") if translated else "",
        "translation_help": question.helps.get(other, "") if second and question.helps.get(primary) else "",
        "translation_options": translation_options,
    }


async def import_survey(
    actor: CurrentStaff, parsed: ParsedForm, filename: str, values: dict[str, Any]
) -> tuple[int, list[Note]]:
    """Creates the survey (a draft) with the questions Gotong can take; returns its id and the report, which is also
    kept in the survey's details. Refused (DomainError, nothing saved) when no question could be imported."""
    languages = _language_values(parsed)
    primary, _comma, second_text = languages.partition(",")
    second = second_text or None
    anonymous = bool(values.get("anonymous"))
    consent = DEFAULT_CONSENT[anonymous]
    survey_values = {
        "title": parsed.title or filename.rsplit(".", 1)[0][:200] or gettext("Imported survey"),
        "purpose": values["purpose"],
        "program": values.get("program"),
        "intro": "",
        "consent_text": translations(primary).gettext(consent),
        "opens_on": None,
        "closes_on": None,
        "languages": languages,
        "anonymous": anonymous,
    }
    if second:
        survey_values["consent_text_translation"] = translations(second).gettext(consent)
    notes = list(parsed.notes)
    async with transaction():
        survey_id = await create_survey(actor, survey_values)
        survey = await get_survey(survey_id)
        ids: dict[str, int] = {}
        for question in parsed.questions:
            question_values = _question_values(question, primary, second)
            trigger = ids.get(question.condition[0]) if question.condition else None
            if question.condition and trigger is None:
                notes.append(Note(question.row, question.name, CONDITION, {"expression": question.condition_text}))
            try:
                if trigger is not None:
                    assert question.condition is not None
                    conditioned = dict(question_values, show_if_question=trigger, show_if_value=question.condition[1])
                    try:
                        ids[question.name] = await add_question(survey, conditioned)
                        continue
                    except DomainError as error:
                        if error.field != "show_if":
                            raise
                        notes.append(
                            Note(question.row, question.name, CONDITION, {"expression": question.condition_text})
                        )
                ids[question.name] = await add_question(survey, question_values)
            except DomainError as error:
                notes.append(Note(question.row, question.name, error.message, dict(error.params)))
        if not ids:
            raise DomainError(
                "xlsform_empty", N_("No question of this form is of a type Gotong has; nothing was imported."), "file"
            )
        notes.sort(key=lambda note: (note.sheet != "survey", note.row))
        report = {"file": filename[:200], "notes": [note.as_dict() for note in notes]}
        await Survey.update({Survey.details: {REPORT_KEY: report}}).where(Survey.id == survey_id).run()
        await record_audit(
            actor, "create", "survey", survey_id, N_("survey imported from the XLSForm %(file)s"), file=filename[:200]
        )
    return survey_id, notes


def import_report(survey: dict[str, Any]) -> dict[str, Any] | None:
    """The kept report of a survey made from an XLSForm, its reasons in the reader's language; None otherwise."""
    details = survey.get("details")
    report = details.get(REPORT_KEY) if isinstance(details, dict) else None
    if not isinstance(report, dict):
        return None
    return {"file": report.get("file", ""), "notes": [translated_note(note) for note in report.get("notes", [])]}


def translated_note(note: dict[str, Any]) -> dict[str, Any]:
    params = note.get("params") or {}
    return {
        "row": note.get("row"),
        "sheet": note.get("sheet", "survey"),
        "name": note.get("name", ""),
        "reason": gettext(note.get("message", ""), **params),
    }
