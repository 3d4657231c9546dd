"""What every question kind provides: its choices, the builder's rules, answer parsing, results, cross-tab and export.

A kind is one class; the registry in kinds/__init__.py lists them. Each kind has one Jinja file,
templates/surveys/kinds/<name>.html, with the macros `answer` (the answering field), `card` (what the builder
shows about its settings) and `result` (its section of the results page), looked up by the kind's name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from server.errors import DomainError
from server.i18n import N_
from server.i18n import gettext as _
from server.surveys.small_groups import min_group_size
from server.web.forms import Invalid

# (question id, value_text, value_number): one stored Answer row.
AnswerValue = tuple[int, str, float | None]
# How many answers of a question had this (value_text, value_number), keyed by question id first.
Counts = Mapping[tuple[int, str, float | None], int]
# Within one cross-tab column: how many answers had this (value_text, value_number).
CellCounts = Mapping[tuple[str, float | None], int]
# Answering inputs longer than this can be no option and no number.
MAX_SHORT = 60


class AnswerInput(Protocol):
    """The part of the answering form a kind reads: one cleaned text field, or the values of a checkbox group."""

    def text(self, name: str) -> str: ...

    def selected(self, name: str) -> list[str]: ...


@dataclass
class ResultData:
    """What the results queries gathered for every question of a survey, read by each kind's summarise()."""

    counts: dict[tuple[int, str, float | None], int] = field(default_factory=dict)
    means: dict[int, float] = field(default_factory=dict)
    sorted_values: dict[int, list[float]] = field(default_factory=dict)
    texts: dict[int, list[str]] = field(default_factory=dict)
    # The smallest group whose figures may be shown (small_groups.py), for kinds that split answers into groups.
    minimum: int = field(default_factory=min_group_size)


def median(values: list[float]) -> float | None:
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def number_text(value: float | None) -> str:
    """A stored number as exports write it: 3 rather than 3.0."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def choices_text(question: dict[str, Any]) -> str:
    return "; ".join(f"{value} = {label}" for value, label in question["choices"])


class QuestionKind(ABC):
    """A question kind. The flags tell the shared code what to gather; the methods do the kind's own part."""

    name: ClassVar[str]
    label: ClassVar[str]
    # Options typed in the builder (choice and ranking questions), at most this many.
    has_options: ClassVar[bool] = False
    max_options: ClassVar[int] = 0
    # A lowest and highest allowed value typed in the builder (number questions).
    has_range: ClassVar[bool] = False
    # Answers are numbers: results show mean and median, and pre/post compares questions of this kind by code.
    numeric: ClassVar[bool] = False
    # Results count how often each answer was given.
    counted: ClassVar[bool] = False
    # Results list the written answers; cross-tabs and the organisation export leave them out.
    free_text: ClassVar[bool] = False
    # One answer from a fixed list: it splits respondents into groups, so it can show or hide a later question
    # and be the column of a cross-tab.
    partitions: ClassVar[bool] = False
    # Something is answered. A note is only shown: no answer, no number, never required, absent from results
    # and exports.
    answerable: ClassVar[bool] = True

    # --- building ---

    def choices(self, question: dict[str, Any]) -> list[tuple[str, str]]:
        """The (value, label) pairs the question offers, labels in the active language."""
        return []

    def settings(self, values: dict[str, Any]) -> tuple[list[dict[str, str]], float | None, float | None]:
        """The options, lowest and highest value a question of this kind keeps from the builder's form."""
        return [], None, None

    # --- answering ---

    @abstractmethod
    def parse(self, question: dict[str, Any], form: AnswerInput, name: str) -> list[AnswerValue]:
        """The answers to store from the answering form; [] when skipped; Invalid when not a valid answer.
        Every kind says how its answer is read, so the base class has no default."""

    # --- results ---

    def summarise(self, item: dict[str, Any], question: dict[str, Any], answered: int, data: ResultData) -> None:
        """Adds this kind's figures to a question's results item (rows, ranking, mean…); by default none."""
        return None

    def crosstab(
        self,
        question: dict[str, Any],
        columns: list[Any],
        hidden: set[Any],
        counts: Mapping[Any, CellCounts],
        answered: Mapping[Any, int],
    ) -> tuple[str, list[dict[str, Any]]] | None:
        """The cell style and rows of the question's cross-tab (counts and answered keyed by column value), or None
        when the kind is not cross-tabulated."""
        return None

    def scale_max(self, question: dict[str, Any], values: list[float]) -> float:
        """The top of the scale a pre/post chart draws the means against."""
        return question["max_value"] or max(values, default=1.0) or 1.0

    # --- export ---

    def export_cell(self, values: list[tuple[str, float | None]]) -> str:
        """One response's answers to the question as one CSV cell."""
        return values[0][0] if values else ""

    def codebook_values(self, question: dict[str, Any]) -> str:
        """What the export's values mean, for the codebook."""
        return ""


def counted_rows(question: dict[str, Any], answered: int, count_of: Any) -> list[dict[str, Any]]:
    """One row per choice with its count and share of the people who answered."""
    rows = []
    for value, label in question["choices"]:
        count = count_of(value)
        rows.append({"value": value, "label": label, "count": count, "share": count / answered if answered else 0.0})
    return rows


def short_text(form: AnswerInput, name: str, message: str) -> str:
    text = form.text(name)
    if len(text) > MAX_SHORT:
        raise Invalid(message)
    return text


def choose_one() -> str:
    return _("Choose one of the options.")


def check_options(values: dict[str, Any], limit: int) -> list[dict[str, str]]:
    options = list(values.get("options") or [])
    if not 2 <= len(options) <= limit:
        raise DomainError(
            "option_count", N_("Give between 2 and %(n)s options, one per line."), field="options", n=limit
        )
    if len({option["value"] for option in options}) != len(options):
        raise DomainError("option_duplicate", N_("Two options have the same value."), field="options")
    return options


class NumericKind(QuestionKind):
    """Answers stored as value_number: mean and median in the results, one mean per cross-tab column."""

    numeric = True

    def summarise(self, item: dict[str, Any], question: dict[str, Any], answered: int, data: ResultData) -> None:
        values = data.sorted_values.get(question["id"], [])
        item["mean"] = data.means.get(question["id"])
        item["median"] = median(values)
        item["low"] = values[0] if values else None
        item["high"] = values[-1] if values else None

    def crosstab(
        self,
        question: dict[str, Any],
        columns: list[Any],
        hidden: set[Any],
        counts: Mapping[Any, CellCounts],
        answered: Mapping[Any, int],
    ) -> tuple[str, list[dict[str, Any]]] | None:
        cells: list[dict[str, Any] | None] = []
        for column in columns:
            if column in hidden:
                cells.append(None)
                continue
            found = counts.get(column, {})
            n = sum(count for (_text, number), count in found.items() if number is not None)
            total = sum(number * count for (_text, number), count in found.items() if number is not None)
            cells.append({"mean": total / n if n else None, "n": n})
        return "mean", [{"label": None, "cells": cells}]

    def export_cell(self, values: list[tuple[str, float | None]]) -> str:
        return number_text(values[0][1]) if values else ""
