"""Enrolment rules: enrolling, approval, waitlists and offers, withdrawing, completing, and the participant's own page."""
from __future__ import annotations

import json
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, AsyncIterator

from piccolo.engine.sqlite import TransactionType

from server import clock, privacy
from server.db import engine
from server.enrolment.participant_access import list_participants
from server.enrolment.tables import Enrolment, EnrolmentChange, IndividualGoal, ProgressNote, Rsvp
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.people import consent, links, participants
from server.people.consent import PURPOSES
from server.people.tables import Consent, Participant
from server.programs.services import ensure_open, managed_program_ids
from server.programs.tables import Program, TeamMember
from server.schedule.tables import ProgramSession
from server.web.access import CurrentStaff
from server.web.labels import LABELS

LABELS.register(
    "enrolment_status",
    {
        "requested": N_("Requested"), "waitlisted": N_("Waitlisted"), "offered": N_("Place offered"),
        "enrolled": N_("Enrolled"), "withdrawn": N_("Withdrawn"), "completed": N_("Completed"), "declined": N_("Declined"),
    },
)
LABELS.register("rsvp", {"going": N_("Going"), "not_going": N_("Can't come")})
LABELS.register("consent_state", {"given": N_("Given"), "withdrawn": N_("Withdrawn"), "none": N_("Not given")})

STATUSES = ("requested", "waitlisted", "offered", "enrolled", "withdrawn", "completed", "declined")
# Still on the program's list: enrolling again is refused while one of these holds.
ACTIVE = ("requested", "waitlisted", "offered", "enrolled")
# An offered place is held for the person until they confirm or the offer runs out.
HOLDS_PLACE = ("enrolled", "offered")
# The order of the sections on the staff participants tab.
LIST_ORDER = ("enrolled", "requested", "offered", "waitlisted", "withdrawn", "declined", "completed")
RSVP_RESPONSES = ("going", "not_going")
PERSONAL_DAYS = 60



def _details(program: dict[str, Any]) -> dict[str, Any]:
    details = program.get("details") or {}
    if isinstance(details, str):  # JSON columns come back as text on SQLite
        try:
            details = json.loads(details)
        except ValueError:
            details = {}
    return details if isinstance(details, dict) else {}


def offer_hours(program: dict[str, Any]) -> int | None:
    """Hours a promoted person has to confirm their place; None means promotion enrols at once."""
    value = _details(program).get("offer_hours")
    try:
        hours = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return hours if hours and hours > 0 else None


# --- locking -------------------------------------------------------------------------------------

@asynccontextmanager
async def program_lock(program_id: int) -> AsyncIterator[None]:
    """One transaction in which nobody else changes this program's enrolments.

    Capacity is a count followed by an insert; two registrations interleaving between them would both see a free
    place. PostgreSQL locks the program row until commit; SQLite takes its single write lock at BEGIN IMMEDIATE
    (a deferred transaction would read first and could not upgrade to a write while another reader waits).
    """
    db = engine()
    if db.engine_type == "sqlite":
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            await Program.raw("SELECT id FROM program WHERE id = {} FOR UPDATE", program_id).run()
            yield


# --- internal steps (run inside program_lock) -----------------------------------------------------

_ENROLMENT_COLUMNS = (
    Enrolment.id, Enrolment.participant, Enrolment.program, Enrolment.status, Enrolment.requested_at,
    Enrolment.enrolled_at, Enrolment.ended_at, Enrolment.offer_expires_at, Enrolment.reason, Enrolment.source,
)


async def _program(program_id: int) -> dict[str, Any]:
    row = await Program.select().where(Program.id == program_id).first().run()
    if row is None:
        raise NotFound("program")
    return row


async def _enrolment(program_id: int, enrolment_id: int) -> dict[str, Any]:
    row = await Enrolment.select(*_ENROLMENT_COLUMNS).where((Enrolment.id == enrolment_id) & (Enrolment.program == program_id)).first().run()
    if row is None:
        raise NotFound("enrolment")
    return row


