"""Keeps the translation catalogs in step with the code: python -m server.web.catalogs [update|check]."""

from __future__ import annotations

import os
import re
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from server.config import ROOT, SUPPORTED_LOCALES
from server.i18n import LOCALES_DIR

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHOD_MAP = [("server/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
PLACEHOLDER = re.compile(r"%\((\w+)\)")
SKIPPED_DIRECTORIES = {"__pycache__", "node_modules"}


def _directory_filter(path: str) -> bool:
    # Babel's default filter also skips folders whose name starts with "_", which left templates/_macros/ (the
    # shared form and calendar macros, on nearly every page) out of both catalogs.
    name = os.path.basename(path)
    return not name.startswith(".") and name not in SKIPPED_DIRECTORIES


def extract(root: Path = ROOT) -> Catalog:
    """A fresh template catalog, in memory, of every message marked in server/**.py and templates/**.html."""
    template = Catalog(project="Gotong", version="1", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root),
        method_map=METHOD_MAP,
        options_map=OPTIONS,
        keywords=KEYWORDS,
        strip_comment_tags=True,
        directory_filter=_directory_filter,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _po_path(locale: str):
    return LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    path = _po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="Gotong", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def update() -> None:
    template = extract()
    for locale in SUPPORTED_LOCALES:
        catalog = load(locale)
        catalog.update(template, no_fuzzy_matching=True)
        if locale == "en":
            # Source strings are English; the English catalog mirrors them so both stay complete.
            for message in catalog:
                if not message.id:
                    continue
                if isinstance(message.id, (tuple, list)):
                    if not isinstance(message.string, (tuple, list)) or not all(message.string):
                        message.string = tuple(message.id)
                        message.flags.discard("fuzzy")
                elif not message.string:
                    message.string = message.id
                    message.flags.discard("fuzzy")
        path = _po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = BytesIO()
        write_po(
            buffer, catalog, omit_header=False, sort_output=False, width=0, include_previous=False, ignore_obsolete=True
        )
        path.write_bytes(buffer.getvalue())


def missing(template: Catalog | None = None) -> dict[str, list[str]]:
    """Messages in the code or templates (extracted afresh unless given) that a catalog lacks or leaves
    untranslated."""
    template = template if template is not None else extract()
    gaps: dict[str, list[str]] = {}
    for locale in SUPPORTED_LOCALES:
        catalog = load(locale)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id)
            strings = found.string if found else None
            untranslated = (
                found is None
                or "fuzzy" in found.flags
                or (isinstance(strings, tuple) and not all(strings))
                or (not isinstance(strings, tuple) and not strings)
            )
            if untranslated:
                gaps.setdefault(locale, []).append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def placeholder_mismatches(template: Catalog | None = None) -> dict[str, list[str]]:
    """Translations whose %(name)s placeholders differ from their message's: one the code does not pass fails
    with a KeyError when the page is shown, one left out drops a number or a name from the sentence."""
    template = template if template is not None else extract()
    wrong: dict[str, list[str]] = {}
    for locale in SUPPORTED_LOCALES:
        catalog = load(locale)
        for message in template:
            found = catalog.get(message.id) if message.id else None
            if found is None or not found.string:
                continue
            ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            strings = found.string if isinstance(found.string, (tuple, list)) else (found.string,)
            expected = set().union(*(_placeholders(text) for text in ids))
            if any(text and _placeholders(text) - expected for text in strings) or (
                _placeholders(ids[0]) - {"num"} - set().union(*(_placeholders(text) for text in strings))
            ):
                wrong.setdefault(locale, []).append(ids[0])
    return wrong


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    gaps = missing()
    for locale, ids in gaps.items():
        print(f"{locale}: {len(ids)} untranslated")
        for message_id in ids[:50]:
            print(f"  {message_id!r}")
    sys.exit(1 if gaps and command == "check" else 0)
