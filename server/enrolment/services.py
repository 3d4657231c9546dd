"""Enrolment rules: enrolling (by staff, with consents, walk-ins), approval, withdrawing, completing, confirming
offers, and a person's consent states. The list's lock, capacity and queue steps are in waitlist.py.
The participant's data download and erasure run over the personal-data registry (server/personal_data.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import clock
from server.enrolment import notify
from server.enrolment.tables import Enrolment
from server.enrolment.waitlist import (
    ACTIVE,
    ENROLMENT_COLUMNS,
    enrol_locked,
    fill_places,
    has_participation_consent,
    has_room,
    load_enrolment,
    load_program,
    places_taken,
    record_change,
    set_status,
    waitlist_position,
)
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.people import consent, participants
from server.people.consent import PURPOSES
from server.people.tables import Consent, Participant
from server.programs.locking import program_lock
from server.programs.services import ensure_open
from server.web.access import CurrentStaff

# --- the rules -----------------------------------------------------------------------------------


async def expire_offers(now: datetime | None = None) -> int:
    """Offers not confirmed in time lapse (declined) and their places pass to the next people waiting."""
    now = now or clock.now()
    due = (
        await Enrolment.select(Enrolment.program)
        .where((Enrolment.status == "offered") & (Enrolment.offer_expires_at <= now))
        .run()
    )
    expired = 0
    for program_id in sorted({row["program"] for row in due}):  # one lock at a time, in id order
        async with program_lock(program_id):
            program = await load_program(program_id)
            rows = (
                await Enrolment.select(*ENROLMENT_COLUMNS)
                .where(
                    (Enrolment.program == program_id)
                    & (Enrolment.status == "offered")
                    & (Enrolment.offer_expires_at <= now)
                )
                .run()
            )
            for row in rows:
                await set_status(
                    row,
                    "declined",
                    now,
                    None,
                    automatic="offer_expired",
                    note="offer expired",
                    values={Enrolment.ended_at: now},
                )
            expired += len(rows)
            if rows:
                await fill_places(program, now)
    return expired


async def enrol(
    actor: CurrentStaff | None,
    program_id: int,
    participant_id: int,
    *,
    source: str = "staff",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Enrolled if there is room, otherwise waitlisted; a self-registration for an approval program is a request."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        return await enrol_locked(actor, await load_program(program_id), participant_id, source=source, now=now)


async def register_participant(
    actor: CurrentStaff | None,
    program_id: int,
    values: dict[str, Any],
    purposes: list[str],
    *,
    source: str = "staff",
    now: datetime | None = None,
) -> dict[str, Any]:
    """A new person, their consents and their enrolment, all saved or none."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await load_program(program_id)
        ensure_open(program)
        participant_id = await participants.create_participant(
            actor, values, [p for p in purposes if p in PURPOSES], source=source
        )
        return await enrol_locked(actor, program, participant_id, source=source, now=now)


