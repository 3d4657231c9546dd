"""Lists of programs: the staff list, the public catalogue and the public program page (programs only; the pages
that add sessions compose them with the schedule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.query import OrderByRaw

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


async def _staff_where(staff: CurrentStaff, filters: ProgramFilter) -> Any | None:
    """The staff list's conditions, or None when this staff member manages no program at all."""
    where: Any = Program.archived == filters.archived
    ids = await managed_program_ids(staff)
    if ids is not None:
        if not ids:
            return None
        where &= Program.id.is_in(ids)
    if filters.kind in KINDS:
        where &= Program.kind == filters.kind
    if filters.phase in PHASES:
        where &= Program.phase == filters.phase
    if filters.search:
        text = filters.search.replace("%", "").replace("_", " ")
        where &= (
            contains_text(Program.title, text)
            | contains_text(Program.slug, text)
            | contains_text(Program.public_title, text)
        )
    return where


async def count_programs_for_staff(staff: CurrentStaff, filters: ProgramFilter) -> int:
    """How many programs the staff list shows with these filters."""
    where = await _staff_where(staff, filters)
    return 0 if where is None else await Program.count().where(where).run()


async def list_programs_for_staff(
    staff: CurrentStaff, filters: ProgramFilter, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Programs on the staff list, in one query whatever the number of programs; `limit`/`offset` for one page."""
    where = await _staff_where(staff, filters)
    if where is None:
        return []
    query = (
        Program.select(
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
        )
        .where(where)
        .order_by(Program.title)
        .order_by(Program.id)
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return await query.run()


def _public_where(kind: str, mode: str, only_ids: list[int] | None, area: str = "") -> Any:
    where: Any = (Program.visibility == "public") & (Program.archived == False)  # noqa: E712
    if kind in KINDS:
        where &= Program.kind == kind
    if mode == "online":
        where &= Program.default_online_link != ""
    elif mode == "in_person":
        where &= Program.default_location != ""
    if area:
        where &= Program.area == area
    if only_ids is not None:
        where &= Program.id.is_in(only_ids or [-1])
    return where


# The title the public sees (privacy.public_title: the neutral title of a discreet program), as SQL, so that the
# catalogue sorts and pages in the database. The index program_displayed_title has this expression: keep them alike.
_DISPLAYED_TITLE = OrderByRaw("lower(CASE WHEN discreet THEN public_title ELSE title END)")


async def count_public_programs(
    kind: str = "", mode: str = "", only_ids: list[int] | None = None, area: str = ""
) -> int:
    """How many programs the catalogue lists with these filters."""
    return await Program.count().where(_public_where(kind, mode, only_ids, area)).run()


def public_program_ids(kind: str = "", mode: str = "", area: str = "") -> Any:
    """The ids of the programs the catalogue lists with these filters, as a sub-query (the public calendar feed
    narrows its sessions with it, so the feed and the catalogue never disagree)."""
    return Program.select(Program.id).where(_public_where(kind, mode, None, area))


async def public_areas() -> list[str]:
    """The areas public programs serve, for the catalogue's area filter (the public sees a program's area)."""
    rows = (
        await Program.select(Program.area)
        .where(_public_where("", "", None) & (Program.area != ""))
        .distinct()
        .order_by(Program.area)
        .run()
    )
    return [row["area"] for row in rows]


async def public_programs(
    kind: str = "",
    mode: str = "",
    only_ids: list[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
    area: str = "",
) -> list[dict[str, Any]]:
    """Public programs with their displayed (never the real discreet) title, sorted by that title; `only_ids`
    narrows them to those programs, `limit`/`offset` to one page."""
    query = (
        Program.select(
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
            Program.capacity,
            Program.phase,
            Program.place_members_only,
            Program.area,
        )
        .where(_public_where(kind, mode, only_ids, area))
        .order_by(_DISPLAYED_TITLE)
        .order_by(Program.id)
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = await query.run()
    return [privacy.program_view(row, privacy.ANYONE, privacy.PAGE) for row in rows]


async def public_program(slug: str, channel: str = privacy.PAGE) -> dict[str, Any]:
    """A public or unlisted program as the public may see it on `channel` (a page, or a printed poster); private
    and unknown slugs are the same 404. `registration_open` says whether its page offers registration."""
    row = await Program.select().where((Program.slug == slug) & (Program.archived == False)).first().run()  # noqa: E712
    if row is None or row["visibility"] not in ("public", "unlisted"):
        raise NotFound("program")
    view = privacy.program_view(row, privacy.ANYONE, channel)
    view["registration_open"] = accepts_registrations(row)
    return view
