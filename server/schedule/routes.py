"""Staff pages for a program's schedule: series, single sessions, occurrence edits and cancellations."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash

from server import clock
from server.errors import DomainError, NotFound
from server.i18n import N_, format_date, format_time, get_locale
from server.i18n import gettext as _
from server.programs import services as programs
from server.programs.dependencies import MANAGED_PROGRAM, ManagedProgram
from server.programs.rules import is_open
from server.schedule import recurrence, services
from server.schedule.forms import CancelForm, EditSessionForm, ReturnForm, SeriesForm, SessionForm
from server.web.access import STAFF
from server.web.rendering import redirect, render, wants_fragment

SCHEDULE_PAGE = "schedule/schedule.html"
SESSION_PAGE = "schedule/session.html"
# How many double-booking warnings a page shows one by one before summing up the rest.
MAX_WARNINGS = 5

FREQUENCY_LABELS = {
    "weekly": N_("Weekly, on the chosen weekdays"),
    "monthly_weekday": N_("Monthly, on the same weekday (like the second Tuesday)"),
    "monthly_last_weekday": N_("Monthly, on the last such weekday (like the last Friday)"),
    "monthly_date": N_("Monthly, on the same date"),
}
SCOPE_LABELS = {
    "one": N_("Only this session"),
    "following": N_("This and the following sessions"),
    "series": N_("All coming sessions of the series"),
}


async def _warnings(request: Request, conflicts: list[services.Conflict], timezone: str) -> None:
    """Double bookings are flashed as warnings after the save: staff may well have meant them."""
    for text in await _warning_texts(request, conflicts, timezone):
        flash(request, text, "warning")


async def _warning_texts(request: Request, conflicts: list[services.Conflict], timezone: str) -> list[str]:
    texts = []
    for conflict in await services.visible_conflicts(request.user, conflicts[:MAX_WARNINGS]):
        day = format_date(conflict.other_starts_at, "medium", timezone)
        when = (
            f"{day} {format_time(conflict.other_starts_at, timezone)}–{format_time(conflict.other_ends_at, timezone)}"
        )
        if conflict.kind == "facilitator":
            text = _(
                "%(name)s is also booked for “%(program)s” on %(when)s.",
                name=conflict.subject,
                program=conflict.other_program_title,
                when=when,
            )
        else:
            text = _(
                "%(place)s is also in use for “%(program)s” on %(when)s.",
                place=conflict.subject,
                program=conflict.other_program_title,
                when=when,
            )
        texts.append(text)
    if len(conflicts) > MAX_WARNINGS:
        texts.append(_("… and %(n)s more double bookings.", n=len(conflicts) - MAX_WARNINGS))
    return texts


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(value, _(label)) for value, label in labels.items()]


def _weekday_choices() -> list[tuple[str, str]]:
    names = babel_dates.get_day_names("wide", locale=get_locale())
    return [(code, names[index]) for index, code in enumerate(recurrence.WEEKDAY_CODES)]


async def _team_choices(program: dict[str, Any]) -> list[tuple[int, str]]:
    return [(member["staff_id"], member["name"]) for member in await programs.list_team(program["id"])]


def _session_url(request: Request, program: dict[str, Any], session_id: int) -> str:
    return request.app.route_reverse("session_detail", slug=program["slug"], session_id=session_id)


def _schedule_url(request: Request, program: dict[str, Any]) -> str:
    return request.app.route_reverse("program_schedule", slug=program["slug"])


class ScheduleController(Controller):
    """Every page here gets its program from MANAGED_PROGRAM: someone else's program is a 403."""

    path = "/manage/programs/{slug:str}"
    opt = STAFF
    dependencies = MANAGED_PROGRAM

    async def _schedule_context(self, program: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        defaults = {"location": program["default_location"], "online_link": program["default_online_link"]}
        context = {
            "program": program,
            "tab": "schedule",
            "schedule": await services.program_schedule(program),
            "team_choices": await _team_choices(program),
            "editable": is_open(program),
            "session_form": SessionForm(initial=defaults),
            "series_form": SeriesForm(initial={**defaults, "frequency": "weekly", "interval": 1}),
            "cancel_errors": {},
            "notices": {},
            "frequencies": _choices(FREQUENCY_LABELS),
            "weekdays": _weekday_choices(),
        }
        context.update(overrides)
        return context

    async def _session_context(
        self, program: dict[str, Any], session: dict[str, Any], **overrides: Any
    ) -> dict[str, Any]:
        series = await services.get_series(session["series"]) if session["series"] else None
        local_start = recurrence.to_local(session["starts_at"], ZoneInfo(program["timezone"]))
        local_end = recurrence.to_local(session["ends_at"], ZoneInfo(program["timezone"]))
        initial = {
            "date": local_start.date().isoformat(),
            "start_time": local_start.strftime("%H:%M"),
            "end_time": local_end.strftime("%H:%M"),
            "topic": session["topic"],
            "location": session["location"],
            "online_link": session["online_link"],
            "facilitators": session["facilitator_ids"],
            "scope": "one",
        }
        context = {
            "program": program,
            "tab": "schedule",
            "s": session,
            "series": series,
            "series_text": recurrence.describe(series["rrule"]) if series else "",
            "team_choices": await _team_choices(program),
            "editable": is_open(program),
            "take_attendance": is_open(program) and services.attendance_due(session, program["timezone"], clock.now()),
            "form": EditSessionForm(initial=initial),
            "scopes": _choices(SCOPE_LABELS),
            "cancel_errors": {},
            "notices": {},
        }
        context.update(overrides)
        return context

    @get("/schedule", name="program_schedule")
    async def schedule(self, request: Request, program: ManagedProgram) -> Any:
        return render(request, SCHEDULE_PAGE, await self._schedule_context(program))

    @post("/sessions", name="session_add")
    async def add_session(self, request: Request, program: ManagedProgram) -> Any:
        form = SessionForm(await request.form())
        if form.is_valid():
            try:
                _session_id, conflicts = await services.add_session(
                    program, day=form["date"], start=form["start_time"], end=form["end_time"], details=form.details()
                )
            except DomainError as error:
                form.refuse(error)
            else:
                response = redirect(request, _schedule_url(request, program), _("Session added."))
                await _warnings(request, conflicts, program["timezone"])
                return response
        context = await self._schedule_context(program, session_form=form)
        return render(request, SCHEDULE_PAGE, context, block="session_form", status_code=form.status_code)

    @post("/series", name="series_add")
    async def add_series(self, request: Request, program: ManagedProgram) -> Any:
        form = SeriesForm(await request.form())
        if form.is_valid():
            try:
                _series_id, conflicts = await services.add_series(
                    program,
                    repeat=form.repeat(),
                    start=form["start_time"],
                    end=form["end_time"],
                    details=form.details(),
                )
            except DomainError as error:
                form.refuse(error)
            else:
                response = redirect(request, _schedule_url(request, program), _("Series added."))
                await _warnings(request, conflicts, program["timezone"])
                return response
        context = await self._schedule_context(program, series_form=form)
        return render(request, SCHEDULE_PAGE, context, block="series_form", status_code=form.status_code)

    @get("/sessions/{session_id:int}", name="session_detail")
    async def session_detail(self, request: Request, program: ManagedProgram, session_id: FromPath[int]) -> Any:
        session = await services.get_session(program, session_id)
        return render(request, SESSION_PAGE, await self._session_context(program, session))

    @post("/sessions/{session_id:int}", name="session_edit")
    async def edit_session(self, request: Request, program: ManagedProgram, session_id: FromPath[int]) -> Any:
        session = await services.get_session(program, session_id)
        form = EditSessionForm(await request.form())
        if form.is_valid():
            try:
                conflicts = await self._apply_edit(program, session_id, form)
            except DomainError as error:
                form.refuse(error)
            else:
                response = redirect(request, _session_url(request, program, session_id), _("Changes saved."))
                await _warnings(request, conflicts, program["timezone"])
                return response
        context = await self._session_context(program, session, form=form)
        return render(request, SESSION_PAGE, context, block="edit_form", status_code=form.status_code)

    @staticmethod
    async def _apply_edit(program: ManagedProgram, session_id: int, form: EditSessionForm) -> list[services.Conflict]:
        times = {"start": form["start_time"], "end": form["end_time"], "details": form.details()}
        if form["scope"] == "following":
            return await services.edit_following(program, session_id, day=form["date"], **times)
        if form["scope"] == "series":
            return await services.edit_series(program, session_id, day=form["date"], **times)
        return await services.edit_occurrence(program, session_id, day=form["date"], **times)

    @post("/sessions/{session_id:int}/cancel", name="session_cancel")
    async def cancel_session(self, request: Request, program: ManagedProgram, session_id: FromPath[int]) -> Any:
        data = await request.form()
        return_to = _return_to(data)
        form = CancelForm(data)
        if form.is_valid():
            try:
                await services.cancel_occurrence(program, session_id, form["reason"])
            except DomainError as error:
                if isinstance(error, NotFound):
                    raise
                form.refuse(error, field="reason")
            else:
                return await self._after_status_change(
                    request, program, session_id, return_to, _("Session cancelled."), []
                )
        errors = {session_id: form.errors.get("reason") or next(iter(form.errors.values()))}
        return await self._status_page(
            request, program, session_id, return_to, errors=errors, status_code=form.status_code
        )

    @post("/sessions/{session_id:int}/restore", name="session_restore")
    async def restore_session(self, request: Request, program: ManagedProgram, session_id: FromPath[int]) -> Any:
        return_to = _return_to(await request.form())
        try:
            conflicts = await services.restore_occurrence(program, session_id)
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            errors = {session_id: error.translated()}
            return await self._status_page(
                request, program, session_id, return_to, errors=errors, status_code=error.status
            )
        return await self._after_status_change(
            request, program, session_id, return_to, _("Session restored."), conflicts
        )

    async def _after_status_change(
        self,
        request: Request,
        program: dict[str, Any],
        session_id: int,
        return_to: str,
        message: str,
        conflicts: list[services.Conflict],
    ) -> Any:
        """htmx swaps the changed row (or panel) in place, with any warning inside it; without JavaScript
        the browser is sent back to the page, where the message and warnings are flashed."""
        if wants_fragment(request):
            notices = {session_id: await _warning_texts(request, conflicts, program["timezone"])}
            return await self._status_page(request, program, session_id, return_to, notices=notices, status_code=200)
        target = (
            _session_url(request, program, session_id) if return_to == "session" else _schedule_url(request, program)
        )
        response = redirect(request, target, message)
        await _warnings(request, conflicts, program["timezone"])
        return response

    async def _status_page(
        self,
        request: Request,
        program: dict[str, Any],
        session_id: int,
        return_to: str,
        *,
        errors: dict[int, str] | None = None,
        notices: dict[int, list[str]] | None = None,
        status_code: int,
    ) -> Any:
        session = await services.get_session(program, session_id)
        extra = {"cancel_errors": errors or {}, "notices": notices or {}}
        if return_to == "session":
            context = await self._session_context(program, session, **extra)
            return render(request, SESSION_PAGE, context, block="status_panel", status_code=status_code)
        if wants_fragment(request):
            # The row block needs only these; the whole schedule is not loaded to redraw one session.
            context = {"program": program, "s": session, "editable": is_open(program), **extra}
        else:
            context = await self._schedule_context(program, **extra)
        return render(request, SCHEDULE_PAGE, context, block="session_row", status_code=status_code)


def _return_to(data: Any) -> str:
    form = ReturnForm(data)
    return form["return_to"] if form.is_valid() else "schedule"


ROUTES: list = [ScheduleController]