async def _record(
    enrolment: dict[str, Any], to_status: str, now: datetime, actor: CurrentStaff | None, *, note: str = "", automatic: str = ""
) -> None:
    await EnrolmentChange.insert(
        EnrolmentChange(
            enrolment=enrolment["id"], program=enrolment["program"], from_status=enrolment["status"] or "", to_status=to_status,
            note=note[:2000], automatic=automatic, changed_by=actor.id if actor else None, changed_at=now,
        )
    ).run()


async def _set_status(
    enrolment: dict[str, Any], to_status: str, now: datetime, actor: CurrentStaff | None, *, note: str = "",
    automatic: str = "", values: dict[Any, Any] | None = None,
) -> dict[str, Any]:
    updates: dict[Any, Any] = {Enrolment.status: to_status, Enrolment.updated_at: now, **(values or {})}
    await Enrolment.update(updates).where(Enrolment.id == enrolment["id"]).run()
    await _record(enrolment, to_status, now, actor, note=note, automatic=automatic)
    changed = dict(enrolment, status=to_status)
    changed.update({column._meta.name: value for column, value in updates.items()})
    return changed


async def _places_taken(program_id: int) -> int:
    return await Enrolment.count().where((Enrolment.program == program_id) & Enrolment.status.is_in(list(HOLDS_PLACE))).run()


def _has_room(program: dict[str, Any], taken: int) -> bool:
    return program["capacity"] is None or taken < program["capacity"]


