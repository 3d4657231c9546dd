"""Input parsing for sessions, series, occurrence edits and cancellations; the rules live in services."""

from __future__ import annotations

from server.errors import DomainError
from server.schedule import services
from server.schedule.recurrence import FREQUENCIES, MAX_INTERVAL, WEEKDAY_CODES
from server.web.forms import Choice, Date, Form, IdList, Integer, Text, Time

SCOPES = ("one", "following", "series")
RETURN_TO = ("schedule", "session")


def _session_fields() -> dict:
    return {
        "date": Date(required=True),
        "start_time": Time(required=True),
        "end_time": Time(required=True),
        "topic": Text(max_length=300),
        "location": Text(max_length=300),
        "online_link": Text(max_length=500),
        "facilitators": IdList(),
    }


class _SessionInput(Form):
    def clean(self) -> None:
        # The schedule's checks that need no database (done again when the session is saved), in the same round as
        # the fields' own errors.
        try:
            services.check_link(self.cleaned.get("online_link") or "")
        except DomainError as refusal:
            self.refuse(refusal)
        start, end = self.cleaned.get("start_time"), self.cleaned.get("end_time")
        try:
            if start and end:
                services.check_times(start, end)
        except DomainError as refusal:
            self.refuse(refusal)

    def details(self) -> services.Details:
        return services.Details(
            topic=self["topic"],
            location=self["location"],
            online_link=self["online_link"],
            facilitator_ids=tuple(self["facilitators"]),
        )


class SessionForm(_SessionInput):
    """A one-off session."""

    fields = _session_fields()


class SeriesForm(_SessionInput):
    """A recurring series: `date` is the first session; it ends on `until` or after `count` sessions."""

    fields = {
        **_session_fields(),
        "frequency": Choice(required=True, choices=FREQUENCIES),
        "weekdays": Choice(many=True, choices=WEEKDAY_CODES),
        "interval": Integer(min_value=1, max_value=MAX_INTERVAL),
        "until": Date(),
        "count": Integer(min_value=1, max_value=100_000),
    }

    def repeat(self) -> services.Repeat:
        return services.Repeat(
            frequency=self["frequency"],
            first_day=self["date"],
            weekdays=tuple(self["weekdays"]),
            interval=self["interval"] or 1,
            until=self["until"],
            count=self["count"],
        )


class EditSessionForm(_SessionInput):
    """One session, this and the following ones, or the whole series."""

    fields = {**_session_fields(), "scope": Choice(required=True, choices=SCOPES)}


class CancelForm(Form):
    fields = {"reason": Text(required=True, max_length=500)}


class ReturnForm(Form):
    """Which page a status change came from, so that it answers with that page (or its block)."""

    fields = {"return_to": Choice(choices=RETURN_TO)}
