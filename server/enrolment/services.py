"""Enrolment rules: enrolling (by staff, with consents, walk-ins), approval, withdrawing, completing, confirming
offers, and a person's consent states. The list's lock, capacity and queue steps are in waitlist.py.

The participant's data download and erasure at the end of this file move to the personal-data registry."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from server import clock, privacy
from server.enrolment.tables import Enrolment, IndividualGoal, ProgressNote, Rsvp
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
    program_lock,
    record_change,
    set_status,
)
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.people import services as people
from server.people.consent import PURPOSES
from server.people.tables import Consent, Participant
from server.programs.services import ensure_open
from server.web.access import CurrentStaff

# The name the personal-data export below reads the columns by.
_ENROLMENT_COLUMNS = ENROLMENT_COLUMNS


# --- the rules -----------------------------------------------------------------------------------

async def expire_offers(now: datetime | None = None) -> int:
    """Offers not confirmed in time lapse (declined) and their places pass to the next people waiting."""
    now = now or clock.now()
    due = await Enrolment.select(Enrolment.program).where(
        (Enrolment.status == "offered") & (Enrolment.offer_expires_at <= now)
    ).run()
    expired = 0
    for program_id in sorted({row["program"] for row in due}):  # one lock at a time, in id order
        async with program_lock(program_id):
            program = await load_program(program_id)
            rows = await Enrolment.select(*_ENROLMENT_COLUMNS).where(
                (Enrolment.program == program_id) & (Enrolment.status == "offered") & (Enrolment.offer_expires_at <= now)
            ).run()
            for row in rows:
                await set_status(row, "declined", now, None, automatic="offer_expired", note="offer expired", values={Enrolment.ended_at: now})
            expired += len(rows)
            if rows:
                await fill_places(program, now)
    return expired


async def enrol(
    actor: CurrentStaff | None, program_id: int, participant_id: int, *, source: str = "staff", now: datetime | None = None
) -> dict[str, Any]:
    """Enrolled if there is room, otherwise waitlisted; a self-registration for an approval program is a request."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        return await enrol_locked(actor, await load_program(program_id), participant_id, source=source, now=now)


async def register_participant(
    actor: CurrentStaff | None, program_id: int, values: dict[str, Any], purposes: list[str], *, source: str = "staff",
    now: datetime | None = None,
) -> dict[str, Any]:
    """A new person, their consents and their enrolment, all saved or none."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await load_program(program_id)
        ensure_open(program)
        participant_id = await people.create_participant(actor, values, [p for p in purposes if p in PURPOSES], source=source)
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
                await people.record_consent(participant_id, purpose, actor=actor)
        return await enrol_locked(actor, program, participant_id, source="staff", now=now)


async def enrol_walk_in(
    actor: CurrentStaff, program_id: int, display_name: str, *, participation_consent: bool, enrolled_from: datetime,
    over_capacity: bool = False, now: datetime | None = None,
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
            raise DomainError("walk_in_not_open", N_("This program does not take people on the spot. Enrol them through the participants page first."))
        if not participation_consent:
            raise DomainError("consent_required", N_("Ask the person whether they agree to take part, and tick the box when they do."), field="consent_participation")
        display_name = display_name.strip()
        if not display_name:
            raise DomainError("name_required", N_("This field is required."), field="display_name")
        if over_capacity and not actor.is_organizer:
            raise DomainError("organizer_only", N_("Only an organizer can enrol someone beyond the program's capacity."), field="over_capacity")
        await fill_places(program, now)  # people already waiting come first
        full = not has_room(program, await places_taken(program_id))
        if full and not over_capacity:
            return None
        participant_id = await people.create_participant(actor, {"display_name": display_name}, ["participation"])
        enrolment = Enrolment(
            participant=participant_id, program=program_id, status="enrolled", requested_at=now, enrolled_at=enrolled_from,
            reason="walk-in", source="staff", updated_at=now,
        )
        await enrolment.save().run()
        change = {"id": enrolment.id, "program": program_id, "status": ""}
        await record_change(change, "enrolled", now, actor, note="walk-in over capacity" if full else "walk-in")
        return participant_id


async def approve(actor: CurrentStaff, program_id: int, enrolment_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    """A request becomes an enrolment, or a place on the waitlist when the program is full."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await load_program(program_id)
        ensure_open(program)
        row = await load_enrolment(program_id, enrolment_id)
        if row["status"] != "requested":
            raise DomainError("not_requested", N_("Only a pending request can be approved."))
        if not await has_participation_consent(row["participant"]):
            raise DomainError("consent_missing", N_("The person has not given consent to take part; record their consent first."))
        await fill_places(program, now)
        if has_room(program, await places_taken(program_id)):
            return await set_status(row, "enrolled", now, actor, note="approved", values={Enrolment.enrolled_at: now})
        return await set_status(row, "waitlisted", now, actor, note="approved; program full")


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
            row, "withdrawn", now, actor, note=reason, values={Enrolment.ended_at: now, Enrolment.reason: reason[:2000], Enrolment.offer_expires_at: None}
        )
        await fill_places(program, now)
        return changed