async def enrol_existing(
    actor: CurrentStaff, program_id: int, participant_id: int, purposes: list[str], *, now: datetime | None = None
) -> dict[str, Any]:
    """Someone already registered, with the consents they give now, enrolled: all saved or none, so a refused
    enrolment (a closed program, already on the list) leaves no consent behind."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await load_program(program_id)
        ensure_open(program)
        for purpose in purposes:
            if purpose in PURPOSES:
                await consent.record_consent(participant_id, purpose, actor=actor)
        return await enrol_locked(actor, program, participant_id, source="staff", now=now)


async def enrol_walk_in(
    actor: CurrentStaff,
    program_id: int,
    display_name: str,
    *,
    participation_consent: bool,
    enrolled_from: datetime,
    over_capacity: bool = False,
    now: datetime | None = None,
) -> int | None:
    """Someone new who turned up at a session of an open group, with their consent to take part: registered and
    enrolled from `enrolled_from` (the session's start, so earlier sessions are not their absences).

    The capacity rule for walk-ins: people already waiting come first, and a walk-in never takes a place beyond
    capacity by itself. When the program is full nothing is saved and None is returned — the sheet then counts the
    person as a guest of that session. An organizer may instead enrol them over capacity on purpose
    (`over_capacity`), which the enrolment history records as such."""
    now = now or clock.now()
    async with program_lock(program_id):
        program = await load_program(program_id)
        ensure_open(program)
        if program["enrolment_mode"] != "open":
            raise DomainError(
                "walk_in_not_open",
                N_("This program does not take people on the spot. Enrol them through the participants page first."),
            )
        if not participation_consent:
            raise DomainError(
                "consent_required",
                N_("Ask the person whether they agree to take part, and tick the box when they do."),
                field="consent_participation",
            )
        display_name = display_name.strip()
        if not display_name:
            raise DomainError("name_required", N_("This field is required."), field="display_name")
        if over_capacity and not actor.is_organizer:
            raise DomainError(
                "organizer_only",
                N_("Only an organizer can enrol someone beyond the program's capacity."),
                field="over_capacity",
            )
        await fill_places(program, now)  # people already waiting come first
        full = not has_room(program, await places_taken(program_id))
        if full and not over_capacity:
            return None
        participant_id = await participants.create_participant(actor, {"display_name": display_name}, ["participation"])
        enrolment = Enrolment(
            participant=participant_id,
            program=program_id,
            status="enrolled",
            requested_at=now,
            enrolled_at=enrolled_from,
            reason="walk-in",
            source="staff",
            updated_at=now,
        )
        await enrolment.save().run()
        change = {"id": enrolment.id, "program": program_id, "status": ""}
        await record_change(change, "enrolled", now, actor, note="walk-in over capacity" if full else "walk-in")
        return participant_id


async def approve(
    actor: CurrentStaff, program_id: int, enrolment_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """A request becomes an enrolment, or a place on the waitlist when the program is full; the person is told."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await load_program(program_id)
        ensure_open(program)
        row = await load_enrolment(program_id, enrolment_id)
        if row["status"] != "requested":
            raise DomainError("not_requested", N_("Only a pending request can be approved."))
        if not await has_participation_consent(row["participant"]):
            raise DomainError(
                "consent_missing", N_("The person has not given consent to take part; record their consent first.")
            )
        await fill_places(program, now)
        if has_room(program, await places_taken(program_id)):
            values = {Enrolment.enrolled_at: now}
            changed = await set_status(row, "enrolled", now, actor, note="approved", values=values)
            await notify.place_confirmed(program, changed, "approved")
            return changed
        changed = await set_status(row, "waitlisted", now, actor, note="approved; program full")
        await notify.waitlisted(program, changed, await waitlist_position(changed))
        return changed


async def withdraw(
    actor: CurrentStaff | None, program_id: int, enrolment_id: int, reason: str, *, now: datetime | None = None
) -> dict[str, Any]:
    """The person leaves the program; a place they held goes to the first person waiting."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await load_program(program_id)
        ensure_open(program)
        row = await load_enrolment(program_id, enrolment_id)
        if row["status"] not in ACTIVE:
            raise DomainError("not_active", N_("This person is no longer on the program's list."))
        changed = await set_status(
            row,
            "withdrawn",
            now,
            actor,
            note=reason,
            values={Enrolment.ended_at: now, Enrolment.reason: reason[:2000], Enrolment.offer_expires_at: None},
        )
        await fill_places(program, now)
        return changed


async def complete(
    actor: CurrentStaff, program_id: int, enrolment_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """The person finished the program; their place is free again."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await load_program(program_id)
        ensure_open(program)
        row = await load_enrolment(program_id, enrolment_id)
        if row["status"] != "enrolled":
            raise DomainError("not_enrolled", N_("Only an enrolled person can complete the program."))
        changed = await set_status(row, "completed", now, actor, values={Enrolment.ended_at: now})
        await fill_places(program, now)
        return changed


async def confirm_offer(
    actor: CurrentStaff | None, program_id: int, enrolment_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """The person (or staff for them) takes the offered place before the offer runs out."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await load_program(program_id)
        ensure_open(program)
        row = await load_enrolment(program_id, enrolment_id)
        if row["status"] == "declined":
            raise DomainError("offer_expired", N_("This offer has expired and the place went to the next person."))
        if row["status"] != "offered":
            raise DomainError("not_offered", N_("There is no open offer to confirm."))
        changed = await set_status(
            row,
            "enrolled",
            now,
            actor,
            note="offer confirmed",
            values={Enrolment.enrolled_at: now, Enrolment.offer_expires_at: None},
        )
        await notify.place_confirmed(program, changed, "offer")
        return changed


async def get_enrolment(enrolment_id: int) -> dict[str, Any]:
    row = await Enrolment.select(*ENROLMENT_COLUMNS).where(Enrolment.id == enrolment_id).first().run()
    if row is None:
        raise NotFound("enrolment")
    return row


async def enrolment_of(program: dict[str, Any], participant_id: int) -> dict[str, Any]:
    """A person's enrolment in a program, with their names (for the certificate); NotFound when they have none."""
    row = (
        await Enrolment.select(
            Enrolment.id,
            Enrolment.status,
            Enrolment.enrolled_at,
            Enrolment.ended_at,
            Enrolment.participant.as_alias("participant_id"),
            Enrolment.participant.display_name.as_alias("display_name"),
            Enrolment.participant.legal_name.as_alias("legal_name"),
        )
        .where((Enrolment.program == program["id"]) & (Enrolment.participant == participant_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("enrolment")
    return row


# --- consent and the person ----------------------------------------------------------------------


async def consent_states(participant_ids: list[int]) -> dict[int, dict[str, str]]:
    """Per person and purpose: "given", "withdrawn" (given once, withdrawn since) or "none" — in one query."""
    states: dict[int, dict[str, str]] = {pid: {p: "none" for p in PURPOSES} for pid in participant_ids}
    if not participant_ids:
        return states
    rows = (
        await Consent.select(Consent.participant, Consent.purpose, Consent.withdrawn_at)
        .where(Consent.participant.is_in(participant_ids))
        .run()
    )
    for row in rows:
        current = states[row["participant"]]
        if row["purpose"] not in current:
            continue
        if row["withdrawn_at"] is None:
            current[row["purpose"]] = "given"
        elif current[row["purpose"]] == "none":
            current[row["purpose"]] = "withdrawn"
    return states


PROGRAM_FIELDS = (
    Enrolment.program.id.as_alias("program_id"),
    Enrolment.program.slug.as_alias("slug"),
    Enrolment.program.title.as_alias("title"),
    Enrolment.program.public_title.as_alias("public_title"),
    Enrolment.program.discreet.as_alias("discreet"),
    Enrolment.program.timezone.as_alias("timezone"),
    Enrolment.program.phase.as_alias("phase"),
    Enrolment.program.archived.as_alias("archived"),
)
# The name the personal-data export below reads the program's fields by.
_PROGRAM_FIELDS = PROGRAM_FIELDS


async def participant_profile(participant_id: int) -> dict[str, Any]:
    row = (
        await Participant.select(
            Participant.id,
            Participant.display_name,
            Participant.legal_name,
            Participant.phone,
            Participant.email,
            Participant.preferred_locale,
            Participant.created_at,
            Participant.anonymised_at,
        )
        .where(Participant.id == participant_id)
        .first()
        .run()
    )
    if row is None or row["anonymised_at"] is not None:
        raise NotFound("participant")
    return row


async def end_places_for_erasure(actor: CurrentStaff, participant_id: int, *, now: datetime | None = None) -> int:
    """Erasure first ends the person's places: every open enrolment is withdrawn (reason "erased", recorded as an
    enrolment change), so nobody keeps a place or collects absences under a number, and the waitlist moves up as
    for any withdrawal. Returns how many enrolments were ended. The rest of the erasure runs over the
    personal-data registry (server/pages/personal_data.py)."""
    now = now or clock.now()
    rows = (
        await Enrolment.select(
            Enrolment.id,
            Enrolment.program,
            Enrolment.program.phase.as_alias("phase"),
            Enrolment.program.archived.as_alias("archived"),
        )
        .where((Enrolment.participant == participant_id) & Enrolment.status.is_in(list(ACTIVE)))
        .order_by(Enrolment.program)
        .run()
    )
    ended = 0
    for row in rows:
        if row["phase"] == "closed" or row["archived"]:
            continue  # a closed program is a record and stays as it was
        await withdraw(actor, row["program"], row["id"], "erased", now=now)
        ended += 1
    return ended
