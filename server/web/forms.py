"""The one form-validation style: a Form declares fields, parses submitted text and collects translated field errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, available_timezones

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler

from server import phones
from server.errors import DomainError
from server.i18n import gettext as _

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DIGITS_RE = re.compile(r"^[+-]?[0-9]+$")
# Ids are 32-bit integer keys on PostgreSQL (and SQLite keeps them in that range too): anything outside is no id.
MAX_ID = 2**31 - 1
# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. None belongs on one line: a
# CR/LF in a title or a link breaks calendar feeds and headers, and NUL cannot be stored in PostgreSQL text.
SINGLE_LINE_FORBIDDEN_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Multi-line text keeps newlines and tabs, but no other control character.
MULTI_LINE_FORBIDDEN_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Invalid(ValueError):
    """A field's value was rejected; the message is already translated."""


@dataclass
class Field:
    required: bool = False
    max_length: int = 200
    label: str = ""
    many: bool = False
    multiline: bool = False

    def parse(self, raw: str) -> Any:
        return raw

    def empty(self) -> Any:
        return "" if not self.many else []

    def clean(self, raw: str | None) -> Any:
        raw = (raw or "").strip()
        forbidden = MULTI_LINE_FORBIDDEN_RE if self.multiline else SINGLE_LINE_FORBIDDEN_RE
        if forbidden.search(raw):
            if self.multiline:
                raise Invalid(_("Remove the invisible control characters from this text."))
            raise Invalid(_("Use a single line without tabs or invisible control characters."))
        if len(raw) > self.max_length:
            raise Invalid(_("At most %(n)s characters.", n=self.max_length))
        if not raw:
            if self.required:
                raise Invalid(_("This field is required."))
            return self.empty()
        return self.parse(raw)

    def clean_many(self, values: list[Any]) -> list[Any]:
        return [self.clean(v) for v in values if str(v).strip()]


@dataclass
class Text(Field):
    pattern: re.Pattern | None = None
    pattern_message: str = ""

    def parse(self, raw: str) -> str:
        if self.pattern is not None and not self.pattern.match(raw):
            raise Invalid(_(self.pattern_message) if self.pattern_message else _("This value is not valid."))
        return raw


@dataclass
class LongText(Field):
    max_length: int = 10_000
    multiline: bool = True


@dataclass
class Email(Field):
    max_length: int = 200

    def parse(self, raw: str) -> str:
        if not EMAIL_RE.match(raw):
            raise Invalid(_("Enter a valid e-mail address, like nama@contoh.id."))
        return raw.lower()


@dataclass
class Phone(Field):
    max_length: int = 30

    def parse(self, raw: str) -> str:
        # Kept as typed (that is how the person knows their number); links use its E.164 form (server/phones.py).
        if not PHONE_RE.match(raw) or not phones.is_valid(raw):
            raise Invalid(_("Enter a valid phone number, like 0812 3456 7890."))
        return raw


@dataclass
class Url(Field):
    max_length: int = 500

    def parse(self, raw: str) -> str:
        if not re.match(r"^https?://[^\s/$.?#][^\s]*$", raw):
            raise Invalid(_("Enter a full web address starting with https://."))
        return raw


@dataclass
class Slug(Field):
    max_length: int = 80

    def parse(self, raw: str) -> str:
        raw = raw.lower()
        if not SLUG_RE.match(raw):
            raise Invalid(_("Use lowercase letters, digits and hyphens only."))
        return raw


@dataclass
class Integer(Field):
    """A whole number in ASCII digits; without explicit bounds it still fits a 32-bit database column."""

    max_length: int = 12
    min_value: int | None = None
    max_value: int | None = None

    def empty(self) -> Any:
        return None

    def parse(self, raw: str) -> int:
        # int() alone would also take "1_000", " 7" and other scripts' digits.
        if not DIGITS_RE.match(raw):
            raise Invalid(_("Enter a whole number."))
        value = int(raw)
        low = -MAX_ID - 1 if self.min_value is None else self.min_value
        high = MAX_ID if self.max_value is None else self.max_value
        if value < low:
            raise Invalid(_("Must be at least %(n)s.", n=low))
        if value > high:
            raise Invalid(_("Must be at most %(n)s.", n=high))
        return value


