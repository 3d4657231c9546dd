"""Lists of programs: the staff list, the public catalogue and the public program page (programs only; the pages
that add sessions compose them with the schedule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server import privacy
from server.db import contains_text
from server.errors import NotFound
from server.programs.choices import KINDS, PHASES
from server.programs.rules import accepts_registrations
from server.programs.services.access import managed_program_ids
from server.programs.tables import Program
from server.web.access import CurrentStaff


@dataclass(frozen=True)
class ProgramFilter:
    kind: str = ""
    phase: str = ""
    search: str = ""
    archived: bool = False


async def list_programs_for_staff(staff: CurrentStaff, filters: ProgramFilter) -> list[dict[str, Any]]:
    """Programs on the staff list, in one query whatever the number of programs."""
    query = Program.select(
        Program.id,
        Program.slug,
        Program.kind,
        Program.title,
        Program.public_title,
        Program.discreet,
        Program.visibility,
        Program.phase,
        Program.archived,
        Program.capacity,
        Program.starts_on,
    ).where(Program.archived == filters.archived)
    ids = await managed_program_ids(staff)
    if ids is not None:
        if not ids:
            return []
        query = query.where(Program.id.is_in(ids))
    if filters.kind in KINDS:
        query = query.where(Program.kind == filters.kind)
    if filters.phase in PHASES:
        query = query.where(Program.phase == filters.phase)
    if filters.search:
        text = filters.search.replace("%", "").replace("_", " ")
        query = query.where(
            contains_text(Program.title, text)
            | contains_text(Program.slug, text)
            | contains_text(Program.public_title, text)
        )
    return await query.order_by(Program.title).run()


async def public_programs(kind: str = "", mode: str = "") -> list[dict[str, Any]]:
    """Public programs with their displayed (never the real discreet) title, sorted by that title."""
    query = Program.select(
        Program.id,
        Program.slug,
        Program.kind,
        Program.title,
        Program.public_title,
        Program.discreet,
        Program.summary,
        Program.default_location,
        Program.default_online_link,
        Program.enrolment_mode,
        Program.phase,
        Program.place_members_only,
        Program.area,
    ).where((Program.visibility == "public") & (Program.archived == False))  # noqa: E712
    if kind in KINDS:
        query = query.where(Program.kind == kind)
    if mode == "online":
        query = query.where(Program.default_online_link != "")
    elif mode == "in_person":
        query = query.where(Program.default_location != "")
    rows = await query.order_by(Program.id).run()
    programs = [privacy.program_view(row, privacy.ANYONE, privacy.PAGE) for row in rows]
    return sorted(programs, key=lambda p: p["title"].lower())


async def public_program(slug: str) -> dict[str, Any]:
    """A public or unlisted program as the public may see it; private and unknown slugs are the same 404.
    `registration_open` says whether its page offers registration."""
    row = await Program.select().where((Program.slug == slug) & (Program.archived == False)).first().run()  # noqa: E712
    if row is None or row["visibility"] not in ("public", "unlisted"):
        raise NotFound("program")
    view = privacy.program_view(row, privacy.ANYONE, privacy.PAGE)
    view["registration_open"] = accepts_registrations(row)
    return view
