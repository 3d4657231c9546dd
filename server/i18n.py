"""Languages: the active locale per request, gettext for code and templates, and Babel formatting."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from server.config import ROOT, SUPPORTED_LOCALES, settings

LOCALES_DIR = ROOT / "locales"
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
_active: ContextVar[str] = ContextVar("gotong_locale", default=settings.default_locale)


@cache
def translations(locale: str) -> NullTranslations:
    """Catalogs are read from the .po files at start-up, so there is no compile step to forget."""
    po_path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def set_locale(locale: str) -> None:
    _active.set(locale if locale in SUPPORTED_LOCALES else "id")


def get_locale() -> str:
    return _active.get()


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Translate in `locale` for the block (a feed in its owner's language), then back to the request's."""
    token = _active.set(locale if locale in SUPPORTED_LOCALES else settings.default_locale)
    try:
        yield
    finally:
        _active.reset(token)


def gettext(message: str, **params: object) -> str:
    text = translations(get_locale()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


_ = gettext


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated later, when it is shown."""
    return message


def negotiate(accept_language: str | None, default: str) -> str:
    """The best supported locale for an Accept-Language header."""
    if not accept_language:
        return default
    wanted = []
    for part in accept_language.split(","):
        piece = part.strip().split(";")
        tag = piece[0].strip().lower()
        quality = 1.0
        for param in piece[1:]:
            if param.strip().startswith("q="):
                try:
                    quality = float(param.strip()[2:])
                except ValueError:
                    quality = 0.0
        if tag:
            wanted.append((quality, tag))
    for _quality, tag in sorted(wanted, key=lambda item: -item[0]):
        primary = tag.split("-")[0]
        if primary in SUPPORTED_LOCALES:
            return primary
    return default


def _babel_locale() -> Locale:
    return Locale.parse(get_locale())


# The one date style, in Babel's (CLDR) terms, for every date a person reads (pages, printed reports, certificates,
# feed descriptions): the medium date ("1 Des 2026" · "Dec 1, 2026") and the short time ("17.00" · "5:00 PM"),
# joined by the language's own pattern; "long" ("1 Desember 2026" · "December 1, 2026") for the dates in a printed
# document's sentences; "month" for a month's heading. The numeric short form is never shown: "12/1/26" is the
# first of December in English and the twelfth of January in Indonesian. Files for machines (CSV, iCalendar) use
# ISO 8601 and explicit patterns instead.
DATE_STYLE = "medium"
TIME_STYLE = "short"
DATE_STYLES = {"short": DATE_STYLE, "medium": DATE_STYLE, "long": "long", "full": "full", "month": "LLLL yyyy"}


def _local(value: datetime, tz: tzinfo | str | None) -> datetime:
    if tz is None:
        return value
    return value.astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz)


def format_date(value: date | datetime | None, format: str = DATE_STYLE, tz: tzinfo | str | None = None) -> str:
    """A date in the house style (`format` names a style of DATE_STYLES, or is an explicit CLDR pattern)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value, tz).date()
    return dates.format_date(value, format=DATE_STYLES.get(format, format), locale=_babel_locale())


def format_time(value: datetime | None, tz: tzinfo | str | None = None, format: str = TIME_STYLE) -> str:
    if value is None:
        return ""
    return dates.format_time(_local(value, tz), format=format, locale=_babel_locale())


def format_datetime(value: datetime | None, tz: tzinfo | str | None = None, format: str = DATE_STYLE) -> str:
    """A moment in the house style: its date (a style of DATE_STYLES) and its short time, in the language's order;
    any other `format` is an explicit CLDR pattern."""
    if value is None:
        return ""
    value = _local(value, tz)
    if format not in DATE_STYLES:
        return dates.format_datetime(value, format=format, locale=_babel_locale())
    joined = str(_babel_locale().datetime_formats[DATE_STYLE])  # "{1} {0}" · "{1}, {0}"
    return joined.format(format_time(value), format_date(value, format))


def format_weekday(value: date | datetime, tz: tzinfo | str | None = None) -> str:
    if isinstance(value, datetime):
        value = _local(value, tz)
    return dates.format_date(value, format="EEEE", locale=_babel_locale())


def format_number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(value, format=pattern, locale=_babel_locale())


def format_percent(value: float | None) -> str:
    if value is None:
        return "–"
    return numbers.format_percent(value, locale=_babel_locale())
