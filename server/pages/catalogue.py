"""Program pages that show sessions: the public catalogue with each program's next session, the public program page
with its coming sessions, and the staff list of programs with their upcoming session counts."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromPath

from server.programs import forms as program_forms
from server.programs import services as programs
from server.schedule import services as schedule
from server.web.access import PUBLIC, STAFF, CurrentStaff
from server.web.rendering import render


async def public_catalogue(kind: str = "", mode: str = "", upcoming_only: bool = False) -> list[dict[str, Any]]:
    """Public programs with their displayed (never the real discreet) title and next session, in two queries."""
    found = await programs.public_programs(kind=kind, mode=mode)
    next_sessions = await schedule.next_public_session_by_program([p["id"] for p in found])
    for program in found:
        program["next_session"] = next_sessions.get(program["id"])
    if upcoming_only:
        found = [p for p in found if p["next_session"]]
    return found


async def staff_program_list(staff: CurrentStaff, filters: programs.ProgramFilter) -> list[dict[str, Any]]:
    """The staff list of programs, each with its number of upcoming sessions, in two queries."""
    found = await programs.list_programs_for_staff(staff, filters)
    counts = await schedule.upcoming_counts([p["id"] for p in found])
    for program in found:
        program["upcoming_sessions"] = counts.get(program["id"], 0)
    return found


@get("/programs", opt=PUBLIC, name="catalogue")
async def catalogue(request: Request) -> Any:
    filters = program_forms.CatalogueFilter(request.query_params)
    values = filters.cleaned if filters.is_valid() else {"kind": "", "mode": "", "upcoming": False}
    found = await public_catalogue(
        kind=str(values["kind"]), mode=str(values["mode"]), upcoming_only=bool(values["upcoming"])
    )
    return render(request, "programs/catalogue.html", {"programs": found, "filters": filters}, block="results")


@get("/programs/{slug:str}", opt=PUBLIC, name="public_program")
async def public_program(request: Request, slug: FromPath[str]) -> Any:
    program = await programs.public_program(slug)
    sessions = await schedule.public_program_sessions(program, limit=12)
    return render(request, "programs/public_program.html", {"program": program, "sessions": sessions})


@get("/manage/programs", opt=STAFF, name="program_list")
async def program_list(request: Request) -> Any:
    filters = program_forms.StaffProgramFilter(request.query_params)
    values = filters.cleaned if filters.is_valid() else {"kind": "", "phase": "", "q": "", "archived": False}
    wanted = programs.ProgramFilter(
        kind=str(values["kind"]), phase=str(values["phase"]), search=str(values["q"]), archived=bool(values["archived"])
    )
    found = await staff_program_list(request.user, wanted)
    return render(request, "programs/list.html", {"programs": found, "filters": filters}, block="results")


ROUTES = [catalogue, public_program, program_list]
