"""Routes of the attendance feature: the sheet, the program's attendance tab, register and CSV, certificates."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.params import FromPath

from server import clock, privacy
from server.attendance import certificates, forms, rates, registers, sheets
from server.csvfile import to_csv
from server.errors import DomainError
from server.i18n import gettext as _
from server.i18n import ngettext
from server.organisation import services as organisation
from server.people import consent
from server.programs.dependencies import MANAGED_PROGRAM, ManagedProgram
from server.web.access import STAFF
from server.web.rendering import redirect, render, wants_fragment

# A sheet's summary refreshes itself when a row was saved (see the sheet_summary block).
CHANGED_EVENT = "attendance-changed"
SHEET_PAGE = "attendance/sheet.html"


def _sheet_url(request: Request, program: dict[str, Any], session_id: int) -> str:
    return request.app.route_reverse("attendance_sheet", slug=program["slug"], session_id=session_id)


class AttendanceController(Controller):
    """Staff pages of one program's attendance; MANAGED_PROGRAM keeps facilitators to their own programs."""

    path = "/manage/programs/{slug:str}"
    opt = STAFF
    dependencies = MANAGED_PROGRAM

    # --- the sheet of one session ---

    async def _sheet_context(
        self,
        request: Request,
        program: dict[str, Any],
        session: dict[str, Any],
        only: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        context = {
            "program": program,
            "tab": "attendance",
            "session": session,
            "sheet": await sheets.sheet(request.user, program, session, clock.now(), only=only),
            "sheet_error": "",
            "row_errors": {},
            "walkin_form": forms.WalkInForm(),
            "guest_form": forms.GuestForm(),
            "statuses": sheets.STATUSES,
            # Only an organizer may enrol a walk-in beyond the program's capacity (see enrolment.enrol_walk_in).
            "may_exceed_capacity": request.user.is_organizer,
            # The versioned text the person agrees to, read to them before the box is ticked.
            "consent_text": consent.text("participation"),
        }
        context.update(extra)
        return context

    @get("/sessions/{session_id:int}/attendance", name="attendance_sheet")
    async def attendance_sheet(self, request: Request, program: ManagedProgram, session_id: FromPath[int]) -> Any:
        session = await sheets.session_of(program, session_id)
        # The only htmx GET of this page is the summary refreshing after a row was saved.
        return render(request, SHEET_PAGE, await self._sheet_context(request, program, session), block="sheet_summary")

    @post("/sessions/{session_id:int}/attendance/{participant_id:int}", name="attendance_mark")
    async def mark(
        self, request: Request, program: ManagedProgram, session_id: FromPath[int], participant_id: FromPath[int]
    ) -> Any:
        session = await sheets.session_of(program, session_id)
        form = forms.MarkForm(await request.form())
        error, status_code = "", 200
        if form.is_valid():
            try:
                await sheets.record_attendance(
                    request.user,
                    program,
                    session,
                    participant_id,
                    status=form["status"] or None,
                    note=form["note"] if form["with_note"] else None,
                )
                if not wants_fragment(request):
                    return redirect(request, _sheet_url(request, program, session_id) + f"#p-{participant_id}")
            except DomainError as exc:
                error, status_code = exc.translated(), exc.status
        else:
            error, status_code = next(iter(form.errors.values())), 400
        # htmx gets that person's row alone (the summary refreshes itself through its own GET); a browser without
        # script gets the whole sheet with the message.
        only = participant_id if wants_fragment(request) else None
        context = await self._sheet_context(
            request, program, session, only, sheet_error=error, row_errors={participant_id: error}
        )
        row = next((r for r in context["sheet"]["rows"] if r["participant_id"] == participant_id), None)
        # Someone not on this sheet gets only the message: their name is not shown.
        context["row"] = row or {"participant_id": participant_id, "missing": True}
        if row is not None and error and form.raw("with_note"):
            row["note"] = form.raw("note")  # keep what was typed next to the message
        response = render(request, SHEET_PAGE, context, block="attendance_row", status_code=status_code)
        if status_code == 200:
            response.headers["HX-Trigger"] = CHANGED_EVENT
        return response

    @post("/sessions/{session_id:int}/attendance/rest-absent", name="attendance_rest_absent")
    async def rest_absent(self, request: Request, program: ManagedProgram, session_id: FromPath[int]) -> Any:
        return await self._mark_rest(request, program, session_id, "absent")

    @post("/sessions/{session_id:int}/attendance/rest-present", name="attendance_rest_present")
    async def rest_present(self, request: Request, program: ManagedProgram, session_id: FromPath[int]) -> Any:
        return await self._mark_rest(request, program, session_id, "present")

    async def _mark_rest(self, request: Request, program: dict[str, Any], session_id: int, status: str) -> Any:
        session = await sheets.session_of(program, session_id)
        mark_rest = sheets.mark_rest_present if status == "present" else sheets.mark_rest_absent
        try:
            count = await mark_rest(request.user, program, session)
        except DomainError as exc:
            context = await self._sheet_context(request, program, session, sheet_error=exc.translated())
            return render(request, SHEET_PAGE, context, status_code=exc.status)
        url = _sheet_url(request, program, session_id)
        if not count:
            return redirect(request, url, _("Everyone was already marked."))
        if status == "present":
            message = ngettext("%(num)s person marked present.", "%(num)s people marked present.", count)
        else:
            message = ngettext("%(num)s person marked absent.", "%(num)s people marked absent.", count)
        return redirect(request, url, message)

    @post("/sessions/{session_id:int}/attendance/walk-in", name="attendance_walk_in")
    async def walk_in(self, request: Request, program: ManagedProgram, session_id: FromPath[int]) -> Any:
        session = await sheets.session_of(program, session_id)
        form = forms.WalkInForm(await request.form())
        if form.is_valid():
            try:
                participant_id = await sheets.add_walk_in(
                    request.user,
                    program,
                    session,
                    display_name=form["display_name"],
                    participation_consent=form["consent_participation"],
                    over_capacity=form["over_capacity"],
                )
                if participant_id is None:
                    message = _(
                        "The program is full, so %(name)s was counted as a guest of this session.",
                        name=form["display_name"],
                    )
                else:
                    message = _("%(name)s was registered, enrolled and marked present.", name=form["display_name"])
                return redirect(request, _sheet_url(request, program, session_id), message)
            except DomainError as exc:
                form.refuse(exc, "display_name")
                form.status_code = exc.status
        context = await self._sheet_context(request, program, session, walkin_form=form)
        return render(request, SHEET_PAGE, context, block="walkin_form", status_code=form.status_code)

    @post("/sessions/{session_id:int}/attendance/guests", name="attendance_guest_add")
    async def add_guest(self, request: Request, program: ManagedProgram, session_id: FromPath[int]) -> Any:
        session = await sheets.session_of(program, session_id)
        form = forms.GuestForm(await request.form())
        if form.is_valid():
            try:
                await sheets.add_guest(request.user, program, session, form["guest_label"])
                return redirect(request, _sheet_url(request, program, session_id), _("Guest added."))
            except DomainError as exc:
                form.refuse(exc, "guest_label")
                form.status_code = exc.status
        context = await self._sheet_context(request, program, session, guest_form=form)
        return render(request, SHEET_PAGE, context, block="guest_form", status_code=form.status_code)

    @post("/sessions/{session_id:int}/attendance/guests/{attendance_id:int}/remove", name="attendance_guest_remove")
    async def remove_guest(
        self, request: Request, program: ManagedProgram, session_id: FromPath[int], attendance_id: FromPath[int]
    ) -> Any:
        session = await sheets.session_of(program, session_id)
        try:
            await sheets.remove_guest(request.user, program, session, attendance_id)
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            context = await self._sheet_context(request, program, session, sheet_error=exc.translated())
            return render(request, SHEET_PAGE, context, status_code=exc.status)
        return redirect(request, _sheet_url(request, program, session_id), _("Guest removed."))

    # --- the program's attendance tab, register and export ---

    @get("/attendance", name="program_attendance")
    async def program_attendance(self, request: Request, program: ManagedProgram) -> Any:
        now = clock.now()
        participants = await rates.participant_summaries(program, now)
        context = {
            "program": program,
            "tab": "attendance",
            "sessions": await rates.session_summaries(program, now),
            "participants": participants,
            "warnings": [p for p in participants if p["warning"]],
            "streak": organisation.current().absence_warning_streak,
            "range_form": forms.RangeForm(),
        }
        return render(request, "attendance/program.html", context)

    @get("/attendance/register", name="attendance_register")
    async def register(self, request: Request, program: ManagedProgram) -> Any:
        form = forms.RangeForm(request.query_params)
        context = {
            "program": program,
            "form": form,
            "grid": None,
            "printed_title": privacy.title(program, privacy.TEAM, privacy.PRINT),
        }
        if not form.is_valid():
            return render(request, "attendance/register.html", context, status_code=400)
        context["grid"] = await registers.register(program, form["from"], form["to"])
        return render(request, "attendance/register.html", context)

    @get("/attendance.csv", name="attendance_csv")
    async def export_csv(self, request: Request, program: ManagedProgram) -> Response:
        form = forms.RangeForm(request.query_params)
        if not form.is_valid():
            return Response(content="\n".join(form.errors.values()) + "\n", status_code=400, media_type=MediaType.TEXT)
        grid = await registers.register(program, form["from"], form["to"])
        header = [_("Date"), _("Time"), _("Topic"), _("Name"), _("Taking part as"), _("Attendance")]
        rows = (
            [
                row["date"],
                row["time"],
                row["topic"],
                row["name"],
                _("Guest") if row["guest"] else _("Participant"),
                row["status"],
            ]
            for row in registers.register_rows(program, grid)
        )
        period = "-".join(part.isoformat() for part in (form["from"], form["to"]) if part) or "all"
        return Response(
            content=to_csv(header, rows),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="attendance-{program["slug"]}-{period}.csv"'},
        )

    # --- certificates ---

    @get("/participants/{participant_id:int}/certificate", name="certificate")
    async def certificate(self, request: Request, program: ManagedProgram, participant_id: FromPath[int]) -> Any:
        try:
            certificate = await certificates.certificate(request.user, program, participant_id)
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            context = {"program": program, "certificate": None, "error": exc.translated()}
            return render(request, "attendance/certificate.html", context, status_code=exc.status)
        return render(
            request, "attendance/certificate.html", {"program": program, "certificate": certificate, "error": ""}
        )


ROUTES: list = [AttendanceController]
