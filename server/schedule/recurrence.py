"""Pure recurrence rules: building RFC 5545 RRULEs from form choices and expanding them in local wall-clock time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from server.errors import DomainError
from server.web.i18n import N_

MAX_OCCURRENCES = 500
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("weekly", "monthly_weekday", "monthly_date")


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    local_start: datetime  # naive wall-clock time in the series' timezone


def build_rrule(
    *,
    frequency: str,
    first_day: date,
    weekdays: list[str] | None = None,
    interval: int = 1,
    until: date | None = None,
    count: int | None = None,
) -> str:
    """An RRULE from the choices a schedule form offers; the rule's dates are local to the program."""
    if frequency not in FREQUENCIES:
        raise DomainError("bad_frequency", N_("Choose one of the options."), field="frequency")
    if interval < 1 or interval > 52:
        raise DomainError("bad_interval", N_("Must be between 1 and 52."), field="interval")
    if (until is None) == (count is None):
        raise DomainError("no_end", N_("Give either an end date or a number of sessions."), field="until")
    parts = []
    if frequency == "weekly":
        days = [day for day in (weekdays or []) if day in WEEKDAY_CODES]
        if not days:
            days = [WEEKDAY_CODES[first_day.weekday()]]
        parts = ["FREQ=WEEKLY", f"INTERVAL={interval}", "BYDAY=" + ",".join(sorted(days, key=WEEKDAY_CODES.index))]
    elif frequency == "monthly_weekday":
        # "Second Tuesday": the nth weekday of the month of the first session; the 5th becomes "last".
        nth = (first_day.day - 1) // 7 + 1
        nth = -1 if nth == 5 else nth
        parts = ["FREQ=MONTHLY", f"INTERVAL={interval}", f"BYDAY={nth}{WEEKDAY_CODES[first_day.weekday()]}"]
    else:
        parts = ["FREQ=MONTHLY", f"INTERVAL={interval}", f"BYMONTHDAY={first_day.day}"]
    if count is not None:
        parts.append(f"COUNT={count}")
    else:
        # UNTIL is inclusive of the whole last day, written in local floating time like DTSTART.
        parts.append(f"UNTIL={until:%Y%m%d}T235959")
    return ";".join(parts)


def expand(rrule: str, local_start: datetime, tz_name: str, duration_minutes: int) -> list[Occurrence]:
    """Every occurrence of the rule; wall-clock times stay put across DST, instants are stored in UTC."""
    zone = ZoneInfo(tz_name)
    try:
        rule = rrulestr(rrule, dtstart=local_start, forceset=False)
    except (ValueError, TypeError):
        raise DomainError("bad_rrule", N_("This repeat rule is not valid."), field="frequency") from None
    occurrences = []
    for local in rule:
        if len(occurrences) >= MAX_OCCURRENCES:
            raise DomainError(
                "too_many_occurrences",
                N_("This schedule gives more than %(max)s sessions; choose an earlier end."),
                field="until",
                max=MAX_OCCURRENCES,
            )
        occurrences.append(_occurrence(local, zone, duration_minutes))
    if not occurrences:
        raise DomainError("no_occurrences", N_("This schedule gives no session at all; check the dates."), field="until")
    return occurrences


def _occurrence(local: datetime, zone: ZoneInfo, duration_minutes: int) -> Occurrence:
    starts = to_utc(local, zone)
    # Duration is wall-clock too: a 19:00–20:30 meeting on a DST night still ends at 20:30.
    ends = to_utc(local + timedelta(minutes=duration_minutes), zone)
    return Occurrence(starts_at=starts, ends_at=ends, local_start=local)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time to a UTC instant; a time skipped by DST moves forward, an ambiguous one takes the first."""
    aware = local.replace(tzinfo=zone, fold=0)
    roundtrip = aware.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None)
    if roundtrip != local:
        # Non-existent local time (spring forward): use the instant an hour later in wall-clock terms.
        aware = (local + timedelta(hours=1)).replace(tzinfo=zone, fold=0)
    return aware.astimezone(timezone.utc)


def local_datetime(day: date, at: time) -> datetime:
    return datetime.combine(day, at.replace(tzinfo=None, second=0, microsecond=0))
