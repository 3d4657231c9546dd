"""The preview: each row checked (new, possible duplicate, or error with its reason), with duplicates looked up in
a few batched queries whatever the number of rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.query import WhereRaw

from server import clock, phones
from server.enrolment.waitlist import places_taken
from server.i18n import N_, gettext
from server.imports.mapping import CONSENT_PREFIX, FIELDS, field_label
from server.imports.reading import Cell, Formula, Sheet
from server.people.consent import AT_REGISTRATION
from server.people.participants import phone_digits
from server.people.profile import normal_area
from server.people.tables import Participant
from server.web.forms import EMAIL_RE, PHONE_RE, SINGLE_LINE_FORBIDDEN_RE

# Rows looked up per duplicate query: a few queries for 5,000 rows, and within every database's parameter limit.
LOOKUP_CHUNK = 500
MAX_LENGTHS = {"display_name": 120, "legal_name": 200, "phone": 30, "email": 200, "area": 120}
YES = {"ya", "y", "yes", "x", "v", "1", "true", "benar", "setuju", "sudah", "✓", "✔"}
NO = {"", "tidak", "tdk", "t", "no", "n", "0", "false", "-", "belum"}
LANGUAGES = {
    "id": "id",
    "ind": "id",
    "indonesia": "id",
    "bahasa indonesia": "id",
    "indonesian": "id",
    "en": "en",
    "eng": "en",
    "english": "en",
    "inggris": "en",
    "bahasa inggris": "en",
}
DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


@dataclass
class Row:
    """One row's result: `state` is new, duplicate or error."""

    number: int
    values: dict[str, str]
    consents: dict[str, date] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    same_as_row: int | None = None
    place: str = ""  # enrolled | waitlisted, when a program was chosen

    @property
    def state(self) -> str:
        if self.errors:
            return "error"
        if self.duplicates or self.same_as_row:
            return "duplicate"
        return "new"

    def match_keys(self) -> tuple[str, str, str]:
        return (
            phone_digits(self.values["phone"]) if self.values["phone"] else "",
            self.values["email"],
            normal_name(self.values["display_name"]),
        )


@dataclass
class Preview:
    rows: list[Row]
    places_left: int | None = None

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)


def normal_name(name: str) -> str:
    return " ".join(name.lower().split())


def parse_date(text: str) -> date | None:
    """2026-03-01, 01/03/2026, 1-3-2026 or 01.03.2026 (day first, as written in Indonesia)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = DATE_RE.match(text)
    if match:
        try:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None
    return None


def consent_moment(day: date) -> datetime:
    """A consent dated on paper is recorded at noon of that day in the organisation's timezone."""
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(clock.organisation_timezone()))


def _check_row(
    number: int, cells: list[Cell], mapping: list[str], headers: list[str], default_date: date | None, today: date
) -> Row:
    raw: dict[str, str] = {name: "" for name in FIELDS}
    errors: list[str] = []
    for column, name in enumerate(mapping):
        if not name:
            continue
        cell = cells[column] if column < len(cells) else ""
        if isinstance(cell, Formula):
            errors.append(
                gettext(
                    N_('Column "%(column)s": a formula, not a value. Type the value itself.'), column=headers[column]
                )
            )
            continue
        raw[name] = cell
    row = Row(number=number, values={name: raw[name] for name in FIELDS if not name.startswith(CONSENT_PREFIX)})
    values = row.values
    for name, limit in MAX_LENGTHS.items():
        if SINGLE_LINE_FORBIDDEN_RE.search(values[name]):
            errors.append(gettext(N_("%(field)s: remove the invisible control characters."), field=field_label(name)))
        elif len(values[name]) > limit:
            errors.append(gettext(N_("%(field)s: at most %(n)s characters."), field=field_label(name), n=limit))
    if not values["display_name"]:
        errors.append(gettext(N_("The name is missing.")))
    if values["phone"] and not (PHONE_RE.match(values["phone"]) and phones.is_valid(values["phone"])):
        errors.append(gettext(N_("Phone: %(value)s is not a phone number."), value=values["phone"]))
    values["email"] = values["email"].lower()
    if values["email"] and not EMAIL_RE.match(values["email"]):
        errors.append(gettext(N_("E-mail: %(value)s is not an e-mail address."), value=values["email"]))
    language = LANGUAGES.get(normal_name(values["preferred_locale"]) or "id")
    if language is None:
        errors.append(gettext(N_("Language: write id or en (%(value)s)."), value=values["preferred_locale"]))
    values["preferred_locale"] = language or "id"
    values["area"] = normal_area(values["area"])
    for purpose in AT_REGISTRATION:
        text = normal_name(raw[CONSENT_PREFIX + purpose])
        if text in NO:
            continue
        day = default_date if text in YES else parse_date(text)
        label = field_label(CONSENT_PREFIX + purpose)
        if text in YES and day is None:
            errors.append(gettext(N_("%(field)s: give the date of the paper forms above."), field=label))
        elif day is None:
            errors.append(gettext(N_("%(field)s: write a date (like 2026-03-01) or yes/no."), field=label))
        elif day > today:
            errors.append(gettext(N_("%(field)s: the date is in the future."), field=label))
        else:
            row.consents[purpose] = day
    if (values["phone"] or values["email"]) and "contact" not in row.consents:
        errors.append(gettext(N_("A phone number or e-mail address is kept only with consent to be contacted.")))
    if values["area"] and "data_collection" not in row.consents:
        errors.append(gettext(N_("The area is kept only with consent to recording information.")))
    row.errors = errors
    return row


