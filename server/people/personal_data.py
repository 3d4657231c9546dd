"""What the people feature holds about a participant: their record, their consents and their secret links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server.people.consent import about_cleared
from server.people.tables import AccessToken, Consent, Participant
from server.personal_data import PersonalData, Record, register


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def _profile(participant_id: int) -> Record:
    # Staff notes on the person stay out of the download: they are written by staff for staff.
    row = await Participant.select().where(Participant.id == participant_id).first().run()
    if row is None:
        return {}
    return {
        "display_name": row["display_name"],
        "legal_name": row["legal_name"],
        "phone": row["phone"],
        "email": row["email"],
        "preferred_language": row["preferred_locale"],
        "gender": row["gender"],
        "birth_year": row["birth_year"],
        "disability_answers": row["disability"],
        "area": row["area"],
        "registered_at": _when(row["created_at"]),
    }


async def _erase_profile(participant_id: int, now: datetime) -> None:
    """Identity, contact, staff notes and the "about you" answers go; the row stays under a number, so counts and
    history still add up."""
    await (
        Participant.update(
            {
                Participant.display_name: f"#{participant_id}",
                Participant.legal_name: "",
                Participant.phone: "",
                Participant.phone_digits: "",
                Participant.email: "",
                Participant.notes: "",
                **about_cleared(),
                Participant.anonymised_at: now,
                Participant.updated_at: now,
            }
        )
        .where(Participant.id == participant_id)
        .run()
    )


async def _consents(participant_id: int) -> list[Record]:
    rows = (
        await Consent.select(
            Consent.purpose, Consent.text_version, Consent.given_at, Consent.withdrawn_at, Consent.source
        )
        .where(Consent.participant == participant_id)
        .order_by(Consent.given_at)
        .order_by(Consent.id)
        .run()
    )
    return [
        {
            "purpose": c["purpose"],
            "text_version": c["text_version"],
            "given_at": _when(c["given_at"]),
            "withdrawn_at": _when(c["withdrawn_at"]),
            "source": c["source"],
        }
        for c in rows
    ]


async def _keep_consents(participant_id: int, now: datetime) -> None:
    """Kept: the record of what was agreed, and when, is the organisation's proof that it acted with consent; it
    names no one once the person's record is erased."""


async def _links(participant_id: int) -> list[Record]:
    # Only when links were made and stopped: the stored digests open nothing and mean nothing to the person.
    rows = (
        await AccessToken.select(AccessToken.kind, AccessToken.created_at, AccessToken.revoked_at)
        .where(AccessToken.participant == participant_id)
        .order_by(AccessToken.id)
        .run()
    )
    return [
        {"kind": r["kind"], "created_at": _when(r["created_at"]), "revoked_at": _when(r["revoked_at"])} for r in rows
    ]


async def _revoke_links(participant_id: int, now: datetime) -> None:
    await (
        AccessToken.update({AccessToken.revoked_at: now})
        .where((AccessToken.participant == participant_id) & AccessToken.revoked_at.is_null())
        .run()
    )


PROFILE = register(PersonalData("profile", (Participant,), _profile, _erase_profile))
CONSENTS = register(PersonalData("consents", (Consent,), _consents, _keep_consents))
LINKS = register(PersonalData("links", (AccessToken,), _links, _revoke_links))
