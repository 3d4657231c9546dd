"""Written answers: a short line or a longer text. Results list them (never split into groups)."""

from __future__ import annotations

from typing import Any

from server.i18n import N_
from server.i18n import gettext as _
from server.surveys.kinds.base import AnswerInput, AnswerValue, QuestionKind
from server.web.forms import Invalid

MAX_TEXT = 5000


class TextKind(QuestionKind):
    free_text = True

    def parse(self, question: dict[str, Any], form: AnswerInput, name: str) -> list[AnswerValue]:
        text = form.text(name)
        if len(text) > MAX_TEXT:
            raise Invalid(_("At most %(n)s characters.", n=MAX_TEXT))
        return [(question["id"], text, None)] if text else []


class ShortText(TextKind):
    name = "short_text"
    label = N_("Short text")


class LongText(TextKind):
    name = "long_text"
    label = N_("Long text")