async def _fill_places(program: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """Free places go to the waitlist in order of request; with an offer window they are offered, not given."""
    if program["phase"] == "closed" or program["archived"]:
        return []
    consenting = Consent.select(Consent.participant).where((Consent.purpose == "participation") & Consent.withdrawn_at.is_null())
    # Someone who withdrew their consent to take part keeps their line on the list (staff see it flagged) but is
    # passed over: a place is never given without consent.
    query = Enrolment.select(*_ENROLMENT_COLUMNS).where(
        (Enrolment.program == program["id"]) & (Enrolment.status == "waitlisted") & Enrolment.participant.is_in(consenting)
    ).order_by(Enrolment.requested_at).order_by(Enrolment.id)
    if program["capacity"] is not None:
        free = program["capacity"] - await _places_taken(program["id"])
        if free <= 0:
            return []
        query = query.limit(free)
    hours = offer_hours(program)
    promoted = []
    for row in await query.run():
        if hours:
            values = {Enrolment.offer_expires_at: now + timedelta(hours=hours)}
            promoted.append(await _set_status(row, "offered", now, None, automatic="promotion", values=values))
        else:
            values = {Enrolment.enrolled_at: now, Enrolment.offer_expires_at: None}
            promoted.append(await _set_status(row, "enrolled", now, None, automatic="promotion", values=values))
    return promoted


async def _has_participation_consent(participant_id: int) -> bool:
    return await Consent.exists().where(
        (Consent.participant == participant_id) & (Consent.purpose == "participation") & Consent.withdrawn_at.is_null()
    ).run()


async def _enrol_locked(
    actor: CurrentStaff | None, program: dict[str, Any], participant_id: int, *, source: str, now: datetime
) -> dict[str, Any]:
    ensure_open(program)
    if not await _has_participation_consent(participant_id):
        raise DomainError(
            "consent_missing", N_("The person has not given consent to take part; record their consent first."),
            field="consent_participation",
        )
    existing = await Enrolment.select(*_ENROLMENT_COLUMNS).where(
        (Enrolment.program == program["id"]) & (Enrolment.participant == participant_id)
    ).first().run()
    if existing is not None and existing["status"] in ACTIVE:
        raise DomainError(
            "already_enrolled", N_("This person is already on this program's list (%(status)s)."),
            field="participant_id", status=LABELS.label("enrolment_status", existing["status"]),
        )
    if existing is not None and existing["status"] == "completed":
        raise DomainError("already_completed", N_("This person has already completed this program."), field="participant_id")
    await _fill_places(program, now)  # people already waiting come first
    if source == "self_registration" and program["enrolment_mode"] == "approval":
        status = "requested"
    elif _has_room(program, await _places_taken(program["id"])):
        status = "enrolled"
    else:
        status = "waitlisted"
    values = {
        Enrolment.status: status, Enrolment.requested_at: now, Enrolment.enrolled_at: now if status == "enrolled" else None,
        Enrolment.ended_at: None, Enrolment.offer_expires_at: None, Enrolment.reason: "", Enrolment.source: source,
        Enrolment.updated_at: now,
    }
    if existing is None:
        enrolment = Enrolment(participant=participant_id, program=program["id"], **{c._meta.name: v for c, v in values.items()})
        await enrolment.save().run()
        row = {"id": enrolment.id, "program": program["id"], "participant": participant_id, "status": ""}
    else:
        # One row per person and program: someone who left and comes back starts again at the end of the queue.
        await Enrolment.update(values).where(Enrolment.id == existing["id"]).run()
        row = existing
    await _record(row, status, now, actor, note="self-registration" if source == "self_registration" else "")
    return await Enrolment.select(*_ENROLMENT_COLUMNS).where(Enrolment.id == row["id"]).first().run()


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
            program = await _program(program_id)
            rows = await Enrolment.select(*_ENROLMENT_COLUMNS).where(
                (Enrolment.program == program_id) & (Enrolment.status == "offered") & (Enrolment.offer_expires_at <= now)
            ).run()
            for row in rows:
                await _set_status(row, "declined", now, None, automatic="offer_expired", note="offer expired", values={Enrolment.ended_at: now})
            expired += len(rows)
            if rows:
                await _fill_places(program, now)
    return expired


async def enrol(
    actor: CurrentStaff | None, program_id: int, participant_id: int, *, source: str = "staff", now: datetime | None = None
) -> dict[str, Any]:
    """Enrolled if there is room, otherwise waitlisted; a self-registration for an approval program is a request."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        return await _enrol_locked(actor, await _program(program_id), participant_id, source=source, now=now)


async def register_participant(
    actor: CurrentStaff | None, program_id: int, values: dict[str, Any], purposes: list[str], *, source: str = "staff",
    now: datetime | None = None,
) -> dict[str, Any]:
    """A new person, their consents and their enrolment, all saved or none."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await _program(program_id)
        ensure_open(program)
        participant_id = await participants.create_participant(actor, values, [p for p in purposes if p in PURPOSES], source=source)
        return await _enrol_locked(actor, program, participant_id, source=source, now=now)


@dataclass(frozen=True)
class Registration:
    participant_id: int
    enrolment_id: int
    status: str
    duplicate: bool  # an earlier registration with the same phone or e-mail: nothing new was saved
    personal_token: str | None = None  # the new personal link, to show once; never for a duplicate


async def self_register(
    program_id: int, values: dict[str, Any], purposes: list[str], *, now: datetime | None = None
) -> Registration:
    """Registration from the public page. A second submission with a phone or e-mail already on this program's
    list saves nothing and answers with the earlier registration."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await _program(program_id)
        if program["enrolment_mode"] not in ("open", "approval") or program["visibility"] == "private":
            raise DomainError("registration_closed", N_("Registration for this program is closed."))
        ensure_open(program)
        if "participation" not in purposes or "data_collection" not in purposes:
            raise DomainError("consent_missing", N_("Taking part needs your consent to both of these."), field="consent_participation")
        earlier = await _earlier_registration(program_id, values.get("phone") or "", values.get("email") or "")
        if earlier is not None:
            return Registration(earlier["participant"], earlier["id"], earlier["status"], True)
        participant_id = await participants.create_participant(
            None, values, [p for p in purposes if p in PURPOSES], source="self_registration"
        )
        row = await _enrol_locked(None, program, participant_id, source="self_registration", now=now)
        token = await links.reissue_personal_links(None, participant_id)
        return Registration(participant_id, row["id"], row["status"], False, token)


async def _earlier_registration(program_id: int, phone: str, email: str) -> dict[str, Any] | None:
    digits = participants.phone_digits(phone) if phone else ""
    email = email.strip().lower()
    if not digits and not email:
        return None
    same = None
    if digits:
        same = Enrolment.participant.phone_digits == digits
    if email:
        clause = Enrolment.participant.email == email
        same = clause if same is None else same | clause
    return await Enrolment.select(Enrolment.id, Enrolment.participant, Enrolment.status).where(
        (Enrolment.program == program_id) & Enrolment.status.is_in(list(ACTIVE)) & same
    ).first().run()


async def approve(actor: CurrentStaff, program_id: int, enrolment_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    """A request becomes an enrolment, or a place on the waitlist when the program is full."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await _program(program_id)
        ensure_open(program)
        row = await _enrolment(program_id, enrolment_id)
        if row["status"] != "requested":
            raise DomainError("not_requested", N_("Only a pending request can be approved."))
        if not await _has_participation_consent(row["participant"]):
            raise DomainError("consent_missing", N_("The person has not given consent to take part; record their consent first."))
        await _fill_places(program, now)
        if _has_room(program, await _places_taken(program_id)):
            return await _set_status(row, "enrolled", now, actor, note="approved", values={Enrolment.enrolled_at: now})
        return await _set_status(row, "waitlisted", now, actor, note="approved; program full")


async def withdraw(
    actor: CurrentStaff | None, program_id: int, enrolment_id: int, reason: str, *, now: datetime | None = None
) -> dict[str, Any]:
    """The person leaves the program; a place they held goes to the first person waiting."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await _program(program_id)
        ensure_open(program)
        row = await _enrolment(program_id, enrolment_id)
        if row["status"] not in ACTIVE:
            raise DomainError("not_active", N_("This person is no longer on the program's list."))
        changed = await _set_status(
            row, "withdrawn", now, actor, note=reason, values={Enrolment.ended_at: now, Enrolment.reason: reason[:2000], Enrolment.offer_expires_at: None}
        )
        await _fill_places(program, now)
        return changed


async def complete(actor: CurrentStaff, program_id: int, enrolment_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    """The person finished the program; their place is free again."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await _program(program_id)
        ensure_open(program)
        row = await _enrolment(program_id, enrolment_id)
        if row["status"] != "enrolled":
            raise DomainError("not_enrolled", N_("Only an enrolled person can complete the program."))
        changed = await _set_status(row, "completed", now, actor, values={Enrolment.ended_at: now})
        await _fill_places(program, now)
        return changed


async def confirm_offer(
    actor: CurrentStaff | None, program_id: int, enrolment_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """The person (or staff for them) takes the offered place before the offer runs out."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await _program(program_id)
        ensure_open(program)
        row = await _enrolment(program_id, enrolment_id)
        if row["status"] == "declined":
            raise DomainError("offer_expired", N_("This offer has expired and the place went to the next person."))
        if row["status"] != "offered":
            raise DomainError("not_offered", N_("There is no open offer to confirm."))
        return await _set_status(
            row, "enrolled", now, actor, note="offer confirmed", values={Enrolment.enrolled_at: now, Enrolment.offer_expires_at: None}
        )


async def recent_promotions(staff: CurrentStaff, since: datetime) -> list[dict[str, Any]]:
    """Waitlist promotions since a moment, on the programs this staff member manages (for the dashboard)."""
    query = EnrolmentChange.select(
        EnrolmentChange.id, EnrolmentChange.changed_at, EnrolmentChange.to_status,
        EnrolmentChange.enrolment.id.as_alias("enrolment_id"),
        EnrolmentChange.enrolment.participant.id.as_alias("participant_id"),
        EnrolmentChange.enrolment.participant.display_name.as_alias("display_name"),
        EnrolmentChange.program.id.as_alias("program_id"), EnrolmentChange.program.slug.as_alias("slug"),
        EnrolmentChange.program.title.as_alias("title"),
    ).where((EnrolmentChange.automatic == "promotion") & (EnrolmentChange.changed_at >= since))
    ids = await managed_program_ids(staff)
    if ids is not None:
        if not ids:
            return []
        query = query.where(EnrolmentChange.program.is_in(ids))
    return await query.order_by(EnrolmentChange.changed_at, ascending=False).order_by(EnrolmentChange.id, ascending=False).limit(100).run()


# --- the staff participants tab ------------------------------------------------------------------

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


async def sees_confidential(staff: CurrentStaff, program_id: int) -> bool:
    """Personal links on a program's list: whoever may see contact details of the program's people (its team, admins)."""
    on_team = not staff.is_admin and await TeamMember.exists().where((TeamMember.program == program_id) & (TeamMember.staff == staff.id)).run()
    return privacy.may_see(privacy.staff_viewer(staff, on_team=on_team), privacy.PAGE, privacy.CONTACT)


async def program_participants(program_id: int) -> dict[str, list[dict[str, Any]]]:
    """The program's people by status, waitlist in queue order with positions, in a fixed number of queries."""
    rows = await Enrolment.select(
        *_ENROLMENT_COLUMNS,
        Enrolment.participant.display_name.as_alias("display_name"),
        Enrolment.participant.anonymised_at.as_alias("anonymised_at"),
    ).where(Enrolment.program == program_id).order_by(Enrolment.requested_at).order_by(Enrolment.id).run()
    consents = await consent_states([row["participant"] for row in rows])
    groups: dict[str, list[dict[str, Any]]] = {status: [] for status in LIST_ORDER}
    for row in rows:
        row["consents"] = consents.get(row["participant"], {})
        groups.setdefault(row["status"], []).append(row)
    for position, row in enumerate(groups["waitlisted"], start=1):
        row["position"] = position
    return groups


async def places_left(program: dict[str, Any]) -> int | None:
    """Free places now; None when the program has no capacity limit."""
    if program.get("capacity") is None:
        return None
    return max(0, program["capacity"] - await _places_taken(program["id"]))


async def waitlist_position(enrolment: dict[str, Any]) -> int | None:
    if enrolment["status"] != "waitlisted":
        return None
    ahead = await Enrolment.count().where(
        (Enrolment.program == enrolment["program"]) & (Enrolment.status == "waitlisted")
        & ((Enrolment.requested_at < enrolment["requested_at"]) | ((Enrolment.requested_at == enrolment["requested_at"]) & (Enrolment.id < enrolment["id"])))
    ).run()
    return ahead + 1


async def get_enrolment(enrolment_id: int) -> dict[str, Any]:
    row = await Enrolment.select(*_ENROLMENT_COLUMNS).where(Enrolment.id == enrolment_id).first().run()
    if row is None:
        raise NotFound("enrolment")
    return row


async def enrolment_candidates(staff: CurrentStaff, program_id: int, search: str) -> list[dict[str, Any]]:
    """People this staff member may see whose display name matches, minus those already on the program's list."""
    if not search.strip():
        return []
    found = await list_participants(staff, search=search.strip()[:100], limit=20)
    found = [row for row in found if row["anonymised_at"] is None]
    if not found:
        return []
    ids = [row["id"] for row in found]
    listed = {
        row["participant"]
        for row in await Enrolment.select(Enrolment.participant).where(
            (Enrolment.program == program_id) & Enrolment.participant.is_in(ids) & Enrolment.status.is_in(list(ACTIVE))
        ).run()
    }
    consents = await consent_states(ids)
    return [dict(row, consents=consents[row["id"]]) for row in found if row["id"] not in listed]


# --- the participant's own page --------------------------------------------------------------------

_PROGRAM_FIELDS = (
    Enrolment.program.id.as_alias("program_id"), Enrolment.program.slug.as_alias("slug"),
    Enrolment.program.title.as_alias("title"), Enrolment.program.public_title.as_alias("public_title"),
    Enrolment.program.discreet.as_alias("discreet"), Enrolment.program.timezone.as_alias("timezone"),
    Enrolment.program.phase.as_alias("phase"), Enrolment.program.archived.as_alias("archived"),
)


async def participant_profile(participant_id: int) -> dict[str, Any]:
    row = await Participant.select(
        Participant.id, Participant.display_name, Participant.legal_name, Participant.phone, Participant.email,
        Participant.preferred_locale, Participant.created_at, Participant.anonymised_at,
    ).where(Participant.id == participant_id).first().run()
    if row is None or row["anonymised_at"] is not None:
        raise NotFound("participant")
    return row


async def personal_programs(participant_id: int) -> list[dict[str, Any]]:
    """The person's programs under their public (neutral, for discreet programs) titles, with queue positions."""
    rows = await Enrolment.select(*_ENROLMENT_COLUMNS, *_PROGRAM_FIELDS).where(
        Enrolment.participant == participant_id
    ).order_by(Enrolment.requested_at, ascending=False).run()
    for row in rows:
        row["title"] = privacy.title(row, privacy.SELF, privacy.PAGE)
        del row["public_title"]
        row["position"] = await waitlist_position(row) if row["status"] == "waitlisted" else None
    return rows


async def personal_sessions(participant_id: int, now: datetime | None = None, days: int = PERSONAL_DAYS) -> list[dict[str, Any]]:
    """Coming sessions of the programs the person is enrolled in, with their own answer, in two queries."""
    now = now or clock.now()
    enrolled = Enrolment.select(Enrolment.program).where(
        (Enrolment.participant == participant_id) & (Enrolment.status == "enrolled")
    )
    rows = await ProgramSession.select(
        ProgramSession.id, ProgramSession.starts_at, ProgramSession.ends_at, ProgramSession.status, ProgramSession.topic,
        ProgramSession.location, ProgramSession.online_link, ProgramSession.cancel_reason,
        ProgramSession.program.id.as_alias("program_id"), ProgramSession.program.title.as_alias("title"),
        ProgramSession.program.public_title.as_alias("public_title"), ProgramSession.program.discreet.as_alias("discreet"),
        ProgramSession.program.timezone.as_alias("timezone"),
        ProgramSession.program.default_location.as_alias("default_location"),
        ProgramSession.program.default_online_link.as_alias("default_online_link"),
    ).where(
        ProgramSession.program.is_in(enrolled)
        & ProgramSession.status.is_in(["scheduled", "cancelled"])
        & (ProgramSession.ends_at >= now)
        & (ProgramSession.starts_at <= now + timedelta(days=days))
    ).order_by(ProgramSession.starts_at).run()
    answers = {}
    if rows:
        answers = {
            row["session"]: row["response"]
            for row in await Rsvp.select(Rsvp.session, Rsvp.response).where(
                (Rsvp.participant == participant_id) & Rsvp.session.is_in([r["id"] for r in rows])
            ).run()
        }
    # Only programs the person is enrolled in are listed: they see the place, the room and why a session was cancelled.
    viewer = privacy.participant_viewer(enrolled=True)
    for index, row in enumerate(rows):
        row["title"] = privacy.title(row, viewer, privacy.PAGE)
        del row["public_title"]
        default_location, default_link = row.pop("default_location"), row.pop("default_online_link")
        row["location"] = row["location"] or default_location
        row["online_link"] = row["online_link"] or default_link
        row = rows[index] = privacy.session_view(row, row, viewer, privacy.PAGE)
        row["rsvp"] = answers.get(row["id"], "")
    return rows


async def answer_rsvp(participant_id: int, session_id: int, response: str, *, now: datetime | None = None) -> None:
    """Going or not, for a coming session of a program the person is enrolled in; a new answer replaces the old."""
    now = now or clock.now()
    if response not in RSVP_RESPONSES:
        raise DomainError("bad_response", N_("Choose one of the options."), field="response")
    session = await ProgramSession.select(ProgramSession.id, ProgramSession.program, ProgramSession.status, ProgramSession.ends_at).where(
        ProgramSession.id == session_id
    ).first().run()
    enrolled = session is not None and await Enrolment.exists().where(
        (Enrolment.participant == participant_id) & (Enrolment.program == session["program"]) & (Enrolment.status == "enrolled")
    ).run()
    if not enrolled:
        raise NotFound("session")
    if session["status"] != "scheduled" or session["ends_at"] < now:
        raise DomainError("session_closed", N_("This session can no longer be answered."), field="response")
    await Rsvp.insert(Rsvp(session=session_id, participant=participant_id, response=response, answered_at=now)).on_conflict(
        target=(Rsvp.session, Rsvp.participant), action="DO UPDATE", values=[Rsvp.response, Rsvp.answered_at]
    ).run()


async def personal_enrolment(participant_id: int, program_id: int) -> dict[str, Any]:
    row = await Enrolment.select(*_ENROLMENT_COLUMNS).where(
        (Enrolment.participant == participant_id) & (Enrolment.program == program_id)
    ).first().run()
    if row is None:
        raise NotFound("enrolment")
    return row


async def leave_program(participant_id: int, program_id: int, reason: str = "", *, now: datetime | None = None) -> dict[str, Any]:
    row = await personal_enrolment(participant_id, program_id)
    return await withdraw(None, program_id, row["id"], reason or "left via personal page", now=now)


async def confirm_own_offer(participant_id: int, program_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    row = await personal_enrolment(participant_id, program_id)
    return await confirm_offer(None, program_id, row["id"], now=now)


async def withdraw_own_consent(participant_id: int, purpose: str, *, now: datetime | None = None) -> int:
    """Withdrawing consent to take part also takes the person off every open program's list; returns how many."""
    if purpose not in PURPOSES:
        raise NotFound("consent")
    now = now or clock.now()
    await consent.withdraw_consent(participant_id, purpose, actor=None)
    if purpose != "participation":
        return 0
    left = 0
    rows = await Enrolment.select(Enrolment.id, Enrolment.program, Enrolment.program.phase.as_alias("phase"), Enrolment.program.archived.as_alias("archived")).where(
        (Enrolment.participant == participant_id) & Enrolment.status.is_in(list(ACTIVE))
    ).order_by(Enrolment.program).run()
    for row in rows:
        if row["phase"] == "closed" or row["archived"]:
            continue  # a closed program is a record and stays as it was
        await withdraw(None, row["program"], row["id"], "participation consent withdrawn", now=now)
        left += 1
    return left


async def end_places_for_erasure(actor: CurrentStaff, participant_id: int, *, now: datetime | None = None) -> int:
    """Erasure first ends the person's places: every open enrolment is withdrawn (reason "erased", recorded as an
    enrolment change), so nobody keeps a place or collects absences under a number, and the waitlist moves up as
    for any withdrawal. Returns how many enrolments were ended. The rest of the erasure runs over the
    personal-data registry (server/pages/personal_data.py)."""
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
    return ended


async def set_own_language(participant_id: int, locale: str) -> None:
    from server.config import SUPPORTED_LOCALES

    if locale not in SUPPORTED_LOCALES:
        raise DomainError("bad_locale", N_("Choose one of the options."), field="locale")
    await Participant.update({Participant.preferred_locale: locale, Participant.updated_at: clock.now()}).where(Participant.id == participant_id).run()
