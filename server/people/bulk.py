"""Registering many new people at once (an import): the rules of `participants.create_participant`,
`consent.record_consent` and `profile.save_about`, written a few statements per chunk of people instead of some
twenty per person. Run inside the caller's transaction, so an import is saved whole or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server import clock
from server.audit import audit_entry, record_audits, translatable
from server.db import participants_changed
from server.errors import DomainError
from server.i18n import N_
from server.people.consent import PURPOSES, TITLES, VERSION
from server.people.participants import PARTICIPANT_FIELDS, check_contact, phone_digits
from server.people.profile import normal_area
from server.people.tables import Consent, Participant
from server.web.access import CurrentStaff

# People per INSERT: 16 participant columns (or 8 per consent, three consents each) stay far below the bound
# parameters SQLite (32,766) and PostgreSQL (32,767) accept in one statement.
CHUNK = 400


@dataclass
class NewPerson:
    """One person to register: the participant fields, the consents they gave (by purpose, with the moment they
    were given, or None for now) and their area (kept only under consent to data collection)."""

    values: Mapping[str, str]
    consents: Mapping[str, datetime | None] = field(default_factory=dict)
    area: str = ""


def _checked(person: NewPerson) -> dict[str, Any]:
    values = {key: (person.values.get(key) or "") for key in PARTICIPANT_FIELDS}
    values["email"] = values["email"].lower()
    values["preferred_locale"] = values["preferred_locale"] or "id"
    check_contact(values, "contact" in person.consents)
    for purpose in person.consents:
        if purpose not in PURPOSES:
            raise DomainError("bad_purpose", N_("Choose one of the options."), field="purpose")
    if person.area and "data_collection" not in person.consents:
        raise DomainError(
            "no_data_consent",
            N_("These answers are kept only with consent to recording information. Nothing was saved."),
        )
    return values


async def create_participants(
    actor: CurrentStaff | None, people: Sequence[NewPerson], *, source: str = "staff"
) -> list[int]:
    """New participants with their consents and area, in the order given; returns their ids. Every person is checked
    before anything is written (a refusal saves nothing of the batch); each gets the audit entries the per-person
    services write (created, each consent given, their "about you" answers), and the person keepers follow the
    whole batch once (server.db.participants_changed). Call inside a transaction."""
    checked = [_checked(person) for person in people]
    now = clock.now()
    ids: list[int] = []
    for start in range(0, len(people), CHUNK):
        chunk_ids = await _insert_chunk(
            actor, people[start : start + CHUNK], checked[start : start + CHUNK], now, source
        )
        ids.extend(chunk_ids)
    await participants_changed(ids)
    return ids


async def _insert_chunk(
    actor: CurrentStaff | None,
    people: Sequence[NewPerson],
    checked: Sequence[dict[str, Any]],
    now: datetime,
    source: str,
) -> list[int]:
    """One chunk: the people (returning their ids), then their consents, then the audit entries."""
    rows = [
        Participant(
            **values,
            phone_digits=phone_digits(values["phone"]),
            area=normal_area(person.area),
            created_by=actor.id if actor else None,
            created_at=now,
            updated_at=now,
        )
        for person, values in zip(people, checked, strict=True)
    ]
    inserted = await Participant.insert(*rows).returning(Participant.id).run()
    # One statement numbers its rows in the order of its VALUES: the ascending ids are the people in order.
    ids = sorted(int(row["id"]) for row in inserted)
    consents = [
        Consent(
            participant=participant_id,
            purpose=purpose,
            text_version=VERSION,
            recorded_by=actor.id if actor else None,
            source=source,
            given_at=given_at or now,
        )
        for participant_id, person in zip(ids, people, strict=True)
        for purpose, given_at in person.consents.items()
    ]
    if consents:
        await Consent.insert(*consents).run()
    entries = []
    for participant_id, person in zip(ids, people, strict=True):
        entries.append(audit_entry(actor, "create", "participant", participant_id, N_("participant created")))
        entries.extend(
            audit_entry(
                actor,
                "consent",
                "participant",
                participant_id,
                N_("consent given: %(purpose)s"),
                purpose=translatable(TITLES.get(purpose, purpose)),
            )
            for purpose in person.consents
        )
        if person.area:
            # The audit says that the answers changed, never what they are.
            entries.append(
                audit_entry(actor, "update", "participant", participant_id, N_("changed: %(fields)s"), fields="about")
            )
    await record_audits(entries)
    return ids
