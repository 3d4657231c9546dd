"""The question-kind registry: every kind a survey question can have, in the order the builder offers them.

Adding a kind: write its class (a module in this package), its macros in templates/surveys/kinds/<name>.html,
and add it to KINDS below. docs/architecture.md walks through an example.
"""

from __future__ import annotations

from server.errors import DomainError
from server.i18n import N_
from server.surveys.kinds.base import AnswerInput, AnswerValue, QuestionKind, ResultData, median, number_text
from server.surveys.kinds.choice import MAX_OPTIONS, MultipleChoice, SingleChoice
from server.surveys.kinds.date import DateKind
from server.surveys.kinds.note import NoteKind
from server.surveys.kinds.number import Number
from server.surveys.kinds.ranking import MAX_RANKING_OPTIONS, Ranking
from server.surveys.kinds.scale import LIKERT, RATING_MAX, Likert, Rating
from server.surveys.kinds.text import MAX_TEXT, LongText, ShortText
from server.web.labels import LABELS

KINDS: dict[str, QuestionKind] = {
    kind.name: kind
    for kind in (
        SingleChoice(),
        MultipleChoice(),
        Likert(),
        Rating(),
        Number(),
        ShortText(),
        LongText(),
        Ranking(),
        DateKind(),
        NoteKind(),
    )
}
NAMES = tuple(KINDS)

LABELS.register("question_kind", {name: kind.label for name, kind in KINDS.items()})


def kind_of(name: str) -> QuestionKind:
    """The kind of a stored question (stored kinds are always registered ones)."""
    return KINDS[name]


def chosen_kind(name: object) -> QuestionKind:
    """The kind picked in the builder, or the field error for one that does not exist."""
    kind = KINDS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise DomainError("bad_kind", N_("Choose one of the options."), field="kind")
    return kind


__all__ = [
    "KINDS",
    "LIKERT",
    "MAX_OPTIONS",
    "MAX_RANKING_OPTIONS",
    "MAX_TEXT",
    "NAMES",
    "RATING_MAX",
    "AnswerInput",
    "AnswerValue",
    "QuestionKind",
    "ResultData",
    "chosen_kind",
    "kind_of",
    "median",
    "number_text",
]
