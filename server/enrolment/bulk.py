"""Enrolling many new people into one program at once (an import), under the program lock: the rules of
`waitlist.enrol_locked` with one capacity decision for the whole batch and a few statements per chunk of people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from server.enrolment import notify
from server.enrolment.tables import Enrolment, EnrolmentChange
from server.enrolment.waitlist import fill_places, places_taken
from server.errors import DomainError
from server.i18n import N_
from server.people.tables import Consent
from server.programs.services import ensure_open
from server.web.access import CurrentStaff
from server.web.labels import LABELS

# People per statement: 11 enrolment columns (9 per change) stay far below both engines' bound-parameter limits.
CHUNK = 400


async def enrol_new_locked(
    actor: CurrentStaff | None,
    program: dict[str, Any],
    participant_ids: Sequence[int],
    *,
    source: str,
    now: datetime,
) -> list[dict[str, Any]]:
    """Staff enrol new people (an organizer's import: places are given, never requested), in the order given:
    people already waiting are moved up first (`fill_places`), then the free places go to the first of the batch
    and the rest join the waiting list (told their place in the line, as `enrol_locked` tells them). Refused as a
    whole if anyone lacks consent to take part or is already on the list. Returns {participant, status, id} per
    person. Run inside `program_lock` (which recomputes the program's kept figures once, at its end)."""
    ensure_open(program)
    ids = list(participant_ids)
    if not ids:
        return []
    consenting: set[int] = set()
    listed: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = (
            await Consent.select(Consent.participant)
            .where(
                Consent.participant.is_in(chunk) & (Consent.purpose == "participation") & Consent.withdrawn_at.is_null()
            )
            .run()
        )
        consenting |= {row["participant"] for row in rows}
        rows = (
            await Enrolment.select(Enrolment.status)
            .where((Enrolment.program == program["id"]) & Enrolment.participant.is_in(chunk))
            .run()
        )
        listed |= {row["status"] for row in rows}
    if set(ids) - consenting:
        raise DomainError(
            "consent_missing",
            N_("The person has not given consent to take part; record their consent first."),
            field="consent_participation",
        )
    if listed:
        # New people only (the import's): someone already on the list, in any status, is refused as enrol_locked
        # refuses an active or completed line; the per-person service handles coming back.
        raise DomainError(
            "already_enrolled",
            N_("This person is already on this program's list (%(status)s)."),
            field="participant_id",
            status=LABELS.label("enrolment_status", sorted(listed)[0]),
        )
    await fill_places(program, now)  # people already waiting come first
    free = len(ids) if program["capacity"] is None else max(0, program["capacity"] - await places_taken(program["id"]))
    waiting_before = (
        await Enrolment.count().where((Enrolment.program == program["id"]) & (Enrolment.status == "waitlisted")).run()
    )
    placed = [
        {"participant": participant_id, "status": "enrolled" if index < free else "waitlisted"}
        for index, participant_id in enumerate(ids)
    ]
    for start in range(0, len(placed), CHUNK):
        await _insert_chunk(actor, program, placed[start : start + CHUNK], source, now)
    waitlisted = [row for row in placed if row["status"] == "waitlisted"]
    for position, row in enumerate(waitlisted, start=waiting_before + 1):
        row["position"] = position
    await notify.waitlisted_many(program, waitlisted)
    return placed


async def _insert_chunk(
    actor: CurrentStaff | None, program: dict[str, Any], placed: list[dict[str, Any]], source: str, now: datetime
) -> None:
    rows = [
        Enrolment(
            participant=row["participant"],
            program=program["id"],
            status=row["status"],
            requested_at=now,
            enrolled_at=now if row["status"] == "enrolled" else None,
            ended_at=None,
            offer_expires_at=None,
            reason="",
            source=source,
            updated_at=now,
        )
        for row in placed
    ]
    inserted = await Enrolment.insert(*rows).returning(Enrolment.id).run()
    # One statement numbers its rows in the order of its VALUES: the ascending ids are the people in order.
    for row, enrolment_id in zip(placed, sorted(int(r["id"]) for r in inserted), strict=True):
        row["id"] = enrolment_id
        row["requested_at"] = now
    await EnrolmentChange.insert(
        *(
            EnrolmentChange(
                enrolment=row["id"],
                program=program["id"],
                from_status="",
                to_status=row["status"],
                note="",
                automatic="",
                changed_by=actor.id if actor else None,
                changed_at=now,
            )
            for row in placed
        )
    ).run()
