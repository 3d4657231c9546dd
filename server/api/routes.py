"""The read API under /api/v1/: thin handlers over server/api/services.py, behind an API key (never a session)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Router, get
from litestar.params import FromPath, Parameter

from server.api import models, services
from server.api.auth import EXCEPTION_HANDLERS, api_key_guard, check_program, current_key
from server.api.keys import PROGRAMS, REPORTS
from server.web.access import TOKEN
from server.web.security import SecretLinkHeaders

# Access "token" for the site's guard (the route is open to the HTTP layer); the API's own guard then asks for a key.
READ_PROGRAMS = {**TOKEN, "scope": PROGRAMS}
READ_REPORTS = {**TOKEN, "scope": REPORTS}
SECURITY: list[dict[str, list[str]]] = [{"BearerKey": []}, {"HeaderKey": []}]

Limit = Annotated[
    int, Parameter(ge=1, le=services.MAX_LIMIT, description="How many items at most (1 to 200).", required=False)
]
Cursor = Annotated[
    int | None,
    Parameter(ge=0, description="The next_cursor of the previous page; leave out for the first page.", required=False),
]


class ProgramController(Controller):
    path = "/programs"
    tags = ["programs"]

    @get("/", opt=READ_PROGRAMS, name="api_programs", summary="Programs the key may read")
    async def programs(
        self, request: Request, limit: Limit = services.DEFAULT_LIMIT, cursor: Cursor = None
    ) -> models.ProgramPage:
        """Programs that are not archived, by id. A discreet program appears under its neutral public title only,
        without its address name (slug) or area."""
        return await services.list_programs(current_key(request), limit, cursor)

    @get("/{program_id:int}", opt=READ_PROGRAMS, name="api_program", summary="One program")
    async def program(self, request: Request, program_id: FromPath[int]) -> models.ProgramOut:
        row = await services.program_row(program_id)
        check_program(current_key(request), program_id)
        return services.program_out(row)

    @get("/{program_id:int}/sessions", opt=READ_PROGRAMS, name="api_program_sessions", summary="A program's sessions")
    async def sessions(
        self, request: Request, program_id: FromPath[int], limit: Limit = services.DEFAULT_LIMIT, cursor: Cursor = None
    ) -> models.SessionPage:
        """Dates and status of each session, by id; no place, online link, cancellation reason or notes."""
        row = await services.program_row(program_id)
        check_program(current_key(request), program_id)
        return await services.list_sessions(row, limit, cursor)


class ReportController(Controller):
    path = "/"
    tags = ["reports"]

    @get(
        "/programs/{program_id:int}/figures",
        opt=READ_REPORTS,
        name="api_program_figures",
        summary="Session, enrolment and attendance counts of a program",
    )
    async def figures(self, request: Request, program_id: FromPath[int]) -> models.ProgramFigures:
        row = await services.program_row(program_id)
        check_program(current_key(request), program_id)
        return await services.program_figures(row, request.app.state.settings.min_group_size)

    @get("/surveys", opt=READ_REPORTS, name="api_surveys", summary="Surveys the key may read")
    async def surveys(
        self, request: Request, limit: Limit = services.DEFAULT_LIMIT, cursor: Cursor = None
    ) -> models.SurveyPage:
        return await services.list_surveys(current_key(request), limit, cursor)

    @get(
        "/surveys/{survey_id:int}/results",
        opt=READ_REPORTS,
        name="api_survey_results",
        summary="A survey's aggregated results",
    )
    async def survey_results(self, request: Request, survey_id: FromPath[int]) -> models.SurveyResults:
        """Counts, shares, means and rankings per question. Figures about fewer responses than minimum_group are
        not given (the small-group rule); written answers are never given."""
        minimum = request.app.state.settings.min_group_size
        return await services.survey_results(current_key(request), survey_id, minimum)

    @get("/data-checks", opt=READ_REPORTS, name="api_data_checks", summary="Open data-check problems, counted")
    async def data_checks(self, request: Request) -> models.DataChecks:
        return await services.data_checks(current_key(request))


def _router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[ProgramController, ReportController],
        guards=[api_key_guard],
        # Figures are an export: no cache keeps them (errors included), no Referer carries anything on.
        middleware=[SecretLinkHeaders()],
        exception_handlers=EXCEPTION_HANDLERS,
        include_in_schema=True,
        security=SECURITY,
    )


ROUTES: list[Any] = [_router()]
