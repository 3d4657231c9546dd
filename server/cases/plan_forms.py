"""Input of a case's plan: a goal, its status, a step (who does it, by when) and the person's agreement."""

from __future__ import annotations

from typing import Any, ClassVar

from server.cases.plans import AGREED_HOW, GOAL_STATUSES, MAX_TEXT, MAX_WHO, WHO
from server.i18n import gettext as _
from server.web.forms import Choice, Date, Field, Form, LongText, Text

OTHER = "other"


class GoalForm(Form):
    fields: ClassVar[dict[str, Field]] = {
        "text": LongText(required=True, max_length=MAX_TEXT),
        "target_date": Date(),
    }


class GoalStatusForm(Form):
    fields: ClassVar[dict[str, Field]] = {"status": Choice(required=True, choices=tuple(GOAL_STATUSES))}


class StepForm(Form):
    """Who does the step: the person, the case worker, or someone else named in `who_other`."""

    fields: ClassVar[dict[str, Field]] = {
        "text": LongText(required=True, max_length=MAX_TEXT),
        "who": Choice(required=True, choices=(*WHO, OTHER)),
        "who_other": Text(max_length=MAX_WHO),
        "due_on": Date(),
    }

    def clean(self) -> None:
        if self.cleaned.get("who") == OTHER and not self.cleaned.get("who_other"):
            self.add_error("who_other", _("Say who does this step."))

    def who(self) -> Any:
        return self["who_other"] if self["who"] == OTHER else self["who"]


class AgreementForm(Form):
    fields: ClassVar[dict[str, Field]] = {
        "agreed_on": Date(required=True),
        "how": Choice(required=True, choices=tuple(AGREED_HOW)),
        "note": LongText(max_length=MAX_TEXT),
    }
