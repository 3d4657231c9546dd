"""Helpers for XLSForm tests: a workbook built from rows, and pyxform's verdict on one."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from pyxform.xls2xform import convert

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "needs_assessment_xlsform.xlsx"


def xlsx(survey: list[list], choices: list[list] | None = None, settings: list[list] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = workbook.create_sheet(title)
            for row in rows:
                extra.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def pyxform_xml(content: bytes) -> str:
    """The XForm pyxform makes of the workbook (it raises on an invalid form)."""
    warnings: list[str] = []
    return convert(content, warnings=warnings, file_type=".xlsx").xform
