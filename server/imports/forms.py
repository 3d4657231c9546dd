"""Input parsing for the import steps: the upload, which column holds which field, and the decisions per row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.i18n import gettext as _
from server.imports.mapping import FIELDS, IGNORE, field_label
from server.imports.services import IMPORT, SKIP
from server.web.forms import Choice, Date, Field, Form, Id, Text


class UploadForm(Form):
    """Only the file; its checks (size, kind, encoding, rows) are the reader's, reported on this field."""

    fields = {"file": Text(max_length=200)}


def columns_form(column_count: int, data: Mapping[str, Any] | None = None, initial: Mapping[str, Any] | None = None):
    """A form with one choice per column of this file, the date of the paper consent forms, and a program."""
    fields: dict[str, Field] = {f"column_{i}": Choice(choices=(IGNORE, *FIELDS)) for i in range(column_count)}
    fields["consent_date"] = Date()
    fields["program_id"] = Id()

    class ColumnsForm(Form):
        def clean(self) -> None:
            chosen: dict[str, int] = {}
            for i in range(column_count):
                name = self.cleaned.get(f"column_{i}")
                if not name:
                    continue
                if name in chosen:
                    self.add_error(
                        f"column_{i}",
                        _("%(field)s is already the field of another column.", field=field_label(name)),
                    )
                chosen.setdefault(name, i)
            if "display_name" not in chosen and f"column_{0}" in self.cleaned:
                self.add_error("column_0", _("Choose the column that holds each person's name."))

        def mapping(self) -> list[str]:
            return [self.cleaned.get(f"column_{i}") or IGNORE for i in range(column_count)]

    ColumnsForm.fields = fields
    return ColumnsForm(data, initial)


def decisions(data: Mapping[str, Any], row_numbers: list[int]) -> dict[int, str]:
    """The decision submitted for each row (`row_<number>` = skip or import); anything else is no decision."""
    found = {}
    for number in row_numbers:
        value = data.get(f"row_{number}")
        if value in (SKIP, IMPORT):
            found[number] = value
    return found
