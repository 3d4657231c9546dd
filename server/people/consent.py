"""The consent texts people agree to, by purpose, with the version recorded alongside every consent."""
from __future__ import annotations

from server.i18n import N_, gettext

PURPOSES = ("participation", "data_collection", "contact")
# Raise the version whenever a text's meaning changes; consents record the version they were given under.
VERSION = "2026-11"

TITLES = {
    "participation": N_("Taking part"),
    "data_collection": N_("Recording my information"),
    "contact": N_("Being contacted"),
}

TEXTS = {
    "participation": N_(
        "I choose to take part in this program. I know what it is about, that taking part is voluntary, and that I "
        "can stop at any time without giving a reason and without losing any other help I receive."
    ),
    "data_collection": N_(
        "I agree that the organisation records my name, my attendance and, if I give them, my answers to surveys, "
        "to run the program and to report on it without naming me. Only the program team can see my details. "
        "I can ask to see, download or erase my information at any time."
    ),
    "contact": N_(
        "I agree to be contacted by phone, message or e-mail about this program's sessions. I can withdraw this "
        "at any time, and I will then not be contacted."
    ),
}


def title(purpose: str) -> str:
    return gettext(TITLES[purpose])


def text(purpose: str) -> str:
    return gettext(TEXTS[purpose])
