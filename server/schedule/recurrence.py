"""Pure recurrence rules: building RFC 5545 RRULEs from form choices and expanding them in local wall-clock time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr

from server.errors import DomainError
from server.i18n import N_, format_date, get_locale, gettext, ngettext

MAX_OCCURRENCES = 500
MAX_INTERVAL = 52
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("weekly", "monthly_weekday", "monthly_last_weekday", "monthly_date")


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    local_start: datetime  # naive wall-clock time in the series' timezone


def build_rrule(
    *,
    frequency: str,
    first_day: date,
    weekdays: list[str] | tuple[str, ...] | None = None,
    interval: int = 1,
    until: date | None = None,
    count: int | None = None,
) -> str:
    """An RRULE from the choices a schedule form offers; the rule's dates are local to the program."""
    if frequency not in FREQUENCIES:
        raise DomainError("bad_frequency", N_("Choose one of the options."), field="frequency")
    if interval < 1 or interval > MAX_INTERVAL:
        raise DomainError("bad_interval", N_("Must be between 1 and 52."), field="interval")
    if (until is None) == (count is None):
        raise DomainError("no_end", N_("Give either an end date or a number of sessions."), field="until")
    if until is not None and until < first_day:
        raise DomainError("until_before_start", N_("The end date is before the first session."), field="until")
    if count is not None and count < 1:
        raise DomainError("bad_count", N_("Must be at least %(n)s."), field="count", n=1)
    if count is not None and count > MAX_OCCURRENCES:
        raise DomainError(
            "too_many_occurrences",
            N_("This schedule gives more than %(max)s sessions; choose an earlier end."),
            field="count",
            max=MAX_OCCURRENCES,
        )
    if frequency == "weekly":
        days = [day for day in (weekdays or []) if day in WEEKDAY_CODES]
        if not days:
            days = [WEEKDAY_CODES[first_day.weekday()]]
        parts = ["FREQ=WEEKLY", f"INTERVAL={interval}", "BYDAY=" + ",".join(sorted(set(days), key=WEEKDAY_CODES.index))]
    elif frequency == "monthly_weekday":
        # "Second Tuesday": the nth weekday of the month of the first session; a 5th becomes "last",
        # because most months have no fifth Tuesday.
        nth = (first_day.day - 1) // 7 + 1
        nth = -1 if nth == 5 else nth
        parts = ["FREQ=MONTHLY", f"INTERVAL={interval}", f"BYDAY={nth}{WEEKDAY_CODES[first_day.weekday()]}"]
    elif frequency == "monthly_last_weekday":
        if (first_day + timedelta(days=7)).month == first_day.month:
            raise DomainError(
                "not_last_weekday",
                N_("The first session is not on the last such weekday of its month."),
                field="frequency",
            )
        parts = ["FREQ=MONTHLY", f"INTERVAL={interval}", f"BYDAY=-1{WEEKDAY_CODES[first_day.weekday()]}"]
    else:
        # Months without this date (the 31st in April) are skipped, as RFC 5545 says.
        parts = ["FREQ=MONTHLY", f"INTERVAL={interval}", f"BYMONTHDAY={first_day.day}"]
    if count is not None:
        parts.append(f"COUNT={count}")
    else:
        # UNTIL is inclusive of the whole last day, written in local floating time like DTSTART.
        parts.append(f"UNTIL={until:%Y%m%d}T235959")
    return ";".join(parts)


def _rule(rrule: str, local_start: datetime) -> RRule:
    try:
        rule = rrulestr(rrule, dtstart=local_start, forceset=False)
    except (ValueError, TypeError):
        raise DomainError("bad_rrule", N_("This repeat rule is not valid."), field="frequency") from None
    if not isinstance(rule, RRule):
        raise DomainError("bad_rrule", N_("This repeat rule is not valid."), field="frequency")
    return rule


def expand(rrule: str, local_start: datetime, tz_name: str, duration_minutes: int) -> list[Occurrence]:
    """Every occurrence of the rule; wall-clock times stay put across DST, instants are stored in UTC."""
    zone = ZoneInfo(tz_name)
    rule = _rule(rrule, local_start)
    occurrences: list[Occurrence] = []
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
        raise DomainError(
            "no_occurrences", N_("This schedule gives no session at all; check the dates."), field="until"
        )
    return occurrences


