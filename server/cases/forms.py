"""Input of case-file pages: opening a case, an assessment, a note, the crisis flag, closing with an outcome."""

from __future__ import annotations

from typing import Any, ClassVar

from server.cases.services import DOMAINS, MAX_NOTE, NOTE_KINDS, OUTCOMES, RATINGS
from server.i18n import gettext as _
from server.web.forms import Checkbox, Choice, Date, Field, Form, Id, LongText

RATING_CHOICES = tuple(str(n) for n in RATINGS)


class OpenCaseForm(Form):
    fields: ClassVar[dict[str, Field]] = {
        "case_worker": Id(required=True),
        "supervisor": Id(),
        "own_words": LongText(max_length=4000),
    }


class AssessmentForm(Form):
    """A date, then for each life domain a rating 1–5 (left empty when the domain was not discussed) and a note."""

    fields: ClassVar[dict[str, Field]] = {
        "assessed_on": Date(required=True),
        "own_words": LongText(max_length=4000),
        **{f"rating_{domain}": Choice(choices=RATING_CHOICES) for domain in DOMAINS},
        **{f"note_{domain}": LongText(max_length=2000) for domain in DOMAINS},
    }

    def clean(self) -> None:
        if not any(self.cleaned.get(f"rating_{domain}") for domain in DOMAINS):
            self.add_error("ratings", _("Rate at least one life domain."))

    def ratings(self) -> dict[str, tuple[int, str]]:
        return {
            domain: (int(self[f"rating_{domain}"]), self[f"note_{domain}"])
            for domain in DOMAINS
            if self.cleaned.get(f"rating_{domain}")
        }

    def own_words(self) -> Any:
        """None when left empty: an assessment that does not touch the person's words keeps them."""
        return self["own_words"] or None


class NoteForm(Form):
    fields: ClassVar[dict[str, Field]] = {
        "kind": Choice(required=True, choices=tuple(NOTE_KINDS)),
        "text": LongText(required=True, max_length=MAX_NOTE),
    }


class CrisisForm(Form):
    fields: ClassVar[dict[str, Field]] = {"crisis": Checkbox()}


class CloseForm(Form):
    fields: ClassVar[dict[str, Field]] = {"outcome": Choice(required=True, choices=tuple(OUTCOMES))}
