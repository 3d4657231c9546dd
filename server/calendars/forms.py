"""Input of the calendar pages: the staff member's choice about real details in their own feed."""

from __future__ import annotations

from server.web.forms import Checkbox, Form


class FeedDetailsForm(Form):
    fields = {"real_details": Checkbox()}
