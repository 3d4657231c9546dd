"""The participant registry: registering and changing people, contact details under consent, and duplicates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from server import clock, phones
from server.audit import record_audit
from server.db import contains_text, participant_changed, transaction
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.people.consent import active_consents, record_consent
from server.people.tables import Participant
from server.web.access import CurrentStaff

PARTICIPANT_FIELDS = ("display_name", "legal_name", "phone", "email", "preferred_locale", "notes")


def phone_digits(phone: str) -> str:
    """Comparable digits of a phone number: +62 812…, 0812… and 62812… are the same phone."""
    return phones.comparable_digits(phone)


async def possible_duplicates(
    display_name: str, phone: str = "", email: str = "", legal_name: str = "", exclude_id: int | None = None
) -> list[dict[str, Any]]:
    """Existing people with the same phone or e-mail, or a very similar name."""
    digits = phone_digits(phone) if phone else ""
    clauses: list[Any] = []
    if digits:
        clauses.append(Participant.phone_digits == digits)
    if email:
        clauses.append(Participant.email == email.lower())
    names = [n.strip().lower() for n in (display_name, legal_name) if n and n.strip()]
    for name in names:
        clauses.append(contains_text(Participant.display_name, name.split()[0][:20]))
        clauses.append(contains_text(Participant.legal_name, name.split()[0][:20]))
    if not clauses:
        return []
    condition = clauses[0]
    for clause in clauses[1:]:
        condition = condition | clause
    query = Participant.select(
        Participant.id, Participant.display_name, Participant.legal_name, Participant.phone_digits, Participant.email
    ).where(condition & Participant.anonymised_at.is_null())
    if exclude_id is not None:
        query = query.where(Participant.id != exclude_id)
    found = []
    for row in await query.limit(200).run():
        same_contact = (digits and row["phone_digits"] == digits) or (email and row["email"] == email.lower())
        candidates = [n for n in (row["display_name"].lower(), row["legal_name"].lower()) if n]
        similar = any(SequenceMatcher(None, a, b).ratio() >= 0.85 for a in names for b in candidates)
        if same_contact or similar:
            found.append(
                {"id": row["id"], "display_name": row["display_name"], "reason": "contact" if same_contact else "name"}
            )
    return found[:10]


def contact_consent_refusals(values: Mapping[str, Any], consents_to_contact: bool) -> list[DomainError]:
    """Phone and e-mail are kept only with consent to be contacted. Refused rather than silently dropped, so a
    facilitator who typed a number sees why it is not kept and can record the consent or clear the fields. Each
    field filled in without that consent is one refusal, so that a form shows them all in one round."""
    if consents_to_contact:
        return []
    return [
        DomainError(
            "contact_without_consent",
            N_(
                "A phone number or e-mail address is kept only with consent to be contacted: "
                "record that consent, or leave this empty."
            ),
            field=field,
        )
        for field in ("phone", "email")
        if (values.get(field) or "").strip()
    ]


def check_contact(values: Mapping[str, Any], consents_to_contact: bool) -> None:
    """Refuses contact details without consent to be contacted, and a phone number no link can reach."""
    for refusal in contact_consent_refusals(values, consents_to_contact):
        raise refusal
    # The forms check this too; a service caller that skips them must not store a number no link can reach.
    if values["phone"].strip() and not phones.is_valid(values["phone"]):
        raise DomainError("invalid_phone", N_("Enter a valid phone number, like 0812 3456 7890."), field="phone")


async def create_participant(
    actor: CurrentStaff | None,
    values: dict[str, Any],
    consents: Iterable[str] = (),
    *,
    source: str = "staff",
    given_at: Mapping[str, datetime] | None = None,
) -> int:
    """A new participant with the consents they gave, all saved or none; without a personal link yet (it is
    made when it is sent, and shown only once). `given_at` dates consents given earlier, by purpose."""
    consents = list(consents)
    values = {key: (values.get(key) or "") for key in PARTICIPANT_FIELDS}
    values["email"] = values["email"].lower()
    values["preferred_locale"] = values["preferred_locale"] or "id"
    check_contact(values, "contact" in consents)
    async with transaction():
        participant = Participant(
            **values, phone_digits=phone_digits(values["phone"]), created_by=actor.id if actor else None
        )
        await participant.save().run()
        await participant_changed(participant.id)
        await record_audit(actor, "create", "participant", participant.id, N_("participant created"))
        for purpose in consents:
            await record_consent(
                participant.id, purpose, actor=actor, source=source, given_at=(given_at or {}).get(purpose)
            )
    return participant.id


async def update_participant(actor: CurrentStaff, participant_id: int, values: dict[str, Any]) -> None:
    participant = await get_participant(participant_id)
    if participant["anonymised_at"] is not None:
        raise DomainError("anonymised", N_("This person's data has been erased."))
    values = {key: (values.get(key) or "") for key in PARTICIPANT_FIELDS}
    values["email"] = values["email"].lower()
    check_contact(values, "contact" in (await active_consents([participant_id]))[participant_id])
    updates = {getattr(Participant, key): value for key, value in values.items()}
    updates[Participant.phone_digits] = phone_digits(values["phone"])
    updates[Participant.updated_at] = clock.now()
    async with transaction():
        await Participant.update(updates).where(Participant.id == participant_id).run()
        await participant_changed(participant_id)
        changed = sorted(key for key in PARTICIPANT_FIELDS if (participant.get(key) or "") != values[key])
        await record_audit(
            actor, "update", "participant", participant_id, N_("changed: %(fields)s"), fields=", ".join(changed)
        )


async def get_participant(participant_id: int) -> dict[str, Any]:
    """The whole row, contact details included: callers decide what a viewer may see (server/privacy.py)."""
    row = await Participant.select().where(Participant.id == participant_id).first().run()
    if row is None:
        raise NotFound("participant")
    return row
