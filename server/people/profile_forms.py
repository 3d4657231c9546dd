"""Input of the optional "about you" answers (the same form for staff and for the person on their page)."""

from __future__ import annotations

from server import clock
from server.errors import DomainError
from server.people.profile import GENDERS, MAX_AREA, WG_ANSWERS, WG_QUESTIONS, check_about
from server.web.forms import Choice, Form, Integer, Text


class AboutForm(Form):
    fields = {
        "gender": Choice(choices=GENDERS),
        "birth_year": Integer(),
        "area": Text(max_length=MAX_AREA),
        **{f"wg_{question}": Choice(choices=WG_ANSWERS) for question in WG_QUESTIONS},
    }

    def clean(self) -> None:
        # The service's own checks (year range, all six answers or none), in the same round as the fields'.
        try:
            check_about(self.cleaned, clock.organisation_today().year)
        except DomainError as refusal:
            self.refuse(refusal)
