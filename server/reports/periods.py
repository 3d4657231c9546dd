"""Report periods: whole local days of the organisation (its default timezone); this month, quarter and year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server import clock


def day_start(day: date) -> datetime:
    """The UTC instant a local day of the organisation starts."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(clock.organisation_timezone())).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """Whole local days from `first` to `last`, both included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        return day_start(self.last + timedelta(days=1))


def this_year(now: datetime) -> Period:
    today = clock.organisation_today(now)
    return Period(date(today.year, 1, 1), date(today.year, 12, 31))


def _month_after(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def calendar_periods(now: datetime) -> dict[str, Period]:
    """This month, this quarter and this year, in the organisation's timezone."""
    today = clock.organisation_today(now)
    month = date(today.year, today.month, 1)
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    quarter_end = _month_after(_month_after(_month_after(quarter))) - timedelta(days=1)
    return {
        "month": Period(month, _month_after(month) - timedelta(days=1)),
        "quarter": Period(quarter, quarter_end),
        "year": this_year(now),
    }


def kept_kind(period: Period) -> str | None:
    """The calendar kind (month, quarter, year) a period is exactly, if any; "months" for a run of whole months; None
    for a range of days. The kept "people served" rows answer exactly for the first four."""
    first, after = period.first, period.last + timedelta(days=1)
    if first.day != 1 or after.day != 1:
        return None
    months = (after.year - first.year) * 12 + after.month - first.month
    if months == 1:
        return "month"
    if months == 3 and first.month % 3 == 1:
        return "quarter"
    if months == 12 and first.month == 1:
        return "year"
    return "months"
