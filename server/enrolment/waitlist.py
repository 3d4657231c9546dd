"""A program's list under its lock: the enrolment statuses, places and capacity, the waitlist queue and offers —
the steps every enrolment rule runs inside `program_lock` (server/programs/locking.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from server.enrolment import notify
from server.enrolment.tables import Enrolment, EnrolmentChange
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.organisation import services as organisation
from server.people.tables import Consent
from server.programs.rules import accepts_registrations
from server.programs.services import ensure_open, on_capacity_raised
from server.programs.tables import Program
from server.web.access import CurrentStaff
from server.web.labels import LABELS

LABELS.register(
    "enrolment_status",
    {
        "requested": N_("Requested"),
        "waitlisted": N_("Waitlisted"),
        "offered": N_("Place offered"),
        "enrolled": N_("Enrolled"),
        "withdrawn": N_("Withdrawn"),
        "completed": N_("Completed"),
        "declined": N_("Declined"),
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


def _details(program: dict[str, Any]) -> dict[str, Any]:
    details = program.get("details") or {}
    if isinstance(details, str):  # JSON columns come back as text on SQLite
        try:
            details = json.loads(details)
        except ValueError:
            details = {}
    return details if isinstance(details, dict) else {}


def offer_hours(program: dict[str, Any]) -> int | None:
    """Hours a promoted person has to confirm their place; None means promotion enrols at once. A program that
    sets none (no value, or empty) follows the organisation's default; 0 enrols at once whatever the default."""
    value = _details(program).get("offer_hours")
    if value in (None, ""):
        return organisation.current().offer_hours
    try:
        hours = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return hours if hours and hours > 0 else None


# --- internal steps (run inside program_lock) -----------------------------------------------------

ENROLMENT_COLUMNS = (
    Enrolment.id,
    Enrolment.participant,
    Enrolment.program,
    Enrolment.status,
    Enrolment.requested_at,
    Enrolment.enrolled_at,
    Enrolment.ended_at,
    Enrolment.offer_expires_at,
    Enrolment.reason,
    Enrolment.source,
)


async def load_program(program_id: int) -> dict[str, Any]:
    row = await Program.select().where(Program.id == program_id).first().run()
    if row is None:
        raise NotFound("program")
    return row