async def complete(actor: CurrentStaff, program_id: int, enrolment_id: int, *, now: datetime | None = None) -> dict[str, Any]:
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
        return await set_status(
            row, "enrolled", now, actor, note="offer confirmed", values={Enrolment.enrolled_at: now, Enrolment.offer_expires_at: None}
        )




async def get_enrolment(enrolment_id: int) -> dict[str, Any]:
    row = await Enrolment.select(*_ENROLMENT_COLUMNS).where(Enrolment.id == enrolment_id).first().run()
    if row is None:
        raise NotFound("enrolment")
    return row



# --- consent and the person ----------------------------------------------------------------------

async def consent_states(participant_ids: list[int]) -> dict[int, dict[str, str]]:
    """Per person and purpose: "given", "withdrawn" (given once, withdrawn since) or "none" — in one query."""
    states: dict[int, dict[str, str]] = {pid: {p: "none" for p in PURPOSES} for pid in participant_ids}
    if not participant_ids:
        return states
    rows = await Consent.select(Consent.participant, Consent.purpose, Consent.withdrawn_at).where(
        Consent.participant.is_in(participant_ids)
    ).run()
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
    Enrolment.program.id.as_alias("program_id"), Enrolment.program.slug.as_alias("slug"),
    Enrolment.program.title.as_alias("title"), Enrolment.program.public_title.as_alias("public_title"),
    Enrolment.program.discreet.as_alias("discreet"), Enrolment.program.timezone.as_alias("timezone"),
    Enrolment.program.phase.as_alias("phase"), Enrolment.program.archived.as_alias("archived"),
)
# The name the personal-data export below reads the program's fields by.
_PROGRAM_FIELDS = PROGRAM_FIELDS


async def participant_profile(participant_id: int) -> dict[str, Any]:
    row = await Participant.select(
        Participant.id, Participant.display_name, Participant.legal_name, Participant.phone, Participant.email,
        Participant.preferred_locale, Participant.created_at, Participant.anonymised_at,
    ).where(Participant.id == participant_id).first().run()
    if row is None or row["anonymised_at"] is not None:
        raise NotFound("participant")
    return row



async def erase_participant(actor: CurrentStaff, participant_id: int, *, now: datetime | None = None) -> int:
    """Erasure also ends the person's places: every open enrolment is withdrawn (reason "erased", recorded as an
    enrolment change), so nobody keeps a place or collects absences under a number, and the waitlist moves up as
    for any withdrawal. Attendance stays as anonymous counts. Returns how many enrolments were ended."""
    if not actor.is_admin:
        raise DomainError("admin_only", N_("Only administrators can erase a person's data."))
    now = now or clock.now()
    rows = await Enrolment.select(Enrolment.id, Enrolment.program, Enrolment.program.phase.as_alias("phase"), Enrolment.program.archived.as_alias("archived")).where(
        (Enrolment.participant == participant_id) & Enrolment.status.is_in(list(ACTIVE))
    ).order_by(Enrolment.program).run()
    ended = 0
    for row in rows:
        if row["phase"] == "closed" or row["archived"]:
            continue  # a closed program is a record and stays as it was
        await withdraw(actor, row["program"], row["id"], "erased", now=now)
        ended += 1
    await people.anonymise_participant(actor, participant_id)
    return ended



