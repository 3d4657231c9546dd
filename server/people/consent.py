"""Consent: the texts people agree to, by purpose and version, and giving, withdrawing and reading consents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import clock
from server.audit import record_audit, translatable
from server.db import participant_changed, transaction
from server.errors import DomainError
from server.i18n import N_, gettext
from server.people.tables import Consent, Participant
from server.web.access import CurrentStaff

PURPOSES = ("participation", "data_collection", "contact", "referral")
# What a registration form asks (a referral's consent is asked when a case worker proposes one, not at sign-up).
AT_REGISTRATION = ("participation", "data_collection", "contact")
# Raise the version whenever a text's meaning changes; consents record the version they were given under.
VERSION = "2026-11"

TITLES = {
    "participation": N_("Taking part"),
    "data_collection": N_("Recording my information"),
    "contact": N_("Being contacted"),
    "referral": N_("Sharing my details for a referral"),
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
    "referral": N_(
        "I agree that my case worker may give my name and what I need help with to another service or program "
        "they refer me to, only for that referral. I can withdraw this at any time: referrals already made are "
        "not undone, but no more details are shared."
    ),
}


def title(purpose: str) -> str:
    return gettext(TITLES[purpose])


def text(purpose: str) -> str:
    return gettext(TEXTS[purpose])


def choices(purposes: tuple[str, ...] = PURPOSES) -> list[dict[str, str]]:
    """Every purpose (or those named) with its title and text, in the language of the request, for consent
    checkboxes."""
    return [{"purpose": p, "title": title(p), "text": text(p)} for p in purposes]


async def record_consent(
    participant_id: int,
    purpose: str,
    *,
    actor: CurrentStaff | None,
    source: str = "staff",
    given_at: datetime | None = None,
) -> None:
    """Consent under the current text version; a consent already in force is not duplicated. `given_at` is for
    a consent given earlier (on paper, dated …: server/imports); otherwise it is now."""
    if purpose not in PURPOSES:
        raise DomainError("bad_purpose", N_("Choose one of the options."), field="purpose")
    active = (
        await Consent.exists()
        .where((Consent.participant == participant_id) & (Consent.purpose == purpose) & Consent.withdrawn_at.is_null())
        .run()
    )
    if active:
        return
    row = Consent(
        participant=participant_id,
        purpose=purpose,
        text_version=VERSION,
        recorded_by=actor.id if actor else None,
        source=source,
    )
    if given_at is not None:
        row.given_at = given_at
    async with transaction():
        await Consent.insert(row).run()
        await participant_changed(participant_id)
        await record_audit(
            actor,
            "consent",
            "participant",
            participant_id,
            N_("consent given: %(purpose)s"),
            purpose=translatable(TITLES.get(purpose, purpose)),
        )


def about_cleared() -> dict[Any, Any]:
    """The "about you" fields (server/people/profile.py) emptied: they are kept only under consent to data
    collection, so withdrawing it, or erasing the person, clears them."""
    return {Participant.gender: "", Participant.birth_year: None, Participant.disability: "", Participant.area: ""}


async def withdraw_consent(participant_id: int, purpose: str, *, actor: CurrentStaff | None) -> None:
    """Withdrawing consent to be contacted also removes the phone number and e-mail address (the pages ask for
    confirmation first): without that consent they must not be kept. Withdrawing consent to data collection
    clears the optional "about you" answers, for the same reason."""
    now = clock.now()
    async with transaction():
        await (
            Consent.update({Consent.withdrawn_at: now})
            .where(
                (Consent.participant == participant_id) & (Consent.purpose == purpose) & Consent.withdrawn_at.is_null()
            )
            .run()
        )
        if purpose == "contact":
            await (
                Participant.update(
                    {
                        Participant.phone: "",
                        Participant.phone_digits: "",
                        Participant.email: "",
                        Participant.updated_at: now,
                    }
                )
                .where(Participant.id == participant_id)
                .run()
            )
        if purpose == "data_collection":
            await (
                Participant.update({**about_cleared(), Participant.updated_at: now})
                .where(Participant.id == participant_id)
                .run()
            )
        await participant_changed(participant_id)
        await record_audit(
            actor,
            "consent",
            "participant",
            participant_id,
            N_("consent withdrawn: %(purpose)s"),
            purpose=translatable(TITLES.get(purpose, purpose)),
        )


async def active_consents(participant_ids: list[int]) -> dict[int, set[str]]:
    """The purposes each person currently consents to, in one query."""
    if not participant_ids:
        return {}
    rows = (
        await Consent.select(Consent.participant, Consent.purpose)
        .where(Consent.participant.is_in(participant_ids) & Consent.withdrawn_at.is_null())
        .run()
    )
    found: dict[int, set[str]] = {pid: set() for pid in participant_ids}
    for row in rows:
        found[row["participant"]].add(row["purpose"])
    return found


async def consent_history(participant_id: int) -> list[dict[str, Any]]:
    return (
        await Consent.select(
            Consent.id,
            Consent.purpose,
            Consent.text_version,
            Consent.given_at,
            Consent.withdrawn_at,
            Consent.source,
            Consent.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(Consent.participant == participant_id)
        .order_by(Consent.given_at, ascending=False)
        .run()
    )
