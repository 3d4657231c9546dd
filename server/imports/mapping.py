"""Which column holds which field: the fields an import can fill, and a guess from Indonesian or English headers."""

from __future__ import annotations

import re

from server.i18n import N_, gettext
from server.people.consent import AT_REGISTRATION, TITLES

IGNORE = ""
CONSENT_PREFIX = "consent_"
FIELD_LABELS = {
    "display_name": N_("Name (display name)"),
    "legal_name": N_("Legal name"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "preferred_locale": N_("Language"),
    "area": N_("Area"),
}
FIELDS = (*FIELD_LABELS, *(CONSENT_PREFIX + purpose for purpose in AT_REGISTRATION))

# Header words, lower case without punctuation; the first field whose words match wins.
_GUESSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("legal_name", ("nama lengkap", "nama sesuai ktp", "nama ktp", "nama resmi", "legal name", "full name")),
    ("email", ("email", "e mail", "surel")),
    ("phone", ("telepon", "telp", "no hp", "nomor hp", "hp", "handphone", "phone", "mobile", "whatsapp", "wa")),
    ("preferred_locale", ("bahasa", "language", "lang")),
    ("area", ("wilayah", "area", "desa", "kelurahan", "kecamatan", "kabupaten", "daerah", "domisili")),
    ("display_name", ("nama panggilan", "panggilan", "nama", "name", "nickname", "display name")),
)
# A consent column names consent and, for some purposes, what it is for ("Persetujuan dihubungi", "Consent: data").
_CONSENT_WORDS = ("persetujuan", "setuju", "izin", "consent", "agree", "agreed")
_PURPOSE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("contact", ("dihubungi", "hubungi", "kontak", "contact", "contacted")),
    ("data_collection", ("data", "pencatatan", "dicatat", "recording", "collection")),
    ("participation", ()),
)


def field_label(name: str) -> str:
    if name.startswith(CONSENT_PREFIX):
        return gettext(N_("Consent: %(purpose)s"), purpose=gettext(TITLES[name.removeprefix(CONSENT_PREFIX)]))
    return gettext(FIELD_LABELS[name])


def field_choices() -> list[tuple[str, str]]:
    return [(IGNORE, gettext(N_("(do not import)"))), *((name, field_label(name)) for name in FIELDS)]


def _words(header: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", header.lower()).split())


def guess(header: str) -> str:
    """The field a header most likely names, or IGNORE."""
    words = _words(header)
    if not words:
        return IGNORE
    padded = f" {words} "
    if any(f" {word} " in padded for word in _CONSENT_WORDS):
        for purpose, keys in _PURPOSE_WORDS:
            if not keys or any(f" {key} " in padded for key in keys):
                return CONSENT_PREFIX + purpose
    for name, keys in _GUESSES:
        if any(words == key or f" {key} " in padded for key in keys):
            return name
    return IGNORE


def guess_all(headers: list[str]) -> list[str]:
    """A guess per column; a field guessed twice is kept for its first column only."""
    taken: set[str] = set()
    found = []
    for header in headers:
        name = guess(header)
        if name in taken:
            name = IGNORE
        taken.add(name)
        found.append(name)
    return found
