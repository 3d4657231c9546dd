"""Reading an XLSForm workbook (.xlsx) into Gotong's terms without touching the database: the questions it can
take, and for every row it cannot, the reason. Formulas are never evaluated; a cell holding one is refused."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from server.errors import DomainError
from server.i18n import N_

# The largest workbook accepted, and the most rows read from one sheet (a form is a few hundred rows at most).
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 3000
# A small zip can unpack to gigabytes of XML: the workbook's parts together may hold at most this much.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024

LANGUAGES = ("id", "en")
LANGUAGE_NAMES = {"id": "Indonesian (id)", "en": "English (en)"}
# Gotong's fixed scales travel as choice lists of these names, so that a form exported from Gotong comes back with
# the same kinds.
LIKERT_LIST = "gotong_likert"
RATING_LIST = "gotong_rating"

META_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
}
TRUE = {"yes", "true", "true()", "1", "y"}
FALSE = {"", "no", "false", "false()", "0", "n"}

_EQUALS = re.compile(r"""^\$\{([A-Za-z_][\w.-]*)\}\s*=\s*(['"])([^'"]*)\2$""")
_SELECTED = re.compile(r"""^selected\(\s*\$\{([A-Za-z_][\w.-]*)\}\s*,\s*(['"])([^'"]*)\2\s*\)$""")
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_LOW = re.compile(rf"^\.\s*>=\s*{_NUMBER}$")
_HIGH = re.compile(rf"^\.\s*<=\s*{_NUMBER}$")
_CODE_BAD = re.compile(r"[^a-z0-9_]+")

# Why a row was not imported (or imported in part): msgids, translated when the report is shown.
NOT_A_GOTONG_TYPE = N_("The type “%(type)s” is not a question type Gotong has.")
NOTE_REQUIRED = N_("A note has no answer, so it was imported as not required.")
METADATA = N_("“%(type)s” is collected automatically by KoBoToolbox or ODK, not by Gotong.")
REPEAT = N_("Repeated groups are not imported: Gotong asks each question once.")
IN_REPEAT = N_("Inside a repeated group, which is not imported.")
OR_OTHER = N_("The “other, specify” choice was not imported.")
CONDITION = N_(
    "The condition “%(expression)s” was not imported: only ${question} = 'value' or selected(${question}, 'value') "
    "on an earlier single-choice question maps to Gotong's conditions."
)
TWO_CONDITIONS = N_("The question and its group both have a condition; Gotong keeps one, so neither was imported.")
CONSTRAINT = N_("The constraint “%(expression)s” was not imported.")
REQUIRED_EXPRESSION = N_("“required” is an expression (%(expression)s); the question was imported as optional.")
FORMULA = N_("A cell of this row holds a formula, which Gotong does not read.")
NO_LABEL = N_("The question has no label.")
NO_NAME = N_("The question has no name.")
RENAMED = N_("The name “%(name)s” was changed to “%(code)s” (lowercase letters, digits and _).")


@dataclass
class Note:
    """One line of the import report: a row not imported, or imported without some part."""

    row: int
    name: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    sheet: str = "survey"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "sheet": self.sheet, "name": self.name, "message": self.message, "params": self.params}


@dataclass
class FormQuestion:
    row: int
    code: str
    kind: str
    texts: dict[str, str]
    helps: dict[str, str]
    required: bool = False
    # (value, {language: label})
    options: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    min_value: float | None = None
    max_value: float | None = None
    condition: tuple[str, str] | None = None
    condition_text: str = ""
    name: str = ""  # as the form spelled it: conditions name their question this way


@dataclass
class ParsedForm:
    title: str
    languages: list[str]
    questions: list[FormQuestion]
    notes: list[Note]


def _refuse(message: str, **params: Any) -> DomainError:
    return DomainError("bad_xlsform", message, field="file", **params)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header(value: Any) -> str:
    return re.sub(r"\s*::\s*", "::", _cell(value)).strip()


def _sheet_rows(workbook: Any, name: str) -> list[tuple[int, dict[str, str], bool]] | None:
    """The sheet's rows below its header as (row number, {column: text}, has a formula); None when there is no
    such sheet. Sheet and column names are matched without regard to case, as pyxform does."""
    sheet = next((workbook[title] for title in workbook.sheetnames if title.strip().lower() == name), None)
    if sheet is None:
        return None
    rows = sheet.iter_rows()
    header: list[str] = []
    for cells in rows:
        header = [_header(cell.value) for cell in cells]
        if any(header):
            break
    columns = [column if "::" in column else column.lower() for column in header]
    found = []
    for cells in rows:
        values: dict[str, str] = {}
        formula = False
        number = 0
        for index, cell in enumerate(cells):
            number = getattr(cell, "row", number) or number
            if getattr(cell, "data_type", "") == "f":
                formula = True
                continue
            if index < len(columns) and columns[index]:
                values[columns[index]] = _cell(cell.value)
        if not any(values.values()) and not formula:
            continue
        found.append((number, values, formula))
        if len(found) > MAX_ROWS:
            raise _refuse(N_("The “%(sheet)s” sheet has more than %(n)s rows."), sheet=name, n=MAX_ROWS)
    return found


