"""Program pages that show sessions: the public catalogue with each program's next session, the public program page
with its coming sessions, and the staff list of programs with their upcoming session counts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromPath

from server.calendars import services as feeds
from server.config import settings
from server.enrolment import waitlist
from server.programs import forms as program_forms
from server.programs import services as programs
from server.schedule import services as schedule
from server.web.access import PUBLIC, STAFF, CurrentStaff
from server.web.pagination import Page, PageRequest, paginate
from server.web.rendering import render

CATALOGUE_PAGE_SIZE = 24
PROGRAM_LIST_PAGE_SIZE = 50


async def public_catalogue(
    kind: str = "", mode: str = "", upcoming_only: bool = False, wanted: PageRequest | None = None, area: str = ""
) -> Page[dict[str, Any]]:
    """One page of public programs with their displayed (never the real discreet) title, next session and
    availability (places left, full, closed), in at most five queries whatever the number of programs."""
    only_ids = await schedule.programs_with_upcoming_sessions() if upcoming_only else None
    page = await paginate(
        wanted or PageRequest(size=CATALOGUE_PAGE_SIZE),
        count=lambda: programs.count_public_programs(kind=kind, mode=mode, only_ids=only_ids, area=area),
        fetch=lambda limit, offset: programs.public_programs(
            kind=kind, mode=mode, only_ids=only_ids, limit=limit, offset=offset, area=area
        ),
    )
    next_sessions = await schedule.next_public_session_by_program([p["id"] for p in page.items])
    availability = await waitlist.availability_by_program(page.items)
    for program in page.items:
        program["next_session"] = next_sessions.get(program["id"])
        program["availability"] = availability[program["id"]]
    return page


async def staff_program_list(
    staff: CurrentStaff, filters: programs.ProgramFilter, wanted: PageRequest | None = None
) -> Page[dict[str, Any]]:
    """One page of the staff list of programs, each with its number of upcoming sessions, in a constant number of
    queries."""
    page = await paginate(
        wanted or PageRequest(size=PROGRAM_LIST_PAGE_SIZE),
        count=lambda: programs.count_programs_for_staff(staff, filters),
        fetch=lambda limit, offset: programs.list_programs_for_staff(staff, filters, limit=limit, offset=offset),
    )
    counts = await schedule.upcoming_counts([p["id"] for p in page.items])
    for program in page.items:
        program["upcoming_sessions"] = counts.get(program["id"], 0)
    return page


@get("/programs", opt=PUBLIC, name="catalogue")
async def catalogue(request: Request) -> Any:
    filters = program_forms.CatalogueFilter(request.query_params)
    values = filters.cleaned if filters.is_valid() else {"kind": "", "mode": "", "area": "", "upcoming": False}
    page = await public_catalogue(
        kind=str(values["kind"]),
        mode=str(values["mode"]),
        upcoming_only=bool(values["upcoming"]),
        wanted=PageRequest.of(request, CATALOGUE_PAGE_SIZE),
        area=str(values["area"]),
    )
    # The subscribe link carries the same filters: the feed then holds the sessions of the programs listed here.
    chosen = filters.feed_filters()
    feed_url = settings.base_url + request.app.route_reverse("public_calendar")
    if chosen:
        feed_url += "?" + urlencode(chosen)
    context = {
        "programs": page.items,
        "page": page,
        "filters": filters,
        "areas": await programs.public_areas(),
        "feed_url": feed_url,
        "feed_filters": feeds.filters_summary(chosen),
    }
    return render(request, "programs/catalogue.html", context, block="results")


@get("/programs/{slug:str}", opt=PUBLIC, name="public_program")
async def public_program(request: Request, slug: FromPath[str]) -> Any:
    program = await programs.public_program(slug)
    sessions = await schedule.public_program_sessions(program, limit=12)
    context = {"program": program, "sessions": sessions, "availability": await waitlist.program_availability(program)}
    return render(request, "programs/public_program.html", context)


@get("/manage/programs", opt=STAFF, name="program_list")
async def program_list(request: Request) -> Any:
    filters = program_forms.StaffProgramFilter(request.query_params)
    values = filters.cleaned if filters.is_valid() else {"kind": "", "phase": "", "q": "", "archived": False}
    chosen = programs.ProgramFilter(
        kind=str(values["kind"]), phase=str(values["phase"]), search=str(values["q"]), archived=bool(values["archived"])
    )
    page = await staff_program_list(request.user, chosen, PageRequest.of(request, PROGRAM_LIST_PAGE_SIZE))
    context = {"programs": page.items, "page": page, "filters": filters}
    return render(request, "programs/list.html", context, block="results")


ROUTES = [catalogue, public_program, program_list]
