"""Writing a Gotong survey as an XLSForm workbook (.xlsx) that pyxform, KoBoToolbox and ODK read: one row per
question, its choices, its condition as `relevant`, and its labels in each language of the survey."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook

from server.i18n import translations
from server.surveys.kinds import LIKERT, RATING_MAX, number_text
from server.surveys.services import primary_language, second_language, translation_of
from server.surveys.xlsform.reading import LANGUAGE_NAMES, LIKERT_LIST, RATING_LIST

_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def xlsform_names(questions: list[dict[str, Any]]) -> dict[int, str]:
    """Each question's XLSForm name: its code when that is a valid name, else q<number>. The KoBoToolbox-style
    responses export names its columns the same way."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for question in questions:
        code = question["code"]
        # A note has no number (only answerable questions are numbered): it is named by its place.
        number = question["number"] or question["place"]
        fallback = f"q{number}" if question["number"] else f"note{number}"
        name = code if code and _XML_NAME.match(code) else fallback
        while name in taken:
            name = f"{name}_{number}"
        taken.add(name)
        names[question["id"]] = name
    return names


def survey_xlsform(survey: dict[str, Any], questions: list[dict[str, Any]]) -> bytes:
    """The workbook's bytes. Likert and rating questions use the fixed lists gotong_likert and gotong_rating, so that
    importing the file again gives back the same kinds."""
    primary = primary_language(survey) or "id"
    second = second_language(survey)
    languages = [primary] + ([second] if second else [])
    names = xlsform_names(questions)
    label_columns = [f"label::{LANGUAGE_NAMES.get(language, language)}" for language in languages]
    hint_columns = [f"hint::{LANGUAGE_NAMES.get(language, language)}" for language in languages]

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "survey"
    sheet.append(["type", "name", *label_columns, *hint_columns, "required", "relevant", "appearance", "constraint"])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", *label_columns])
    lists_written: set[str] = set()
    by_id = {question["id"]: question for question in questions}

    def texts(question: dict[str, Any], field: str) -> list[str]:
        # An untranslated text stays empty in the second language's column (pyxform only warns), so that importing
        # the file again does not invent a translation.
        row = [question[field]]
        if second:
            row.append(translation_of(question, second).get(field, ""))
        return row

    for question in questions:
        kind, name = question["kind"], names[question["id"]]
        appearance = constraint = ""
        if kind in ("single", "multiple", "ranking"):
            list_name = name
            xls_type = {"single": "select_one", "multiple": "select_multiple", "ranking": "rank"}[kind]
            translated = translation_of(question, second).get("options", {}) if second else {}
            for option in question["options"]:
                row = [list_name, option["value"], option["label"]]
                if second:
                    row.append(translated.get(option["value"], ""))
                choices.append(row)
            xls_type = f"{xls_type} {list_name}"
        elif kind in ("likert", "rating"):
            list_name = LIKERT_LIST if kind == "likert" else RATING_LIST
            xls_type = f"select_one {list_name}"
            if list_name not in lists_written:
                lists_written.add(list_name)
                for value, label in _scale(kind):
                    choices.append(
                        [list_name, value, *(translations(language).gettext(label) for language in languages)]
                    )
        elif kind == "number":
            xls_type = "decimal"
            bounds = []
            if question["min_value"] is not None:
                bounds.append(f". >= {number_text(question['min_value'])}")
            if question["max_value"] is not None:
                bounds.append(f". <= {number_text(question['max_value'])}")
            constraint = " and ".join(bounds)
        elif kind in ("date", "note"):
            xls_type = kind
        else:
            xls_type = "text"
            appearance = "multiline" if kind == "long_text" else ""
        relevant = ""
        trigger = by_id.get(question["show_if_question"]) if question["show_if_question"] else None
        if trigger is not None:
            relevant = f"${{{names[trigger['id']]}}} = '{question['show_if_value']}'"
        sheet.append(
            [
                xls_type,
                name,
                *texts(question, "text"),
                *texts(question, "help"),
                "yes" if question["required"] else "",
                relevant,
                appearance,
                constraint,
            ]
        )
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language", "version"])
    settings.append([survey["title"], f"gotong_survey_{survey['id']}", LANGUAGE_NAMES.get(primary, primary), "1"])
    # Every text goes in as a string cell: openpyxl stores a leading "=" as a formula unless told it is text.
    for each in workbook.worksheets:
        for cells in each.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _scale(kind: str) -> list[tuple[str, str]]:
    if kind == "likert":
        return list(LIKERT)
    return [(str(value), str(value)) for value in range(RATING_MAX + 1)]
