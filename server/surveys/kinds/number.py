"""Number questions: any number, optionally between a lowest and highest value set in the builder."""

from __future__ import annotations

from typing import Any

from server.errors import DomainError
from server.i18n import N_
from server.i18n import gettext as _
from server.surveys.kinds.base import AnswerInput, AnswerValue, NumericKind, short_text
from server.web.forms import Decimal, Invalid


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class Number(NumericKind):
    name = "number"
    label = N_("Number")
    has_range = True

    def settings(self, values: dict[str, Any]) -> tuple[list[dict[str, str]], float | None, float | None]:
        low, high = values.get("min_value"), values.get("max_value")
        if low is not None and high is not None and low > high:
            raise DomainError("bad_range", N_("The highest value must not be below the lowest."), field="max_value")
        return [], low, high

    def parse(self, question: dict[str, Any], form: AnswerInput, name: str) -> list[AnswerValue]:
        text = short_text(form, name, _("Enter a number."))
        if not text:
            return []
        value = Decimal().parse(text)
        low, high = question["min_value"], question["max_value"]
        if low is not None and value < low:
            raise Invalid(_("Must be at least %(n)s.", n=_number(low)))
        if high is not None and value > high:
            raise Invalid(_("Must be at most %(n)s.", n=_number(high)))
        return [(question["id"], "", value)]
