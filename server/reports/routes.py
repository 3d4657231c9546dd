"""Program evaluation reports, the organisation dashboard, data checks and exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from server import clock, privacy
from server.csvfile import to_csv
from server.errors import DomainError, NotFound
from server.i18n import gettext as _
from server.programs import services as programs
from server.programs.dependencies import MANAGED_PROGRAM, ManagedProgram
from server.programs.tables import Program
from server.reports import breakdowns as who_served
from server.reports import checks as report_checks
from server.reports import exports as report_exports
from server.reports import organisation
from server.reports import services as reports
from server.reports.forms import EvaluationForm, ExportForm, PeriodForm
from server.web.access import ORGANIZER, STAFF
from server.web.pagination import PageRequest
from server.web.rendering import redirect, render


def _min_group(request: Request) -> int:
    """The small-group limit of this app (tests build apps with their own settings)."""
    return request.app.state.settings.min_group_size


class ProgramReportController(Controller):
    """A program's evaluation report and its print view; MANAGED_PROGRAM keeps facilitators to their own programs."""

    path = "/manage/programs/{slug:str}/report"
    opt = STAFF
    dependencies = MANAGED_PROGRAM

    async def _context(
        self, request: Request, program: dict[str, Any], form: EvaluationForm | None = None
    ) -> dict[str, Any]:
        report = await reports.program_report(program, clock.now(), _min_group(request))
        return {
            "program": program,
            "tab": "report",
            "report": report,
            "milestone_counts": reports.milestone_counts(report["milestones"]),
            "form": form or EvaluationForm(),
            "editable": program["phase"] != "closed" and not program["archived"],
            # Printed paper leaves the office: a discreet program prints under its neutral title (as the register does).
            "printed_title": privacy.title(program, privacy.TEAM, privacy.PRINT),
            "breakdowns": await who_served.program_breakdowns(
                program["id"], _min_group(request), clock.organisation_today(report["generated_at"]).year
            ),
        }

    @get("/", name="program_report")
    async def report(self, request: Request, program: ManagedProgram) -> Any:
        context = await self._context(request, program)
        template = (
            "reports/program_report_print.html"
            if request.query_params.get("print") == "1"
            else "reports/program_report.html"
        )
        return render(request, template, context)

    @get("/print", name="program_report_print")
    async def print_view(self, request: Request, program: ManagedProgram) -> Any:
        return render(request, "reports/program_report_print.html", await self._context(request, program))

    @post("/evaluation", name="program_evaluation_save")
    async def save_evaluation(self, request: Request, program: ManagedProgram) -> Any:
        form = EvaluationForm(await request.form())
        if form.is_valid():
            try:
                await reports.save_evaluation(request.user, program, form["text"], clock.now())
                target = request.app.route_reverse("program_report", slug=program["slug"]) + "#evaluation"
                return redirect(request, target, _("Evaluation saved."))
            except DomainError as exc:
                form.refuse(exc)
        context = await self._context(request, program, form)
        return render(
            request, "reports/program_report.html", context, block="evaluation_form", status_code=form.status_code
        )


class ReportsController(Controller):
    """The organisation dashboard (organizers and admins), data checks and exports (every staff member, each
    seeing the programs they work on)."""

    path = "/reports"
    opt = STAFF

    @get("/", name="organisation_dashboard", opt=ORGANIZER)
    async def organisation(self, request: Request) -> Any:
        now = clock.now()
        form = PeriodForm(request.query_params)
        context: dict[str, Any] = {"form": form, "dashboard": None}
        if not form.is_valid():
            return render(request, "reports/organisation.html", context, status_code=400)
        context["dashboard"] = await organisation.organisation_dashboard(
            request.user,
            form.period(now),
            now,
            PageRequest.of(request, organisation.ATTENDANCE_PAGE, "attendance_page"),
        )
        context["breakdowns"] = await who_served.organisation_breakdowns(form.period(now), _min_group(request))
        return render(request, "reports/organisation.html", context)

    @get("/checks", name="data_checks")
    async def checks(self, request: Request) -> Any:
        size = report_checks.LIST_LIMIT
        wanted = {kind: PageRequest.of(request, size, f"page_{kind}") for kind in report_checks.KINDS}
        pages = {kind: asked.number for kind, asked in wanted.items()}
        found = await report_checks.data_checks(request.user, clock.now(), size, pages)
        for check in found["checks"]:
            # Duplicates are groups of people and always show their first groups.
            asked = wanted[check["kind"]]
            paged = check["kind"] != "duplicates"
            check["page"] = asked.page(check["rows"], check["number"], check["count"]) if paged else None
        return render(request, "reports/checks.html", {"found": found})

    async def _export_context(self, request: Request, form: ExportForm) -> dict[str, Any]:
        ids = await programs.managed_program_ids(request.user)
        query = Program.select(Program.id, Program.title).order_by(Program.title).order_by(Program.id)
        if ids is not None:
            query = query.where(Program.id.is_in(ids or [-1]))
        # Only programs this person manages are offered, so the real title is theirs to see.
        return {"form": form, "program_choices": [(row["id"], row["title"]) for row in await query.run()]}

    @get("/exports", name="exports")
    async def exports_page(self, request: Request) -> Any:
        if not request.query_params.get("kind"):
            # A link may preselect a program (the report page's "download this program's data").
            form = ExportForm(initial={"program": request.query_params.get("program", "")[:12]})
            return render(request, "reports/exports.html", await self._export_context(request, form))
        form = ExportForm(request.query_params)
        if form.is_valid():
            query = urlencode(
                {
                    key: request.query_params.get(key)
                    for key in ("from", "to", "program")
                    if request.query_params.get(key)
                }
            )
            target = request.app.route_reverse("export_csv", filename=f"{form['kind']}.csv")
            return Redirect(path=target + (f"?{query}" if query else ""), status_code=303)
        return render(request, "reports/exports.html", await self._export_context(request, form), status_code=400)

    @get("/exports/{filename:str}", name="export_csv")
    async def export_csv(self, request: Request, filename: FromPath[str]) -> Any:
        kind = filename.removesuffix(".csv")
        if not filename.endswith(".csv") or kind not in report_exports.KINDS:
            raise NotFound("export")
        form = ExportForm({**dict(request.query_params), "kind": kind})
        if form.is_valid():
            period = form.period(clock.now())
            try:
                header, rows = await report_exports.export_table(
                    request.user, kind, period, form["program"], _min_group(request)
                )
            except DomainError as exc:
                form.refuse(exc, "program")
            else:
                name = f"gotong-{kind}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
                return Response(
                    content=to_csv(header, rows).encode("utf-8"),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'},
                )
        return render(
            request, "reports/exports.html", await self._export_context(request, form), status_code=form.status_code
        )


ROUTES = [ProgramReportController, ReportsController]
