"""Choice questions: one option (single) or several (multiple) from the options typed in the builder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.i18n import N_
from server.i18n import gettext as _
from server.surveys.kinds.base import (
    AnswerInput,
    AnswerValue,
    CellCounts,
    QuestionKind,
    ResultData,
    check_options,
    choices_text,
    choose_one,
    counted_rows,
    short_text,
)
from server.web.forms import Invalid

MAX_OPTIONS = 20


class OptionKind(QuestionKind):
    """Options typed in the builder, each a stored value and a label; results count each option."""

    has_options = True
    max_options = MAX_OPTIONS
    counted = True

    def choices(self, question: dict[str, Any]) -> list[tuple[str, str]]:
        return [(option["value"], option["label"]) for option in question["options"]]

    def settings(self, values: dict[str, Any]) -> tuple[list[dict[str, str]], float | None, float | None]:
        return check_options(values, self.max_options), None, None

    def summarise(self, item: dict[str, Any], question: dict[str, Any], answered: int, data: ResultData) -> None:
        item["rows"] = counted_rows(question, answered, lambda value: data.counts.get((question["id"], value, None), 0))

    def crosstab(
        self,
        question: dict[str, Any],
        columns: list[Any],
        hidden: set[Any],
        counts: Mapping[Any, CellCounts],
        answered: Mapping[Any, int],
    ) -> tuple[str, list[dict[str, Any]]] | None:
        rows = []
        for value, label in question["choices"]:
            cells: list[dict[str, Any] | None] = []
            for column in columns:
                if column in hidden:
                    cells.append(None)
                    continue
                n = answered.get(column, 0)
                count = counts.get(column, {}).get((value, None), 0)
                cells.append({"count": count, "share": count / n if n else 0.0})
            rows.append({"label": label, "cells": cells})
        return "count", rows

    def codebook_values(self, question: dict[str, Any]) -> str:
        return choices_text(question)


class SingleChoice(OptionKind):
    name = "single"
    label = N_("Single choice")
    partitions = True

    def parse(self, question: dict[str, Any], form: AnswerInput, name: str) -> list[AnswerValue]:
        text = short_text(form, name, choose_one())
        if not text:
            return []
        if text not in dict(question["choices"]):
            raise Invalid(choose_one())
        return [(question["id"], text, None)]


class MultipleChoice(OptionKind):
    name = "multiple"
    label = N_("Multiple choice")

    def parse(self, question: dict[str, Any], form: AnswerInput, name: str) -> list[AnswerValue]:
        allowed = [value for value, _label in question["choices"]]
        chosen = [value for value in form.selected(name) if value]
        if len(chosen) > len(allowed) or any(value not in allowed for value in chosen):
            raise Invalid(choose_one())
        return [(question["id"], value, None) for value in allowed if value in chosen]

    def export_cell(self, values: list[tuple[str, float | None]]) -> str:
        return ";".join(text for text, _n in values)

    def codebook_values(self, question: dict[str, Any]) -> str:
        return choices_text(question) + " " + _("(several separated by ;)")
