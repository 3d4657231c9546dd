"""The CSV files of "who was served": the organisation's over a period (organizers, like its dashboard) and a
program's over its life (its team, like its report)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from server import clock
from server.csvfile import to_csv
from server.programs.dependencies import MANAGED_PROGRAM, ManagedProgram
from server.reports import breakdowns
from server.reports.forms import PeriodForm
from server.web.access import ORGANIZER, STAFF
from server.web.rendering import render


def _csv(header: list[str], rows: list[list[str]], name: str) -> Response:
    return Response(
        content=to_csv(header, rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@get("/reports/breakdowns.csv", name="breakdowns_csv", opt=ORGANIZER)
async def organisation_breakdowns_csv(request: Request) -> Any:
    form = PeriodForm(request.query_params)
    if not form.is_valid():
        return render(request, "reports/organisation.html", {"form": form, "dashboard": None}, status_code=400)
    period = form.period(clock.now())
    found = await breakdowns.organisation_breakdowns(period, request.app.state.settings.min_group_size)
    name = f"gotong-who-was-served-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return _csv(*breakdowns.csv_rows(found), name)


@get(
    "/manage/programs/{slug:str}/report/breakdowns.csv",
    name="program_breakdowns_csv",
    opt=STAFF,
    dependencies=MANAGED_PROGRAM,
)
async def program_breakdowns_csv(request: Request, program: ManagedProgram) -> Any:
    found = await breakdowns.program_breakdowns(
        program["id"], request.app.state.settings.min_group_size, clock.organisation_today().year
    )
    # The file name carries the program's number, never its (possibly discreet) title.
    return _csv(*breakdowns.csv_rows(found), f"gotong-who-was-served-program-{program['id']}.csv")


ROUTES = [organisation_breakdowns_csv, program_breakdowns_csv]
