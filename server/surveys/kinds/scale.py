"""Scales: the fixed five-point agreement scale (likert) and a rating from 0 to 10, stored as value_number."""

from __future__ import annotations

from typing import Any

from server.i18n import N_, gettext
from server.surveys.kinds.base import (
    AnswerInput,
    AnswerValue,
    NumericKind,
    ResultData,
    choices_text,
    choose_one,
    counted_rows,
    short_text,
)
from server.web.forms import Invalid

# Fixed five-point agreement scale; stored as value_number 1-5 so that means and pre/post changes are comparable.
LIKERT = (
    ("1", N_("Strongly disagree")),
    ("2", N_("Disagree")),
    ("3", N_("Neither agree nor disagree")),
    ("4", N_("Agree")),
    ("5", N_("Strongly agree")),
)
RATING_MAX = 10


class ScaleKind(NumericKind):
    """A fixed list of points, chosen like a single choice and counted per point."""

    counted = True
    top: float = 0.0

    def parse(self, question: dict[str, Any], form: AnswerInput, name: str) -> list[AnswerValue]:
        text = short_text(form, name, choose_one())
        if not text:
            return []
        if text not in dict(question["choices"]):
            raise Invalid(choose_one())
        return [(question["id"], "", float(text))]

    def summarise(self, item: dict[str, Any], question: dict[str, Any], answered: int, data: ResultData) -> None:
        item["rows"] = counted_rows(
            question, answered, lambda value: data.counts.get((question["id"], "", float(value)), 0)
        )
        super().summarise(item, question, answered, data)

    def scale_max(self, question: dict[str, Any], values: list[float]) -> float:
        return self.top


class Likert(ScaleKind):
    name = "likert"
    label = N_("Agreement scale (5 points)")
    top = 5.0

    def choices(self, question: dict[str, Any]) -> list[tuple[str, str]]:
        return [(value, gettext(label)) for value, label in LIKERT]

    def codebook_values(self, question: dict[str, Any]) -> str:
        return choices_text(question)


class Rating(ScaleKind):
    name = "rating"
    label = N_("Rating from 0 to 10")
    top = float(RATING_MAX)

    def choices(self, question: dict[str, Any]) -> list[tuple[str, str]]:
        return [(str(value), str(value)) for value in range(RATING_MAX + 1)]

    def codebook_values(self, question: dict[str, Any]) -> str:
        return "0 – 10"
