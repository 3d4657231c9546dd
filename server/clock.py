"""The one clock: the current instant (which tests may freeze) and a place's local date."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from server.config import settings

# A module-level value rather than a context variable: the test client runs the app in tasks and threads of its
# own, and a frozen time must hold in all of them.
_frozen_at: datetime | None = None


def now() -> datetime:
    """The current instant, in UTC."""
    return _frozen_at if _frozen_at is not None else datetime.now(UTC)


def today(timezone_name: str, at: datetime | None = None) -> date:
    """The date it is in a place at an instant. "Today" for a licence, a lock or a due goal is the date where the
    program or organisation is, never the server's or UTC's date."""
    return (at or now()).astimezone(ZoneInfo(timezone_name)).date()


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Every `now()` answers `at` inside the block (tests of time-dependent pages)."""
    global _frozen_at
    if at.tzinfo is None:
        raise ValueError("a frozen time needs a timezone")
    previous, _frozen_at = _frozen_at, at.astimezone(UTC)
    try:
        yield _frozen_at
    finally:
        _frozen_at = previous


# The organisation's own timezone when an admin has set one (server.organisation sets it for each request as it
# loads the settings); the kernel cannot read that table, so the value is handed down here.
_organisation_timezone: ContextVar[str | None] = ContextVar("gotong_organisation_timezone", default=None)


def use_organisation_timezone(name: str | None) -> None:
    """Makes `name` (None: GOTONG_DEFAULT_TIMEZONE) the organisation's timezone for the current request or task."""
    _organisation_timezone.set(name)


def organisation_timezone() -> str:
    """The organisation's timezone: the one set in its settings page, else GOTONG_DEFAULT_TIMEZONE."""
    return _organisation_timezone.get() or settings.default_timezone


def organisation_today(at: datetime | None = None) -> date:
    """The organisation's date (its settings' timezone, else GOTONG_DEFAULT_TIMEZONE): licences, locks and report
    periods all use this one."""
    return today(organisation_timezone(), at)
