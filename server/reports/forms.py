"""Input of the reports pages: date ranges, export choices and the written evaluation."""

from __future__ import annotations

from datetime import date, datetime

from server import clock
from server.i18n import gettext as _
from server.reports.exports import KINDS
from server.reports.periods import Period
from server.reports.services import MAX_EVALUATION
from server.web.forms import Choice, Date, Form, Integer, LongText


class PeriodForm(Form):
    """From and to dates, both optional: an empty range is this calendar year."""

    fields = {"from": Date(), "to": Date()}

    def clean(self) -> None:
        start, end = self.cleaned["from"], self.cleaned["to"]
        if start and end and end < start:
            self.add_error("to", _("The end date is before the start date."))

    def period(self, now: datetime) -> Period:
        """The chosen days; a missing start is 1 January (of the end's year), a missing end 31 December (of this
        year, or of the start's year when that is later)."""
        start, end = self.cleaned.get("from"), self.cleaned.get("to")
        year = clock.organisation_today(now).year
        if start is None:
            start = date((end or date(year, 1, 1)).year, 1, 1)
        if end is None:
            end = date(max(year, start.year), 12, 31)
        return Period(start, end)


class ExportForm(PeriodForm):
    fields = {
        "kind": Choice(choices=KINDS),
        "from": Date(),
        "to": Date(),
        "program": Integer(min_value=1, max_value=2_147_483_647),
    }


class EvaluationForm(Form):
    fields = {"text": LongText(required=True, max_length=MAX_EVALUATION)}
