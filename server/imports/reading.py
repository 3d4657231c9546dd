"""Reading an uploaded spreadsheet (CSV or .xlsx) into a header and rows of text, with the limits that keep it safe."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from server.errors import DomainError
from server.i18n import N_

# More rows than this is not one organisation's list of participants but a migration: split it, or ask an admin.
MAX_ROWS = 5000
# Columns beyond this are ignored (a sheet with thousands of empty formatted columns must not slow reading down).
MAX_COLUMNS = 50
MAX_CELL = 500
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
XLSX_MAGIC = b"PK\x03\x04"


class Formula:
    """A cell holding a formula: its value is never computed (a formula may reach outside the file)."""

    def __str__(self) -> str:
        return ""


FORMULA = Formula()
Cell = str | Formula


@dataclass
class Sheet:
    """The first non-empty row as the header, then each non-empty row with its row number in the file."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    skipped_empty: int = 0

    def samples(self, column: int, count: int = 3) -> list[str]:
        found = []
        for _, cells in self.rows:
            value = cells[column] if column < len(cells) else ""
            if isinstance(value, str) and value:
                found.append(value[:40])
            if len(found) == count:
                break
        return found


def _refuse(code: str, message: str, **params: object) -> DomainError:
    return DomainError(code, message, field="file", **params)


def read_sheet(filename: str, content: bytes, max_bytes: int) -> Sheet:
    """The spreadsheet's header and rows; a DomainError on the `file` field saying what is wrong with it."""
    if len(content) > max_bytes:
        raise _refuse(
            "file_too_large",
            N_("This file is larger than %(mb)s MB. Split it into smaller files, or remove unused sheets and columns."),
            mb=round(max_bytes / (1024 * 1024), 1),
        )
    if not content.strip():
        raise _refuse("file_empty", N_("This file is empty."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(content)
    elif name.endswith((".xls", ".ods", ".numbers")):
        raise _refuse(
            "file_format", N_("This spreadsheet format cannot be read: save it as Excel (.xlsx) or as CSV UTF-8.")
        )
    else:
        raise _refuse("file_format", N_("Choose a CSV file (.csv) or an Excel workbook (.xlsx)."))
    return _sheet(rows)


def _sheet(rows) -> Sheet:
    sheet: Sheet | None = None
    for number, raw in rows:
        # Cells right of the header's last title belong to no column (a sheet reports its formatted width).
        width = len(sheet.headers) if sheet is not None else MAX_COLUMNS
        cells: list[Cell] = [_clean(value) for value in raw[:width]]
        if not any(isinstance(cell, Formula) or cell for cell in cells):
            if sheet is not None:
                sheet.skipped_empty += 1
            continue
        if sheet is None:
            headers = [str(cell) for cell in cells]
            while headers and not headers[-1]:
                headers.pop()
            sheet = Sheet(headers=headers)
            continue
        if len(sheet.rows) == MAX_ROWS:
            raise _refuse(
                "too_many_rows",
                N_("This file has more than %(n)s rows of people. Split it into files of at most %(n)s rows."),
                n=f"{MAX_ROWS:,}",
            )
        sheet.rows.append((number, cells))
    if sheet is None or not sheet.rows:
        raise _refuse("no_rows", N_("This file has no rows of people under its header row."))
    return sheet


def _clean(value: object) -> Cell:
    if isinstance(value, Formula):
        return value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())[:MAX_CELL]
    # A CSV cell written as a formula is not a value either (and would run when the list is opened in Excel).
    return FORMULA if text.startswith("=") else text


def _csv_rows(content: bytes):
    if content.startswith(UTF16_BOMS) or b"\x00" in content[:4096]:
        raise _not_utf8()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_utf8() from None
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        # Rows are read lazily: a file of a million rows is refused at the limit without reading it all.
        yield from enumerate(reader, start=1)
    except csv.Error:
        raise _refuse("csv_broken", N_("This CSV file could not be read: check that its quotes are closed.")) from None


def _not_utf8() -> DomainError:
    return _refuse(
        "not_utf8",
        N_(
            "This file is not in UTF-8, so names with accents would come out wrong. In Excel or LibreOffice, "
            'choose "Save as" and the type "CSV UTF-8", then upload that file.'
        ),
    )


def _xlsx_rows(content: bytes):
    if not content.startswith(XLSX_MAGIC):
        raise _refuse("xlsx_broken", N_("This file could not be read as an Excel workbook (.xlsx)."))
    try:
        # read_only streams the rows; data_only=False keeps formulas as formulas, which are refused, never computed.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _refuse("xlsx_broken", N_("This file could not be read as an Excel workbook (.xlsx).")) from None
    try:
        worksheet = workbook.worksheets[0]
        for number, row in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            yield number, [FORMULA if cell.data_type == "f" else cell.value for cell in row]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _refuse("xlsx_broken", N_("This file could not be read as an Excel workbook (.xlsx).")) from None
    finally:
        workbook.close()
