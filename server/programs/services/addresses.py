"""Web addresses of programs: made from the title the public sees, unique now and before, and never revealing a
discreet program's real title."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from server.errors import DomainError
from server.i18n import N_
from server.programs.tables import Program, ProgramSlugAlias

# Slugs that would shadow a fixed page under /manage/programs/ or /programs/.
RESERVED_SLUGS = ("new", "calendar.ics")

# Words too common to out anyone: an address may share them with a discreet program's real title
# ("kelompok-kamis-malam" for "Kelompok Dukungan Penyintas Kekerasan"). Kept small on purpose: every word
# added here is one the check lets through. Words shorter than MIN_SIGNIFICANT letters never count.
ADDRESS_STOP_WORDS = frozenset(
    {
        # Indonesian
        "dan",
        "atau",
        "untuk",
        "dengan",
        "yang",
        "dari",
        "bagi",
        "para",
        "pada",
        "kami",
        "kita",
        "kelompok",
        "kelas",
        "program",
        "sesi",
        "pertemuan",
        # English
        "the",
        "and",
        "for",
        "with",
        "from",
        "group",
        "class",
        "programme",
        "session",
        "meeting",
    }
)
MIN_SIGNIFICANT = 3
# A significant word at least this long is also refused inside a run-together address ("penyintaskamis").
MIN_EMBEDDED = 5
_WORD_RE = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    """Lowercase ASCII without diacritics, so "Perempuan" and "pérempuan" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def significant_words(text: str) -> set[str]:
    return {
        word
        for word in _WORD_RE.findall(_fold(text))
        if len(word) >= MIN_SIGNIFICANT and word not in ADDRESS_STOP_WORDS
    }


def address_leak(slug: str, real_title: str, public_title: str = "") -> str | None:
    """The first word of a discreet program's real title that its address would reveal, or None. A word the
    neutral public title also has is public already ("Kelompok Kamis" in both), so it reveals nothing."""
    slug_words = set(_WORD_RE.findall(_fold(slug)))
    joined = "".join(_WORD_RE.findall(_fold(slug)))
    for word in sorted(significant_words(real_title) - significant_words(public_title)):
        if word in slug_words or (len(word) >= MIN_EMBEDDED and word in joined):
            return word
    return None


def slugify(text: str) -> str:
    """A web address made from a title: ASCII words joined by hyphens, at most 80 characters."""
    words = _WORD_RE.findall(_fold(text))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > 70:
            break
        slug = candidate
    return slug or "program"


async def _address_taken(slug: str, program_id: int | None = None) -> bool:
    """Used by another program, now or before (an old address keeps redirecting its staff)."""
    if slug in RESERVED_SLUGS:
        return True
    current = Program.exists().where(Program.slug == slug)
    old = ProgramSlugAlias.exists().where(ProgramSlugAlias.slug == slug)
    if program_id is not None:
        current = current.where(Program.id != program_id)
        old = old.where(ProgramSlugAlias.program != program_id)
    return await current.run() or await old.run()


async def choose_address(values: dict[str, Any], program_id: int | None = None) -> None:
    """Fill in a missing address from the title the public sees — the neutral one for a discreet program — and
    refuse an address that would reveal a discreet program's real title."""
    if not values.get("slug"):
        base = slugify(str((values.get("public_title") if values.get("discreet") else values.get("title")) or ""))
        slug, number = base, 2
        while await _address_taken(slug, program_id):
            slug, number = f"{base}-{number}", number + 1
        values["slug"] = slug
    if values.get("discreet"):
        word = address_leak(values["slug"], values.get("title") or "", values.get("public_title") or "")
        if word:
            raise DomainError(
                "slug_reveals_title",
                N_(
                    "This web address contains “%(word)s” from the real title, and everyone sees the address. "
                    "Make it from the neutral public title."
                ),
                field="slug",
                word=word,
            )
    if await _address_taken(values["slug"], program_id):
        raise DomainError("slug_taken", N_("Another program already uses this web address."), field="slug")
