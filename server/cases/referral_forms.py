"""Input of referrals: a new referral from the case page, a referral's status, the list's partner filter."""

from __future__ import annotations

from typing import ClassVar

from server.cases.referrals import MAX_REASON, STATUSES
from server.i18n import gettext as _
from server.web.forms import Checkbox, Choice, Date, Field, Form, Id, LongText


class ReferralForm(Form):
    """To a partner organisation or to a program (exactly one), why, whether named details go with it, and when to
    follow it up (empty: in two weeks)."""

    fields: ClassVar[dict[str, Field]] = {
        "partner": Id(),
        "program": Id(),
        "reason": LongText(required=True, max_length=MAX_REASON),
        "shares_named_details": Checkbox(),
        "follow_up_on": Date(),
    }

    def clean(self) -> None:
        if (self.cleaned.get("partner") is None) == (self.cleaned.get("program") is None):
            self.add_error("partner", _("Choose either a partner organisation or a program."))


class ReferralStatusForm(Form):
    fields: ClassVar[dict[str, Field]] = {
        "status": Choice(required=True, choices=tuple(STATUSES)),
        "follow_up_on": Date(),
    }


class ReferralFilterForm(Form):
    """The open-referrals list's query: one partner, or all."""

    fields: ClassVar[dict[str, Field]] = {"partner": Id()}