async def check_rows(
    sheet: Sheet, mapping: list[str], *, default_date: date | None, program: dict[str, Any] | None
) -> Preview:
    today = clock.organisation_today()
    rows = [_check_row(number, cells, mapping, sheet.headers, default_date, today) for number, cells in sheet.rows]
    if program is not None:
        for row in rows:
            if not row.errors and "participation" not in row.consents:
                row.errors.append(gettext(N_("To enrol this person, their consent to take part is needed.")))
    await _find_duplicates(rows)
    preview = Preview(rows=rows)
    if program is not None:
        preview.places_left = await _places_left(program)
        left = preview.places_left
        for row in rows:
            if row.state == "new":
                row.place = "enrolled" if left is None or left > 0 else "waitlisted"
                left = None if left is None else max(0, left - 1)
    return preview


async def _places_left(program: dict[str, Any]) -> int | None:
    if program.get("capacity") is None:
        return None
    return max(0, program["capacity"] - await places_taken(program["id"]))


async def _find_duplicates(rows: list[Row]) -> None:
    """Same phone, e-mail or name (lower case, single-spaced) as someone registered, or as an earlier row."""
    seen: dict[str, int] = {}
    for row in rows:
        for key in row.match_keys():
            if key and key in seen and not row.same_as_row:
                row.same_as_row = seen[key]
        for key in row.match_keys():
            seen.setdefault(key, row.number)
    for start in range(0, len(rows), LOOKUP_CHUNK):
        chunk = rows[start : start + LOOKUP_CHUNK]
        found = await _registered_like(chunk)
        for row in chunk:
            digits, email, name = row.match_keys()
            for person in found:
                reason = ""
                if digits and person["phone_digits"] == digits:
                    reason = "phone"
                elif email and person["email"] == email:
                    reason = "email"
                elif name and name in (normal_name(person["display_name"]), normal_name(person["legal_name"])):
                    reason = "name"
                if reason:
                    row.duplicates.append(
                        {"id": person["id"], "display_name": person["display_name"], "reason": reason}
                    )


async def _registered_like(rows: list[Row]) -> list[dict[str, Any]]:
    """Registered people sharing a phone, e-mail or name with any of these rows, in one query."""
    digits = sorted({row.match_keys()[0] for row in rows} - {""})
    emails = sorted({row.match_keys()[1] for row in rows} - {""})
    names = sorted({row.match_keys()[2] for row in rows} - {""})
    clauses: list[Any] = []
    if digits:
        clauses.append(Participant.phone_digits.is_in(digits))
    if emails:
        clauses.append(Participant.email.is_in(emails))
    if names:
        marks = ", ".join("{}" for _ in names)
        clauses.append(WhereRaw(f"LOWER(display_name) IN ({marks})", *names))
        clauses.append(WhereRaw(f"LOWER(legal_name) IN ({marks})", *names))
    if not clauses:
        return []
    condition = clauses[0]
    for clause in clauses[1:]:
        condition = condition | clause
    return (
        await Participant.select(
            Participant.id,
            Participant.display_name,
            Participant.legal_name,
            Participant.phone_digits,
            Participant.email,
        )
        .where(condition & Participant.anonymised_at.is_null())
        .run()
    )