async def load_enrolment(program_id: int, enrolment_id: int) -> dict[str, Any]:
    row = (
        await Enrolment.select(*ENROLMENT_COLUMNS)
        .where((Enrolment.id == enrolment_id) & (Enrolment.program == program_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("enrolment")
    return row


async def record_change(
    enrolment: dict[str, Any],
    to_status: str,
    now: datetime,
    actor: CurrentStaff | None,
    *,
    note: str = "",
    automatic: str = "",
) -> None:
    await EnrolmentChange.insert(
        EnrolmentChange(
            enrolment=enrolment["id"],
            program=enrolment["program"],
            from_status=enrolment["status"] or "",
            to_status=to_status,
            note=note[:2000],
            automatic=automatic,
            changed_by=actor.id if actor else None,
            changed_at=now,
        )
    ).run()


async def set_status(
    enrolment: dict[str, Any],
    to_status: str,
    now: datetime,
    actor: CurrentStaff | None,
    *,
    note: str = "",
    automatic: str = "",
    values: dict[Any, Any] | None = None,
) -> dict[str, Any]:
    updates: dict[Any, Any] = {Enrolment.status: to_status, Enrolment.updated_at: now, **(values or {})}
    await Enrolment.update(updates).where(Enrolment.id == enrolment["id"]).run()
    await record_change(enrolment, to_status, now, actor, note=note, automatic=automatic)
    changed = dict(enrolment, status=to_status)
    changed.update({column._meta.name: value for column, value in updates.items()})
    return changed


async def places_taken(program_id: int) -> int:
    return (
        await Enrolment.count()
        .where((Enrolment.program == program_id) & Enrolment.status.is_in(list(HOLDS_PLACE)))
        .run()
    )


def has_room(program: dict[str, Any], taken: int) -> bool:
    return program["capacity"] is None or taken < program["capacity"]


async def fill_places(program: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """Free places go to the waitlist in order of request; with an offer window they are offered, not given.
    Each person moved up is told (an offer with its deadline, or their place), in this transaction."""
    if program["phase"] == "closed" or program["archived"]:
        return []
    consenting = Consent.select(Consent.participant).where(
        (Consent.purpose == "participation") & Consent.withdrawn_at.is_null()
    )
    # Someone who withdrew their consent to take part keeps their line on the list (staff see it flagged) but is
    # passed over: a place is never given without consent.
    query = (
        Enrolment.select(*ENROLMENT_COLUMNS)
        .where(
            (Enrolment.program == program["id"])
            & (Enrolment.status == "waitlisted")
            & Enrolment.participant.is_in(consenting)
        )
        .order_by(Enrolment.requested_at)
        .order_by(Enrolment.id)
    )
    if program["capacity"] is not None:
        free = program["capacity"] - await places_taken(program["id"])
        if free <= 0:
            return []
        query = query.limit(free)
    hours = offer_hours(program)
    promoted = []
    values: dict[Any, Any]
    for row in await query.run():
        if hours:
            values = {Enrolment.offer_expires_at: now + timedelta(hours=hours)}
            promoted.append(await set_status(row, "offered", now, None, automatic="promotion", values=values))
        else:
            values = {Enrolment.enrolled_at: now, Enrolment.offer_expires_at: None}
            promoted.append(await set_status(row, "enrolled", now, None, automatic="promotion", values=values))
    await notify.places_given(program, promoted, now)
    return promoted


@on_capacity_raised
async def fill_raised_capacity(program: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """More places (a raised capacity, or no limit any more) go to the waitlist as a freed place does: in order,
    offered or given per the offer window, recorded as automatic promotions."""
    return await fill_places(program, now)


async def has_participation_consent(participant_id: int) -> bool:
    return (
        await Consent.exists()
        .where(
            (Consent.participant == participant_id)
            & (Consent.purpose == "participation")
            & Consent.withdrawn_at.is_null()
        )
        .run()
    )


async def enrol_locked(
    actor: CurrentStaff | None, program: dict[str, Any], participant_id: int, *, source: str, now: datetime
) -> dict[str, Any]:
    ensure_open(program)
    if not await has_participation_consent(participant_id):
        raise DomainError(
            "consent_missing",
            N_("The person has not given consent to take part; record their consent first."),
            field="consent_participation",
        )
    existing = (
        await Enrolment.select(*ENROLMENT_COLUMNS)
        .where((Enrolment.program == program["id"]) & (Enrolment.participant == participant_id))
        .first()
        .run()
    )
    if existing is not None and existing["status"] in ACTIVE:
        raise DomainError(
            "already_enrolled",
            N_("This person is already on this program's list (%(status)s)."),
            field="participant_id",
            status=LABELS.label("enrolment_status", existing["status"]),
        )
    if existing is not None and existing["status"] == "completed":
        raise DomainError(
            "already_completed", N_("This person has already completed this program."), field="participant_id"
        )
    await fill_places(program, now)  # people already waiting come first
    # A referral from a case worker is a request too: the program's team approves it as they would the person's own.
    if source in ("self_registration", "referral") and program["enrolment_mode"] == "approval":
        status = "requested"
    elif has_room(program, await places_taken(program["id"])):
        status = "enrolled"
    else:
        status = "waitlisted"
    values: dict[Any, Any] = {
        Enrolment.status: status,
        Enrolment.requested_at: now,
        Enrolment.enrolled_at: now if status == "enrolled" else None,
        Enrolment.ended_at: None,
        Enrolment.offer_expires_at: None,
        Enrolment.reason: "",
        Enrolment.source: source,
        Enrolment.updated_at: now,
    }
    if existing is None:
        enrolment = Enrolment(
            participant=participant_id, program=program["id"], **{c._meta.name: v for c, v in values.items()}
        )
        await enrolment.save().run()
        row = {"id": enrolment.id, "program": program["id"], "participant": participant_id, "status": ""}
    else:
        # One row per person and program: someone who left and comes back starts again at the end of the queue.
        await Enrolment.update(values).where(Enrolment.id == existing["id"]).run()
        row = existing
    await record_change(row, status, now, actor, note="self-registration" if source == "self_registration" else "")
    enrolled = await load_enrolment(program["id"], row["id"])
    if status == "requested":
        await notify.approval_needed(program, enrolled)
    elif status == "waitlisted" and source != "self_registration":
        # A self-registration's confirmation (server/enrolment/registration.py) already tells a waitlisted person.
        await notify.waitlisted(program, enrolled, await waitlist_position(enrolled))
    return enrolled


# --- places and queue positions ------------------------------------------------------------------


async def places_left(program: dict[str, Any]) -> int | None:
    """Free places now; None when the program has no capacity limit."""
    if program.get("capacity") is None:
        return None
    return max(0, program["capacity"] - await places_taken(program["id"]))


async def places_taken_by_program(program_ids: list[int]) -> dict[int, int]:
    """Places held per program, in one query whatever the number of programs (the catalogue's cards)."""
    if not program_ids:
        return {}
    rows = (
        await Enrolment.select(Enrolment.program, Count(Enrolment.id, alias="taken"))
        .where(Enrolment.program.is_in(program_ids) & Enrolment.status.is_in(list(HOLDS_PLACE)))
        .group_by(Enrolment.program)
        .run()
    )
    return {row["program"]: int(row["taken"]) for row in rows}


@dataclass(frozen=True)
class Availability:
    """What the public page and the catalogue say about joining a program. `state` is one of:
    "open" (registration without a limit), "places_left" (`places_left` free places), "full" (registering puts
    you on the waiting list: every program that takes registrations keeps one) or "closed"."""

    state: str
    places_left: int | None = None
    approval: bool = False  # registering asks the team for a place

    @property
    def registration_open(self) -> bool:
        return self.state != "closed"


def availability(program: dict[str, Any], taken: int) -> Availability:
    """The program's availability to the public, given the places held now."""
    if not accepts_registrations(program):
        return Availability("closed")
    approval = program["enrolment_mode"] == "approval"
    if program.get("capacity") is None:
        return Availability("open", approval=approval)
    free = max(0, program["capacity"] - taken)
    if free == 0:
        return Availability("full", 0, approval=approval)
    return Availability("places_left", free, approval=approval)


async def program_availability(program: dict[str, Any]) -> Availability:
    return availability(program, await places_taken(program["id"]))


async def availability_by_program(programs: list[dict[str, Any]]) -> dict[int, Availability]:
    """Each program's availability, in one query whatever the number of programs."""
    limited = [p["id"] for p in programs if p.get("capacity") is not None and accepts_registrations(p)]
    taken = await places_taken_by_program(limited)
    return {p["id"]: availability(p, taken.get(p["id"], 0)) for p in programs}


async def waitlist_position(enrolment: dict[str, Any]) -> int | None:
    if enrolment["status"] != "waitlisted":
        return None
    ahead = (
        await Enrolment.count()
        .where(
            (Enrolment.program == enrolment["program"])
            & (Enrolment.status == "waitlisted")
            & (
                (Enrolment.requested_at < enrolment["requested_at"])
                | ((Enrolment.requested_at == enrolment["requested_at"]) & (Enrolment.id < enrolment["id"]))
            )
        )
        .run()
    )
    return ahead + 1