def parse_id(raw: Any) -> int | None:
    """An id from a form, query string or path: ASCII digits in 1..2**31-1, else None (callers answer 400 or 404)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 1 <= raw <= MAX_ID else None
    text = str(raw or "")
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def path_ids_guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
    """Every `{name:int}` path segment is an id: outside 1..2**31-1 it names nothing, so a plain 404 (never a
    database overflow turned into a 500)."""
    for value in connection.path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and parse_id(value) is None:
            raise NotFoundException()


@dataclass
class Id(Field):
    """One id (a select of people or programs): 1..2**31-1, anything else is "choose one of the options"."""

    max_length: int = 40

    def empty(self) -> Any:
        return None

    def clean(self, raw: str | None) -> Any:
        # Whatever is wrong with a submitted id, the person can only have picked from a list.
        if raw and SINGLE_LINE_FORBIDDEN_RE.search(raw):
            raise Invalid(_("Choose one of the options."))
        return super().clean(raw)

    def parse(self, raw: str) -> int:
        value = parse_id(raw)
        if value is None:
            raise Invalid(_("Choose one of the options."))
        return value


@dataclass
class Decimal(Field):
    max_length: int = 20
    min_value: float | None = None

    def empty(self) -> Any:
        return None

    def parse(self, raw: str) -> float:
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            raise Invalid(_("Enter a number.")) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise Invalid(_("Enter a number."))
        if self.min_value is not None and value < self.min_value:
            raise Invalid(_("Must be at least %(n)s.", n=self.min_value))
        return value


@dataclass
class Date(Field):
    max_length: int = 10

    def empty(self) -> Any:
        return None

    def parse(self, raw: str) -> date:
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            raise Invalid(_("Enter a date as YYYY-MM-DD.")) from None
        if not 1900 <= value.year <= 2200:
            raise Invalid(_("Enter a date as YYYY-MM-DD."))
        return value


@dataclass
class Time(Field):
    max_length: int = 8

    def empty(self) -> Any:
        return None

    def parse(self, raw: str) -> time:
        try:
            return time.fromisoformat(raw)
        except ValueError:
            raise Invalid(_("Enter a time as HH:MM.")) from None


@dataclass
class DateTimeLocal(Field):
    max_length: int = 19

    def empty(self) -> Any:
        return None

    def parse(self, raw: str) -> datetime:
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise Invalid(_("Enter a date and time.")) from None
        if value.tzinfo is not None or not 1900 <= value.year <= 2200:
            raise Invalid(_("Enter a date and time."))
        return value


@dataclass
class Choice(Field):
    choices: tuple[str, ...] = ()
    max_length: int = 60

    def parse(self, raw: str) -> str:
        if raw not in self.choices:
            raise Invalid(_("Choose one of the options."))
        return raw


@dataclass
class Checkbox(Field):
    max_length: int = 10

    def empty(self) -> Any:
        return False

    def parse(self, raw: str) -> bool:
        return raw in ("on", "1", "true", "yes")


@dataclass
class TimeZone(Field):
    max_length: int = 64

    def parse(self, raw: str) -> str:
        if raw not in _timezones():
            raise Invalid(_("Choose a timezone from the list, like Asia/Jakarta."))
        ZoneInfo(raw)
        return raw


@dataclass
class IdList(Id):
    """Several ids submitted under one name (checkbox lists, multi-selects); each must be a valid id."""

    many: bool = True

    def clean_many(self, values: list[Any]) -> list[Any]:
        # The same box ticked twice is one choice, not a duplicate row.
        return list(dict.fromkeys(super().clean_many(values)))


_TIMEZONES: set[str] | None = None


def _timezones() -> set[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = available_timezones()
    return _TIMEZONES


def common_timezones() -> list[str]:
    wanted = [
        "Asia/Jakarta",
        "Asia/Makassar",
        "Asia/Jayapura",
        "Asia/Singapore",
        "Asia/Manila",
        "Australia/Darwin",
        "Europe/Amsterdam",
        "Europe/Berlin",
        "Europe/London",
        "America/New_York",
        "UTC",
    ]
    return [zone for zone in wanted if zone in _timezones()]


class Undecided(KeyError):
    """A cross-field rule asked for a value that failed its own check: that rule waits for the next round."""


class _Cleaned(dict[str, Any]):
    """The cleaned values; reading one whose field was refused raises `Undecided` (any other unknown name stays a
    KeyError, a bug to see)."""

    def __init__(self, refused: dict[str, str]) -> None:
        super().__init__()
        self._refused = refused

    def __missing__(self, name: str) -> Any:
        if name in self._refused:
            raise Undecided(name)
        raise KeyError(name)


class Form:
    """Subclasses declare `fields`; `clean()` may add cross-field checks with `add_error`. Every field is checked and
    `clean()` runs even when some fields were refused, so that a form reports all its errors in one round; a rule
    that reads a refused field's value (`self[name]`) is skipped (`cleaned.get(name)` answers None)."""

    fields: ClassVar[dict[str, Field]] = {}

    def __init__(self, data: Mapping[str, Any] | None = None, initial: Mapping[str, Any] | None = None) -> None:
        self.data = data
        self.initial = dict(initial or {})
        self.errors: dict[str, str] = {}
        self.cleaned: dict[str, Any] = _Cleaned(self.errors)
        self._validated = False
        # What an invalid form answers with; `refuse` raises it to 409 for a rule conflict.
        self.status_code = 400

    def raw(self, name: str) -> Any:
        """What to put back in the input: the submitted text, or the initial value."""
        if self.data is not None:
            if self.fields.get(name) and self.fields[name].many:
                return _getall(self.data, name)
            return self.data.get(name, "")
        value = self.initial.get(name, "")
        return "" if value is None else value

    def is_valid(self) -> bool:
        if self.data is None:
            return False
        if not self._validated:
            self._validated = True
            for name, field in self.fields.items():
                try:
                    if field.many:
                        values = _getall(self.data, name)
                        if len(values) > 500:
                            raise Invalid(_("Too many values."))
                        self.cleaned[name] = field.clean_many(values)
                        if field.required and not self.cleaned[name]:
                            raise Invalid(_("This field is required."))
                    else:
                        value = self.data.get(name)
                        self.cleaned[name] = field.clean(
                            value if isinstance(value, str) or value is None else str(value)
                        )
                except Invalid as error:
                    self.errors[name] = str(error)
            try:
                self.clean()
            except Undecided:
                pass
        return not self.errors

    def clean(self) -> None:
        """Cross-field rules; override and call add_error."""

    def refuse(self, error: DomainError, field: str | None = None) -> None:
        """A rule said no: its message goes next to its field (or `field`, or the form's top) and the form
        remembers the status to answer with (`status_code`: 400 for bad input, 409 for a rule conflict)."""
        self.add_error(error.field or field or "__all__", error.translated())
        self.status_code = 400 if (error.field or field) else error.status

    def add_error(self, name: str, message: str) -> None:
        # A field's own error (a missing or malformed value) comes first: a rule's message waits until it is fixed.
        self.errors.setdefault(name, message)

    def __getitem__(self, name: str) -> Any:
        return self.cleaned[name]


def _getall(data: Mapping[str, Any], name: str) -> list[Any]:
    getter: Callable[[str], list[Any]] | None = getattr(data, "getall", None)
    if getter is not None:
        try:
            return list(getter(name))
        except KeyError:
            return []
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