def split(rrule: str, local_start: datetime, boundary: datetime, new_start: datetime) -> tuple[str, str]:
    """Cuts a rule at one of its occurrences (`boundary`, local): the rule that ends just before it, and the
    rule for the rest anchored at `new_start`. A counted rule keeps its total: the rest gets what remains."""
    rule = _rule(rrule, local_start)
    head = rule.replace(until=boundary - timedelta(seconds=1), count=None)
    if rule._count is not None:
        remaining = sum(1 for local in rule if local >= boundary)
        tail = rule.replace(dtstart=new_start, count=max(remaining, 1), until=None)
    else:
        tail = rule.replace(dtstart=new_start)
    return _rrule_line(head), _rrule_line(tail)


def _rrule_line(rule: RRule) -> str:
    # str(rule) is "DTSTART:…\nRRULE:…"; the series keeps its start in its own column.
    for line in str(rule).splitlines():
        if line.startswith("RRULE:"):
            return line[len("RRULE:") :]
    raise ValueError("rule without an RRULE line")


def _occurrence(local: datetime, zone: ZoneInfo, duration_minutes: int) -> Occurrence:
    starts = to_utc(local, zone)
    # Duration is wall-clock too: a 19:00–20:30 meeting on a DST night still ends at 20:30.
    ends = to_utc(local + timedelta(minutes=duration_minutes), zone)
    return Occurrence(starts_at=starts, ends_at=ends, local_start=local)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time to a UTC instant; a time skipped by DST moves forward, an ambiguous one takes the first."""
    aware = local.replace(tzinfo=zone, fold=0)
    roundtrip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if roundtrip != local:
        # Non-existent local time (spring forward): use the instant an hour later in wall-clock terms.
        aware = (local + timedelta(hours=1)).replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC)


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """A stored UTC instant as naive wall-clock time in `zone`."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(zone).replace(tzinfo=None)


def local_datetime(day: date, at: time) -> datetime:
    return datetime.combine(day, at.replace(tzinfo=None, second=0, microsecond=0))


# --- describing a rule in words ----------------------------------------------------------------------

_NTH = {
    1: N_("the first %(day)s"),
    2: N_("the second %(day)s"),
    3: N_("the third %(day)s"),
    4: N_("the fourth %(day)s"),
    -1: N_("the last %(day)s"),
}


def _parts(rrule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rrule.split(";") if "=" in part)


def _day_name(code: str) -> str:
    return babel_dates.get_day_names("wide", locale=get_locale())[WEEKDAY_CODES.index(code)]


def describe(rrule: str) -> str:
    """The rule in the viewer's language, like "Every 2 weeks on Tuesday, Thursday; until 30 Jun 2026"."""
    parts = _parts(rrule)
    interval = int(parts.get("INTERVAL", "1") or 1)
    byday = [day for day in parts.get("BYDAY", "").split(",") if day]
    if parts.get("FREQ") == "WEEKLY":
        days = ", ".join(_day_name(day) for day in byday if day in WEEKDAY_CODES)
        text = ngettext("Every week on %(days)s", "Every %(num)s weeks on %(days)s", interval, days=days)
    elif parts.get("FREQ") == "MONTHLY" and byday:
        code = byday[0][-2:]
        nth = int(byday[0][:-2] or 1)
        when = gettext(_NTH.get(nth, _NTH[1]), day=_day_name(code))
        text = ngettext("Every month on %(when)s", "Every %(num)s months on %(when)s", interval, when=when)
    elif parts.get("FREQ") == "MONTHLY":
        text = ngettext(
            "Every month on day %(day)s",
            "Every %(num)s months on day %(day)s",
            interval,
            day=parts.get("BYMONTHDAY", ""),
        )
    else:
        text = gettext("Repeating")
    if "COUNT" in parts:
        return gettext(
            "%(rule)s; %(end)s", rule=text, end=ngettext("%(num)s time", "%(num)s times", int(parts["COUNT"]))
        )
    if "UNTIL" in parts:
        try:
            until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        except ValueError:
            return text
        end = gettext("until %(date)s", date=format_date(until))
        return gettext("%(rule)s; %(end)s", rule=text, end=end)
    return text
