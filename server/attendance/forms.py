"""Input parsing for attendance marks, walk-ins, guests and register date ranges."""

from __future__ import annotations

from server.attendance.sheets import STATUSES
from server.i18n import gettext as _
from server.web.forms import Checkbox, Choice, Date, Form, LongText, Text

# The longest period one register or export may cover, so that a typo in a year does not build a huge grid.
MAX_RANGE_DAYS = 731


class MarkForm(Form):
    """A status (the button tapped, or the select's choice) and, when `with_note` is sent, the note."""

    fields = {
        "status": Choice(choices=STATUSES),
        "note": LongText(max_length=1000),
        "with_note": Checkbox(),
    }


class WalkInForm(Form):
    fields = {
        "display_name": Text(required=True, max_length=120),
        "consent_participation": Checkbox(),
        # An organizer's explicit choice to enrol beyond capacity; otherwise a walk-in at a full program is a guest.
        "over_capacity": Checkbox(),
    }

    def clean(self) -> None:
        if not self.cleaned["consent_participation"]:
            self.add_error(
                "consent_participation",
                _("Ask the person whether they agree to take part, and tick the box when they do."),
            )


class GuestForm(Form):
    fields = {"guest_label": Text(required=True, max_length=120)}


class RangeForm(Form):
    fields = {"from": Date(), "to": Date()}

    def clean(self) -> None:
        start, end = self.cleaned["from"], self.cleaned["to"]
        if start and end and end < start:
            self.add_error("to", _("The end date is before the start date."))
        elif start and end and (end - start).days > MAX_RANGE_DAYS:
            self.add_error("to", _("Choose a shorter period, at most two years."))