def _language_of(column: str, default: str) -> str | None:
    """The Gotong language a label column is in ("label", "label::English (en)", "label::Bahasa Indonesia"…)."""
    if "::" not in column:
        return default
    name = column.split("::", 1)[1].strip().lower()
    code = re.search(r"\(([a-z]{2,3})(?:-[a-z]+)?\)\s*$", name)
    if code:
        return code.group(1) if code.group(1) in LANGUAGES else None
    if "indonesia" in name:
        return "id"
    if "english" in name or "inggris" in name:
        return "en"
    return None


def _texts(values: dict[str, str], prefix: str, default: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for column, value in values.items():
        if not value or (column != prefix and not column.startswith(prefix + "::")):
            continue
        language = _language_of(column, default)
        if language and not texts.get(language):
            texts[language] = value
    return texts


def _code(name: str) -> str:
    code = _CODE_BAD.sub("_", name.lower()).strip("_")[:60]
    if not code or not code[0].isalpha():
        code = f"q_{code}"[:60]
    return code


def _unique(code: str, taken: set[str]) -> str:
    base, number = code, 2
    while code in taken:
        code = f"{base[:55]}_{number}"
        number += 1
    taken.add(code)
    return code


def parse_condition(expression: str) -> tuple[str, str] | None:
    """(question name, value) for the relevant expressions that are one of Gotong's conditions."""
    expression = expression.strip()
    found = _EQUALS.match(expression) or _SELECTED.match(expression)
    return (found.group(1), found.group(3)) if found else None


def parse_range(expression: str) -> tuple[float | None, float | None] | None:
    """(lowest, highest) from ". >= a and . <= b" (either side alone too); None when it says something else."""
    low: float | None = None
    high: float | None = None
    for part in re.split(r"\s+and\s+", expression.strip()):
        if found := _LOW.match(part.strip()):
            low = float(found.group(1))
        elif found := _HIGH.match(part.strip()):
            high = float(found.group(1))
        else:
            return None
    return low, high


def _default_language(settings: dict[str, str]) -> str:
    return _language_of("label::" + settings.get("default_language", ""), "id") or "id"


def open_workbook(content: bytes) -> Any:
    if len(content) > MAX_BYTES:
        raise _refuse(N_("The file is larger than %(n)s MB."), n=MAX_BYTES // (1024 * 1024))
    if not content or not zipfile.is_zipfile(io.BytesIO(content)):
        raise _refuse(N_("This is not an Excel workbook (.xlsx). Save the XLSForm as .xlsx and upload it again."))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if sum(part.file_size for part in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise _refuse(N_("The workbook unpacks to more than %(n)s MB."), n=MAX_UNPACKED_BYTES // (1024 * 1024))
    try:
        # read_only streams the sheets; data_only=False keeps a formula as a formula (never its cached result).
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise _refuse(
            N_("This is not an Excel workbook (.xlsx). Save the XLSForm as .xlsx and upload it again.")
        ) from error


def read_xlsform(content: bytes) -> ParsedForm:
    """The form's questions in Gotong's terms and the notes on what was left out; DomainError (field "file") for a
    file that is not an XLSForm at all."""
    workbook = open_workbook(content)
    try:
        survey_rows = _sheet_rows(workbook, "survey")
        if survey_rows is None:
            raise _refuse(N_("The workbook has no “survey” sheet, so it is not an XLSForm."))
        choice_rows = _sheet_rows(workbook, "choices") or []
        settings_rows = _sheet_rows(workbook, "settings") or []
    finally:
        workbook.close()
    settings = settings_rows[0][1] if settings_rows else {}
    default = _default_language(settings)
    notes: list[Note] = []
    lists: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for number, values, formula in choice_rows:
        list_name = values.get("list_name") or values.get("list name") or ""
        if formula:
            notes.append(Note(number, values.get("name", ""), FORMULA, sheet="choices"))
            continue
        if list_name and values.get("name"):
            labels = _texts(values, "label", default) or {default: values["name"]}
            lists.setdefault(list_name, []).append((values["name"], labels))
    parsed = _questions(survey_rows, lists, default, notes)
    used = {language for question in parsed for language in question.texts}
    languages = [language for language in LANGUAGES if language in used] or [default]
    if default in languages:
        languages.remove(default)
        languages.insert(0, default)
    title = settings.get("form_title") or settings.get("title") or ""
    return ParsedForm(title=title[:200], languages=languages, questions=parsed, notes=notes)


def _questions(
    rows: list[tuple[int, dict[str, str], bool]],
    lists: dict[str, list[tuple[str, dict[str, str]]]],
    default: str,
    notes: list[Note],
) -> list[FormQuestion]:
    questions: list[FormQuestion] = []
    taken: set[str] = set()
    groups: list[str] = []  # the relevant of each open group ("" for none)
    repeats = 0
    for number, values, formula in rows:
        kind_text = " ".join(values.get("type", "").split())
        type_name, _space, rest = kind_text.partition(" ")
        type_name = type_name.lower()
        name = values.get("name", "")
        lowered = kind_text.lower().replace("_", " ")
        if lowered in ("begin group", "begin repeat"):
            repeat = lowered == "begin repeat"
            if repeat:
                repeats += 1
                notes.append(Note(number, name, REPEAT))
            groups.append("" if repeat else values.get("relevant", ""))
            continue
        if lowered in ("end group", "end repeat"):
            if lowered == "end repeat":
                repeats = max(0, repeats - 1)
            if groups:
                groups.pop()
            continue
        if not kind_text:
            continue
        if repeats:
            notes.append(Note(number, name, IN_REPEAT))
            continue
        if formula:
            notes.append(Note(number, name, FORMULA))
            continue
        question = _question(number, type_name, rest, values, lists, default, notes)
        if question is None:
            continue
        if not name:
            notes.append(Note(number, name, NO_NAME))
            continue
        code = _unique(_code(name), taken)
        if code != name:
            notes.append(Note(number, name, RENAMED, {"name": name, "code": code}))
        question.code, question.name = code, name
        _condition(question, values.get("relevant", ""), [g for g in groups if g], name, notes)
        questions.append(question)
    return questions


def _question(
    number: int,
    type_name: str,
    rest: str,
    values: dict[str, str],
    lists: dict[str, list[tuple[str, dict[str, str]]]],
    default: str,
    notes: list[Note],
) -> FormQuestion | None:
    name = values.get("name", "")
    if type_name in META_TYPES:
        notes.append(Note(number, name, METADATA, {"type": type_name}))
        return None
    texts = _texts(values, "label", default)
    helps = _texts(values, "hint", default)
    question = FormQuestion(row=number, code="", kind="", texts=texts, helps=helps)
    if type_name in ("select_one", "select_multiple", "rank"):
        list_name, _space, extra = rest.partition(" ")
        if list_name not in lists:
            raise _refuse(
                N_("Row %(row)s uses the choice list “%(list)s”, which the “choices” sheet does not have."),
                row=number,
                list=list_name or "—",
            )
        if extra.strip() == "or_other":
            notes.append(Note(number, name, OR_OTHER))
        question.options = list(lists[list_name])
        question.kind = {"select_one": "single", "select_multiple": "multiple", "rank": "ranking"}[type_name]
        if type_name == "select_one" and list_name in (LIKERT_LIST, RATING_LIST):
            question.kind = "likert" if list_name == LIKERT_LIST else "rating"
            question.options = []
    elif type_name in ("integer", "decimal", "int"):
        question.kind = "number"
        constraint = values.get("constraint", "")
        if constraint:
            bounds = parse_range(constraint)
            if bounds is None:
                notes.append(Note(number, name, CONSTRAINT, {"expression": constraint}))
            else:
                question.min_value, question.max_value = bounds
    elif type_name == "text":
        question.kind = "long_text" if "multiline" in values.get("appearance", "").lower() else "short_text"
    elif type_name in ("date", "note"):
        question.kind = type_name
    else:
        notes.append(Note(number, name, NOT_A_GOTONG_TYPE, {"type": " ".join(filter(None, (type_name, rest)))}))
        return None
    if not texts:
        notes.append(Note(number, name, NO_LABEL))
        return None
    required = values.get("required", "").strip().lower()
    if question.kind == "note":
        if required not in FALSE:
            notes.append(Note(number, name, NOTE_REQUIRED))
    elif required in TRUE:
        question.required = True
    elif required not in FALSE:
        notes.append(Note(number, name, REQUIRED_EXPRESSION, {"expression": values.get("required", "")}))
    return question


def _condition(question: FormQuestion, own: str, groups: list[str], name: str, notes: list[Note]) -> None:
    expressions = [text for text in (*groups, own) if text.strip()]
    if not expressions:
        return
    if len(expressions) > 1:
        notes.append(Note(question.row, name, TWO_CONDITIONS))
        return
    condition = parse_condition(expressions[0])
    if condition is None:
        notes.append(Note(question.row, name, CONDITION, {"expression": expressions[0]}))
        return
    question.condition = condition
    question.condition_text = expressions[0]
