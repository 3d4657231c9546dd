"""Routes of the attendance feature: the sheet, the program's attendance tab, register and CSV, goals, certificates."""
from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from server import clock, privacy
from server.attendance import forms
from server.attendance import services as attendance
from server.config import settings
from server.errors import DomainError, NotFound
from server.i18n import gettext as _
from server.i18n import ngettext
from server.people import consent
from server.programs import services as programs
from server.web.access import STAFF
from server.web.rendering import redirect, render, wants_fragment

# A sheet's summary refreshes itself when a row was saved (see the sheet_summary block).
CHANGED_EVENT = "attendance-changed"


def _status_for(error: DomainError) -> int:
    """A field error is bad input (400); a rule that refuses the action is a conflict with the data's state (409)."""
    return 400 if error.field else 409



class AttendanceController(Controller):
    """Staff pages of one program's attendance; program_for_staff keeps facilitators to their own programs."""

    path = "/manage/programs/{slug:str}"
    opt = STAFF

    # --- the sheet of one session ---

    async def _sheet_context(self, request: Request, program: dict[str, Any], session: dict[str, Any], **extra: Any) -> dict[str, Any]:
        base = f"/manage/programs/{program['slug']}/sessions/{session['id']}/attendance"
        context = {
            "program": program,
            "tab": "attendance",
            "session": session,
            "sheet": await attendance.sheet(request.user, program, session, clock.now()),
            "sheet_url": base,
            "sheet_error": "",
            "row_errors": {},
            "walkin_form": forms.WalkInForm(),
            "guest_form": forms.GuestForm(),
            "statuses": attendance.STATUSES,
            # The versioned text the person agrees to, read to them before the box is ticked.
            "consent_text": consent.text("participation"),
        }
        context.update(extra)
        return context

    @get("/sessions/{session_id:int}/attendance", name="attendance_sheet")
    async def attendance_sheet(self, request: Request, slug: FromPath[str], session_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        session = await attendance.session_of(program, session_id)
        # The only htmx GET of this page is the summary refreshing after a row was saved.
        return render(request, "attendance/sheet.html", await self._sheet_context(request, program, session), block="sheet_summary")

    @post("/sessions/{session_id:int}/attendance/{participant_id:int}", name="attendance_mark")
    async def mark(self, request: Request, slug: FromPath[str], session_id: FromPath[int], participant_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        session = await attendance.session_of(program, session_id)
        form = forms.MarkForm(await request.form())
        error, status_code = "", 200
        if form.is_valid():
            try:
                await attendance.record_attendance(
                    request.user, program, session, participant_id,
                    status=form["status"] or None, note=form["note"] if form["with_note"] else None,
                )
                if not wants_fragment(request):
                    return Redirect(path=f"/manage/programs/{slug}/sessions/{session_id}/attendance#p-{participant_id}", status_code=303)
            except DomainError as exc:
                error, status_code = exc.translated(), _status_for(exc)
        else:
            error, status_code = next(iter(form.errors.values())), 400
        context = await self._sheet_context(request, program, session, sheet_error=error, row_errors={participant_id: error})
        row = next((r for r in context["sheet"]["rows"] if r["participant_id"] == participant_id), None)
        # Someone not on this sheet gets only the message: their name is not shown.
        context["row"] = row or {"participant_id": participant_id, "missing": True}
        if row is not None and error and form.raw("with_note"):
            row["note"] = form.raw("note")  # keep what was typed next to the message
        response = render(request, "attendance/sheet.html", context, block="attendance_row", status_code=status_code)
        if status_code == 200:
            response.headers["HX-Trigger"] = CHANGED_EVENT
        return response

    @post("/sessions/{session_id:int}/attendance/rest-absent", name="attendance_rest_absent")
    async def rest_absent(self, request: Request, slug: FromPath[str], session_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        session = await attendance.session_of(program, session_id)
        url = f"/manage/programs/{slug}/sessions/{session_id}/attendance"
        try:
            count = await attendance.mark_rest_absent(request.user, program, session)
        except DomainError as exc:
            context = await self._sheet_context(request, program, session, sheet_error=exc.translated())
            return render(request, "attendance/sheet.html", context, status_code=_status_for(exc))
        if count:
            return redirect(request, url, ngettext("%(num)s person marked absent.", "%(num)s people marked absent.", count))
        return redirect(request, url, _("Everyone was already marked."))

    @post("/sessions/{session_id:int}/attendance/walk-in", name="attendance_walk_in")
    async def walk_in(self, request: Request, slug: FromPath[str], session_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        session = await attendance.session_of(program, session_id)
        form = forms.WalkInForm(await request.form())
        status_code = 400
        if form.is_valid():
            try:
                await attendance.add_walk_in(
                    request.user, program, session, display_name=form["display_name"], participation_consent=form["consent_participation"]
                )
                url = f"/manage/programs/{slug}/sessions/{session_id}/attendance"
                return redirect(request, url, _("%(name)s was registered, enrolled and marked present.", name=form["display_name"]))
            except DomainError as exc:
                form.add_error(exc.field or "display_name", exc.translated())
                status_code = _status_for(exc)
        context = await self._sheet_context(request, program, session, walkin_form=form)
        return render(request, "attendance/sheet.html", context, block="walkin_form", status_code=status_code)

    @post("/sessions/{session_id:int}/attendance/guests", name="attendance_guest_add")
    async def add_guest(self, request: Request, slug: FromPath[str], session_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        session = await attendance.session_of(program, session_id)
        form = forms.GuestForm(await request.form())
        status_code = 400
        if form.is_valid():
            try:
                await attendance.add_guest(request.user, program, session, form["guest_label"])
                url = f"/manage/programs/{slug}/sessions/{session_id}/attendance"
                return redirect(request, url, _("Guest added."))
            except DomainError as exc:
                form.add_error(exc.field or "guest_label", exc.translated())
                status_code = _status_for(exc)
        context = await self._sheet_context(request, program, session, guest_form=form)
        return render(request, "attendance/sheet.html", context, block="guest_form", status_code=status_code)

    @post("/sessions/{session_id:int}/attendance/guests/{attendance_id:int}/remove", name="attendance_guest_remove")
    async def remove_guest(self, request: Request, slug: FromPath[str], session_id: FromPath[int], attendance_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        session = await attendance.session_of(program, session_id)
        try:
            await attendance.remove_guest(request.user, program, session, attendance_id)
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            context = await self._sheet_context(request, program, session, sheet_error=exc.translated())
            return render(request, "attendance/sheet.html", context, status_code=_status_for(exc))
        return redirect(request, f"/manage/programs/{slug}/sessions/{session_id}/attendance", _("Guest removed."))

    # --- the program's attendance tab, register and export ---

    @get("/attendance", name="program_attendance")
    async def program_attendance(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        now = clock.now()
        participants = await attendance.participant_summaries(program, now)
        context = {
            "program": program,
            "tab": "attendance",
            "sessions": await attendance.session_summaries(program, now),
            "participants": participants,
            "warnings": [p for p in participants if p["warning"]],
            "streak": settings.absence_warning_streak,
            "range_form": forms.RangeForm(),
        }
        return render(request, "attendance/program.html", context)

    @get("/attendance/register", name="attendance_register")
    async def register(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.RangeForm(request.query_params)
        context = {"program": program, "form": form, "grid": None, "printed_title": privacy.title(program, privacy.TEAM, privacy.PRINT)}
        if not form.is_valid():
            return render(request, "attendance/register.html", context, status_code=400)
        context["grid"] = await attendance.register(program, form["from"], form["to"])
        return render(request, "attendance/register.html", context)

    @get("/attendance.csv", name="attendance_csv")
    async def export_csv(self, request: Request, slug: FromPath[str]) -> Response:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.RangeForm(request.query_params)
        if not form.is_valid():
            return Response(content="\n".join(form.errors.values()) + "\n", status_code=400, media_type=MediaType.TEXT)
        grid = await attendance.register(program, form["from"], form["to"])
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_("Date"), _("Time"), _("Topic"), _("Name"), _("Taking part as"), _("Attendance")])
        for row in attendance.register_rows(program, grid):
            kind = _("Guest") if row["guest"] else _("Participant")
            writer.writerow([row["date"], row["time"], _cell(row["topic"]), _cell(row["name"]), kind, row["status"]])
        period = "-".join(part.isoformat() for part in (form["from"], form["to"]) if part) or "all"
        return Response(
            # The byte-order mark lets spreadsheet programs read names with accents as UTF-8.
            content="\ufeff" + buffer.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="attendance-{program["slug"]}-{period}.csv"'},
        )

    # --- individual goals ---

    async def _goals_context(self, program: dict[str, Any], enrolment: dict[str, Any], goals: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        context = {
            "program": program,
            "tab": "attendance",
            "enrolment": enrolment,
            "goals": goals,
            "goals_url": f"/manage/programs/{program['slug']}/participants/{enrolment['participant_id']}/goals",
            "goal_form": forms.IndividualGoalForm(),
            "note_forms": {},
            "editable": program["phase"] != "closed" and not program["archived"],
        }
        context.update(extra)
        return context

    @get("/participants/{participant_id:int}/goals", name="individual_goals")
    async def goals(self, request: Request, slug: FromPath[str], participant_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        enrolment = await attendance.enrolment_of(program, participant_id)
        goals = await attendance.view_individual_goals(request.user, enrolment)
        return render(request, "attendance/goals.html", await self._goals_context(program, enrolment, goals))

    @post("/participants/{participant_id:int}/goals", name="individual_goal_add")
    async def add_goal(self, request: Request, slug: FromPath[str], participant_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        enrolment = await attendance.enrolment_of(program, participant_id)
        form = forms.IndividualGoalForm(await request.form())
        status_code = 400
        if form.is_valid():
            try:
                await attendance.add_individual_goal(request.user, program, enrolment, form["statement"])
                return redirect(request, f"/manage/programs/{slug}/participants/{participant_id}/goals", _("Goal added."))
            except DomainError as exc:
                form.add_error("statement", exc.translated())
                status_code = _status_for(exc)
        goals = await attendance.individual_goals(enrolment)
        context = await self._goals_context(program, enrolment, goals, goal_form=form)
        return render(request, "attendance/goals.html", context, block="goal_form", status_code=status_code)

    @post("/participants/{participant_id:int}/goals/{goal_id:int}/notes", name="progress_note_add")
    async def add_note(self, request: Request, slug: FromPath[str], participant_id: FromPath[int], goal_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        enrolment = await attendance.enrolment_of(program, participant_id)
        form = forms.ProgressNoteForm(await request.form())
        status_code = 400
        if form.is_valid():
            try:
                await attendance.add_progress_note(request.user, program, enrolment, goal_id, form["note"])
                if not wants_fragment(request):
                    return redirect(request, f"/manage/programs/{slug}/participants/{participant_id}/goals", _("Progress note added."))
                form, status_code = forms.ProgressNoteForm(), 200
            except DomainError as exc:
                if exc.code == "not_found":
                    raise
                form.add_error("note", exc.translated())
                status_code = _status_for(exc)
        goals = await attendance.individual_goals(enrolment)
        goal = next((g for g in goals if g["id"] == goal_id), None)
        if goal is None:
            raise NotFound("goal")
        context = await self._goals_context(program, enrolment, goals, note_forms={goal_id: form})
        context["goal"] = goal
        return render(request, "attendance/goals.html", context, block="goal_item", status_code=status_code)

    # --- certificates ---

    @get("/participants/{participant_id:int}/certificate", name="certificate")
    async def certificate(self, request: Request, slug: FromPath[str], participant_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        try:
            certificate = await attendance.certificate(request.user, program, participant_id)
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            context = {"program": program, "certificate": None, "error": exc.translated()}
            return render(request, "attendance/certificate.html", context, status_code=_status_for(exc))
        return render(request, "attendance/certificate.html", {"program": program, "certificate": certificate, "error": ""})


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (names are typed by people, on the spot)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


ROUTES: list = [AttendanceController]