async def personal_data(participant_id: int) -> dict[str, Any]:
    """Everything recorded about the person that is theirs to take away. Staff-only notes on the person and on
    sessions stay out; the notes on their own goals are about them and are included."""
    from server.attendance.tables import Attendance

    profile = await participant_profile(participant_id)
    consents = await Consent.select(
        Consent.purpose, Consent.text_version, Consent.given_at, Consent.withdrawn_at, Consent.source
    ).where(Consent.participant == participant_id).order_by(Consent.given_at).order_by(Consent.id).run()
    enrolments = await Enrolment.select(*_ENROLMENT_COLUMNS, *_PROGRAM_FIELDS).where(
        Enrolment.participant == participant_id
    ).order_by(Enrolment.requested_at).run()
    attendance = await Attendance.select(
        Attendance.status, Attendance.note, Attendance.recorded_at,
        Attendance.session.starts_at.as_alias("session_starts_at"),
        Attendance.session.program.title.as_alias("title"), Attendance.session.program.public_title.as_alias("public_title"),
        Attendance.session.program.discreet.as_alias("discreet"),
    ).where(Attendance.participant == participant_id).order_by(Attendance.session.starts_at).run()
    rsvps = await Rsvp.select(
        Rsvp.response, Rsvp.answered_at, Rsvp.session.starts_at.as_alias("session_starts_at"),
        Rsvp.session.program.title.as_alias("title"), Rsvp.session.program.public_title.as_alias("public_title"),
        Rsvp.session.program.discreet.as_alias("discreet"),
    ).where(Rsvp.participant == participant_id).order_by(Rsvp.session.starts_at).run()
    goals = await IndividualGoal.select(
        IndividualGoal.id, IndividualGoal.statement, IndividualGoal.created_at,
        IndividualGoal.enrolment.program.title.as_alias("title"), IndividualGoal.enrolment.program.public_title.as_alias("public_title"),
        IndividualGoal.enrolment.program.discreet.as_alias("discreet"),
    ).where(IndividualGoal.enrolment.participant == participant_id).order_by(IndividualGoal.created_at).run()
    notes = []
    if goals:
        notes = await ProgressNote.select(ProgressNote.goal, ProgressNote.note, ProgressNote.written_at).where(
            ProgressNote.goal.is_in([g["id"] for g in goals])
        ).order_by(ProgressNote.written_at).run()

    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    def program_title(row: dict[str, Any]) -> str:
        return privacy.title(row, privacy.SELF, privacy.EXPORT)

    return {
        "profile": {
            "display_name": profile["display_name"], "legal_name": profile["legal_name"], "phone": profile["phone"],
            "email": profile["email"], "preferred_language": profile["preferred_locale"], "registered_at": when(profile["created_at"]),
        },
        "consents": [
            {"purpose": c["purpose"], "text_version": c["text_version"], "given_at": when(c["given_at"]),
             "withdrawn_at": when(c["withdrawn_at"]), "source": c["source"]}
            for c in consents
        ],
        "enrolments": [
            {"program": program_title(e), "status": e["status"], "requested_at": when(e["requested_at"]),
             "enrolled_at": when(e["enrolled_at"]), "ended_at": when(e["ended_at"]), "reason": e["reason"]}
            for e in enrolments
        ],
        "attendance": [
            {"program": program_title(a), "session_starts_at": when(a["session_starts_at"]), "status": a["status"], "note": a["note"]}
            for a in attendance
        ],
        "rsvps": [
            {"program": program_title(r), "session_starts_at": when(r["session_starts_at"]), "response": r["response"],
             "answered_at": when(r["answered_at"])}
            for r in rsvps
        ],
        "individual_goals": [
            {"program": program_title(g), "statement": g["statement"], "created_at": when(g["created_at"]),
             "progress_notes": [{"note": n["note"], "written_at": when(n["written_at"])} for n in notes if n["goal"] == g["id"]]}
            for g in goals
        ],
    }


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell starting with these runs as a formula in spreadsheet programs.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def personal_data_csv(data: dict[str, Any]) -> str:
    """The same data as rows of section, record number, field, value: one flat table a spreadsheet opens."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "record", "field", "value"])
    for field, value in data["profile"].items():
        writer.writerow(["profile", 1, field, _csv_cell(value)])
    for section in ("consents", "enrolments", "attendance", "rsvps", "individual_goals"):
        for number, record in enumerate(data[section], start=1):
            for field, value in record.items():
                if field == "progress_notes":
                    for note_number, note in enumerate(value, start=1):
                        writer.writerow([section, number, f"progress_note_{note_number}", _csv_cell(f"{note['written_at']} {note['note']}")])
                else:
                    writer.writerow([section, number, field, _csv_cell(value)])
    return out.getvalue()
