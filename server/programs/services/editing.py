"""Creating, editing and archiving programs."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from server import clock, privacy
from server.audit import record_audit
from server.db import transaction
from server.errors import DomainError, Forbidden, NotFound
from server.i18n import N_
from server.programs.locking import program_lock
from server.programs.rules import ensure_open
from server.programs.services.addresses import choose_address
from server.programs.tables import Program, ProgramSlugAlias, TeamMember
from server.web.access import CurrentStaff

# Program fields a form may set; anything else (phase, archived) changes through its own rule.
EDITABLE_FIELDS = (
    "slug",
    "kind",
    "title",
    "public_title",
    "discreet",
    "summary",
    "description",
    "visibility",
    "timezone",
    "default_location",
    "default_online_link",
    "capacity",
    "enrolment_mode",
    "starts_on",
    "ends_on",
    "requires_licence",
    "completion_threshold",
    "reminder_hours",
    "area",
    "place_members_only",
)


# What else happens, inside the program's lock, when its capacity goes up or its limit goes away. Enrolment (above
# programs) registers filling the new places from its waitlist: the same step as for a freed place.
CapacityRaised = Callable[[dict[str, Any], datetime], Awaitable[Any]]
_CAPACITY_RAISED: dict[str, CapacityRaised] = {}


def on_capacity_raised(hook: CapacityRaised) -> CapacityRaised:
    """Registers `hook(program, now)`, run under the program lock after a save that raised or removed its capacity
    (registering the same function again replaces it: a module imported twice)."""
    _CAPACITY_RAISED[f"{hook.__module__}.{hook.__qualname__}"] = hook
    return hook


def capacity_raised(before: int | None, after: int | None) -> bool:
    """More places than before: a higher number, or no limit any more. Lowering it never removes anyone."""
    return before is not None and (after is None or after > before)


def stored_details(program: dict[str, Any]) -> dict[str, Any]:
    """The program's free-form details (JSON text on SQLite, a dict on PostgreSQL)."""
    details = program.get("details") or {}
    if isinstance(details, str):
        try:
            details = json.loads(details)
        except ValueError:
            details = {}
    return details if isinstance(details, dict) else {}


def stored_offer_hours(program: dict[str, Any]) -> int | None:
    """The program's own offer window as its form shows it: None when it follows the organisation's default."""
    value = stored_details(program).get("offer_hours")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _with_offer_hours(details: dict[str, Any], hours: int | None) -> dict[str, Any]:
    """`details` with the program's offer window (hours; 0 enrols at once) or without one (None: the
    organisation's default applies)."""
    details = {key: value for key, value in details.items() if key != "offer_hours"}
    if hours is not None:
        details["offer_hours"] = hours
    return details


def program_value_refusals(values: dict[str, Any]) -> list[DomainError]:
    """Everything wrong with a program's values together, so that a form shows every mistake in one round."""
    refusals = []
    public_title = (values.get("public_title") or "").strip()
    if values.get("discreet") and not public_title:
        refusals.append(
            DomainError(
                "public_title_required", N_("A discreet program needs a neutral public title."), field="public_title"
            )
        )
    if values.get("discreet") and public_title and public_title.lower() == (values.get("title") or "").strip().lower():
        refusals.append(
            DomainError(
                "public_title_same", N_("The public title must differ from the real title."), field="public_title"
            )
        )
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and ends < starts:
        refusals.append(
            DomainError("ends_before_starts", N_("The end date is before the start date."), field="ends_on")
        )
    return refusals


def _check_program_values(values: dict[str, Any]) -> None:
    for refusal in program_value_refusals(values):
        raise refusal


async def create_program(actor: CurrentStaff, values: dict[str, Any]) -> int:
    details = _with_offer_hours({}, values.get("offer_hours"))
    values = {key: values[key] for key in EDITABLE_FIELDS if key in values}
    # A support group keeps its room to its members unless whoever creates it says otherwise.
    values.setdefault("place_members_only", values.get("kind") == "support_group")
    _check_program_values(values)
    await choose_address(values)
    async with transaction():
        program = Program(**values, phase="assessment", details=details)
        await program.save().run()
        # Whoever creates a program is on its team, so a facilitator can manage what they start.
        role = "organizer" if actor.is_organizer else "lead"
        await TeamMember.insert(TeamMember(program=program.id, staff=actor.id, role=role)).run()
        await record_audit(actor, "create", "program", program.id, privacy.title(values, privacy.ADMIN, privacy.LOG))
    return program.id


async def program_slug(program_id: int) -> str:
    row = await Program.select(Program.slug).where(Program.id == program_id).first().run()
    if row is None:
        raise NotFound("program")
    return row["slug"]


async def update_program(actor: CurrentStaff, program: dict[str, Any], values: dict[str, Any]) -> str:
    """Saves the program's fields and answers its (perhaps new) web address."""
    ensure_open(program)
    offer_hours_given, offer_hours = "offer_hours" in values, values.get("offer_hours")
    values = {key: values[key] for key in EDITABLE_FIELDS if key in values}
    _check_program_values(values)
    await choose_address(values, program["id"])
    now = clock.now()
    updates = {getattr(Program, key): value for key, value in values.items()}
    updates[Program.updated_at] = now
    # Under the program lock: the capacity read here is the one registrations see, and the waitlist fills the new
    # places in the same transaction, before anyone new can take them.
    async with program_lock(program["id"]):
        before = (
            await Program.select(Program.capacity, Program.details).where(Program.id == program["id"]).first().run()
        )
        if offer_hours_given and before:
            updates[Program.details] = _with_offer_hours(stored_details(before), offer_hours)
        await Program.update(updates).where(Program.id == program["id"]).run()
        if values["slug"] != program["slug"]:
            # Staff bookmarks keep working; going back to an old address makes it current again.
            await ProgramSlugAlias.delete().where(ProgramSlugAlias.slug == values["slug"]).run()
            await ProgramSlugAlias.insert(ProgramSlugAlias(program=program["id"], slug=program["slug"])).run()
        if "capacity" in values and before and capacity_raised(before["capacity"], values["capacity"]):
            saved = await Program.select().where(Program.id == program["id"]).first().run()
            assert saved is not None  # updated a moment ago, under the lock
            for hook in _CAPACITY_RAISED.values():
                await hook(saved, now)
    return values["slug"]


async def archive_program(actor: CurrentStaff, program: dict[str, Any], archived: bool = True) -> None:
    if not actor.is_organizer:
        raise Forbidden()
    # Under the program's lock, which recomputes its kept figures at the end: the data checks count a program's
    # problems only while it is not archived.
    async with program_lock(program["id"]):
        await (
            Program.update({Program.archived: archived, Program.updated_at: clock.now()})
            .where(Program.id == program["id"])
            .run()
        )
        action = "archive" if archived else "unarchive"
        await record_audit(actor, action, "program", program["id"], privacy.title(program, privacy.ADMIN, privacy.LOG))
