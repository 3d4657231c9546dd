"""Notes: text shown between the questions (in each language of the survey), never answered, never required, and
left out of results, exports and the count of questions."""

from __future__ import annotations

from typing import Any

from server.i18n import N_
from server.surveys.kinds.base import AnswerInput, AnswerValue, QuestionKind


class NoteKind(QuestionKind):
    name = "note"
    label = N_("Note (text only, no answer)")
    answerable = False

    def parse(self, question: dict[str, Any], form: AnswerInput, name: str) -> list[AnswerValue]:
        # Whatever the browser sent under a note's name is not an answer.
        return []
