"""Who may manage which program: the team decides for facilitators, organizers and admins manage every program."""

from __future__ import annotations

from typing import Any

from server.errors import Forbidden, Moved, NotFound
from server.programs.tables import Program, ProgramSlugAlias, TeamMember
from server.web.access import CurrentStaff


async def managed_program_ids(staff: CurrentStaff) -> list[int] | None:
    """The programs a staff member works on; None means every program (organizers and admins)."""
    if staff.is_organizer:
        return None
    rows = await TeamMember.select(TeamMember.program).where(TeamMember.staff == staff.id).run()
    return [row["program"] for row in rows]


async def can_manage(staff: CurrentStaff, program_id: int) -> bool:
    if staff.is_organizer:
        return True
    return await TeamMember.exists().where((TeamMember.program == program_id) & (TeamMember.staff == staff.id)).run()


async def program_for_staff(staff: CurrentStaff, slug: str) -> dict[str, Any]:
    """A program a staff member may manage; an unknown slug is NotFound, someone else's program Forbidden.
    An old address of a program the staff member manages raises Moved, which staff pages answer with a
    redirect to the current address (public pages never look old addresses up)."""
    program = await Program.select().where(Program.slug == slug).first().run()
    if program is None:
        alias = (
            await ProgramSlugAlias.select(
                ProgramSlugAlias.program.as_alias("id"), ProgramSlugAlias.program.slug.as_alias("slug")
            )
            .where(ProgramSlugAlias.slug == slug)
            .first()
            .run()
        )
        if alias is None:
            raise NotFound("program")
        if not await can_manage(staff, alias["id"]):
            raise Forbidden()
        raise Moved(slug, alias["slug"])
    if not await can_manage(staff, program["id"]):
        raise Forbidden()
    return program
