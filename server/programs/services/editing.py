"""Creating, editing and archiving programs."""

from __future__ import annotations

from typing import Any

from server import clock, privacy
from server.audit import record_audit
from server.db import transaction
from server.errors import DomainError, Forbidden, NotFound
from server.i18n import N_
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
    "area",
    "place_members_only",
)


def _check_program_values(values: dict[str, Any]) -> None:
    public_title = (values.get("public_title") or "").strip()
    if values.get("discreet") and not public_title:
        raise DomainError(
            "public_title_required", N_("A discreet program needs a neutral public title."), field="public_title"
        )
    if values.get("discreet") and public_title.lower() == (values.get("title") or "").strip().lower():
        raise DomainError(
            "public_title_same", N_("The public title must differ from the real title."), field="public_title"
        )
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and ends < starts:
        raise DomainError("ends_before_starts", N_("The end date is before the start date."), field="ends_on")


async def create_program(actor: CurrentStaff, values: dict[str, Any]) -> int:
    values = {key: values[key] for key in EDITABLE_FIELDS if key in values}
    # A support group keeps its room to its members unless whoever creates it says otherwise.
    values.setdefault("place_members_only", values.get("kind") == "support_group")
    _check_program_values(values)
    await choose_address(values)
    async with transaction():
        program = Program(**values, phase="assessment")
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
    values = {key: values[key] for key in EDITABLE_FIELDS if key in values}
    _check_program_values(values)
    await choose_address(values, program["id"])
    updates = {getattr(Program, key): value for key, value in values.items()}
    updates[Program.updated_at] = clock.now()
    async with transaction():
        await Program.update(updates).where(Program.id == program["id"]).run()
        if values["slug"] != program["slug"]:
            # Staff bookmarks keep working; going back to an old address makes it current again.
            await ProgramSlugAlias.delete().where(ProgramSlugAlias.slug == values["slug"]).run()
            await ProgramSlugAlias.insert(ProgramSlugAlias(program=program["id"], slug=program["slug"])).run()
    return values["slug"]


async def archive_program(actor: CurrentStaff, program: dict[str, Any], archived: bool = True) -> None:
    if not actor.is_organizer:
        raise Forbidden()
    await (
        Program.update({Program.archived: archived, Program.updated_at: clock.now()})
        .where(Program.id == program["id"])
        .run()
    )
    action = "archive" if archived else "unarchive"
    await record_audit(actor, action, "program", program["id"], privacy.title(program, privacy.ADMIN, privacy.LOG))
