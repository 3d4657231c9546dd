"""Program pages: the public catalogue and program page, and the staff pages for programs, goals, team and milestones."""
from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath

from server import clock
from server.errors import DomainError
from server.i18n import gettext as _
from server.programs import forms
from server.programs import services as programs
from server.schedule import services as schedule
from server.web.access import ORGANIZER, PUBLIC, STAFF
from server.web.forms import common_timezones
from server.web.rendering import redirect, render


@get("/programs", opt=PUBLIC, name="catalogue")
async def catalogue(request: Request) -> Any:
    filters = forms.CatalogueFilter(request.query_params)
    values = filters.cleaned if filters.is_valid() else {"kind": "", "mode": "", "upcoming": False}
    found = await programs.public_catalogue(kind=values["kind"], mode=values["mode"], upcoming_only=values["upcoming"])
    return render(request, "programs/catalogue.html", {"programs": found, "filters": filters}, block="results")


@get("/programs/{slug:str}", opt=PUBLIC, name="public_program")
async def public_program(request: Request, slug: FromPath[str]) -> Any:
    program = await programs.public_program(slug)
    sessions = await schedule.public_program_sessions(program, limit=12)
    return render(request, "programs/public_program.html", {"program": program, "sessions": sessions})


def _program_form_context(form: forms.ProgramForm, **extra: Any) -> dict[str, Any]:
    zones = common_timezones()
    current = str(form.raw("timezone") or "")
    if current and current not in zones:
        zones.append(current)
    return {"form": form, "timezones": [(zone, zone) for zone in zones], **extra}


class ProgramStaffController(Controller):
    """Staff pages of programs; facilitators reach only the programs whose team they are on."""

    path = "/manage/programs"
    opt = STAFF

    @get("/", name="program_list")
    async def program_list(self, request: Request) -> Any:
        filters = forms.StaffProgramFilter(request.query_params)
        values = filters.cleaned if filters.is_valid() else {"kind": "", "phase": "", "q": "", "archived": False}
        found = await programs.list_programs_for_staff(
            request.user,
            programs.ProgramFilter(kind=values["kind"], phase=values["phase"], search=values["q"], archived=values["archived"]),
        )
        return render(request, "programs/list.html", {"programs": found, "filters": filters}, block="results")

    @get("/new", name="program_new", opt=ORGANIZER)
    async def program_new(self, request: Request) -> Any:
        from server.config import settings

        initial = {"kind": "support_group", "visibility": "private", "enrolment_mode": "approval", "timezone": settings.default_timezone, "completion_threshold": 75,
                   "place_members_only": True}  # support groups keep their room to their members by default
        return render(request, "programs/form.html", _program_form_context(forms.ProgramForm(initial=initial), program=None))

    @post("/new", name="program_create", opt=ORGANIZER)
    async def program_create(self, request: Request) -> Any:
        form = forms.ProgramForm(await request.form())
        if form.is_valid():
            try:
                program_id = await programs.create_program(request.user, dict(form.cleaned))
                return redirect(request, f"/manage/programs/{await programs.program_slug(program_id)}", _("Program created."))
            except DomainError as error:
                form.add_error(error.field or "title", error.translated())
        return render(request, "programs/form.html", _program_form_context(form, program=None), block="program_form", status_code=400)

    @get("/{slug:str}", name="program_overview")
    async def overview(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        return render(request, "programs/overview.html", await self._overview_context(program))

    async def _overview_context(self, program: dict[str, Any], **forms_: Any) -> dict[str, Any]:
        goals = await programs.list_goals(program["id"])
        return {
            "program": program,
            "tab": "overview",
            "goals": goals,
            "goal_history": await programs.goal_history([g["id"] for g in goals]),
            "missing": await programs.phase_requirements(program),
            "history": await programs.phase_history(program["id"]),
            "goal_form": forms_.get("goal_form") or forms.GoalForm(),
            "phase_form": forms_.get("phase_form") or forms.PhaseForm(),
            "assessment_form": forms_.get("assessment_form") or forms.AssessmentForm(initial=program),
            "value_forms": forms_.get("value_forms", {}),
        }

    @post("/{slug:str}/phase", name="program_phase")
    async def change_phase(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.PhaseForm(await request.form())
        if form.is_valid():
            try:
                await programs.change_phase(request.user, program, form["to_phase"], form["reason"])
                return redirect(request, f"/manage/programs/{slug}", _("Phase changed."))
            except DomainError as error:
                form.add_error(error.field or "to_phase", error.translated())
        context = await self._overview_context(program, phase_form=form)
        return render(request, "programs/overview.html", context, block="phase_panel", status_code=400)

    @post("/{slug:str}/assessment", name="program_assessment")
    async def save_assessment(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.AssessmentForm(await request.form())
        if form.is_valid():
            try:
                await programs.save_assessment_notes(program, form["assessment_notes"])
                return redirect(request, f"/manage/programs/{slug}", _("Assessment notes saved."))
            except DomainError as error:
                form.add_error("assessment_notes", error.translated())
        context = await self._overview_context(program, assessment_form=form)
        return render(request, "programs/overview.html", context, status_code=400)

    @post("/{slug:str}/goals", name="goal_create")
    async def add_goal(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.GoalForm(await request.form())
        if form.is_valid():
            try:
                await programs.add_goal(program, dict(form.cleaned))
                return redirect(request, f"/manage/programs/{slug}", _("Goal added."))
            except DomainError as error:
                form.add_error(error.field or "statement", error.translated())
        context = await self._overview_context(program, goal_form=form)
        return render(request, "programs/overview.html", context, block="goal_form", status_code=400)

    @post("/{slug:str}/goals/{goal_id:int}/value", name="goal_value")
    async def record_goal_value(self, request: Request, slug: FromPath[str], goal_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.GoalValueForm(await request.form())
        goal = await programs.get_goal(program, goal_id)
        status_code = 400
        if form.is_valid():
            try:
                goal = await programs.record_goal_value(request.user, program, goal_id, form["value"], form["note"])
                form, status_code = forms.GoalValueForm(), 200
                if not request.htmx:
                    return redirect(request, f"/manage/programs/{slug}", _("Goal value recorded."))
            except DomainError as error:
                form.add_error("value", error.translated())
        context = await self._overview_context(program, value_forms={goal_id: form})
        context["goal"] = goal
        return render(request, "programs/overview.html", context, block="goal_row", status_code=status_code)

    @post("/{slug:str}/goals/{goal_id:int}/delete", name="goal_delete")
    async def delete_goal(self, request: Request, slug: FromPath[str], goal_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        await programs.delete_goal(program, goal_id)
        return redirect(request, f"/manage/programs/{slug}", _("Goal deleted."))

    @get("/{slug:str}/edit", name="program_edit")
    async def edit(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        return render(request, "programs/form.html", _program_form_context(forms.ProgramForm(initial=program), program=program, tab="edit"))

    @post("/{slug:str}/edit", name="program_update")
    async def update(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.ProgramForm(await request.form())
        if form.is_valid():
            try:
                new_slug = await programs.update_program(request.user, program, dict(form.cleaned))
                return redirect(request, f"/manage/programs/{new_slug}", _("Program saved."))
            except DomainError as error:
                form.add_error(error.field or "title", error.translated())
        return render(request, "programs/form.html", _program_form_context(form, program=program, tab="edit"), block="program_form", status_code=400)

    @post("/{slug:str}/archive", name="program_archive", opt=ORGANIZER)
    async def archive(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        archived = not program["archived"]
        await programs.archive_program(request.user, program, archived)
        return redirect(request, f"/manage/programs/{slug}", _("Program archived.") if archived else _("Program restored."))

    # --- team and partners ---

    async def _team_context(self, program: dict[str, Any], **forms_: Any) -> dict[str, Any]:
        team = await programs.list_team(program["id"])
        today = clock.organisation_today()
        for member in team:
            member["licence_problem"] = programs.licence_problem(member, today) if program["requires_licence"] and member["role"] != "organizer" else None
        return {
            "program": program,
            "tab": "team",
            "team": team,
            "partners": await programs.list_partners(program["id"]),
            "staff_choices": await programs.staff_choices(),
            "team_form": forms_.get("team_form") or forms.TeamMemberForm(initial={"role": "co_facilitator"}),
            "partner_form": forms_.get("partner_form") or forms.PartnerForm(),
        }

    @get("/{slug:str}/team", name="program_team")
    async def team(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        return render(request, "programs/team.html", await self._team_context(program))

    @post("/{slug:str}/team", name="team_add", opt=ORGANIZER)
    async def add_team_member(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.TeamMemberForm(await request.form())
        if form.is_valid():
            try:
                await programs.add_team_member(request.user, program, form["staff_id"], form["role"])
                return redirect(request, f"/manage/programs/{slug}/team", _("Team member added."))
            except DomainError as error:
                form.add_error(error.field or "staff_id", error.translated())
        return render(request, "programs/team.html", await self._team_context(program, team_form=form), block="team_form", status_code=400)

    @post("/{slug:str}/team/{member_id:int}/remove", name="team_remove", opt=ORGANIZER)
    async def remove_team_member(self, request: Request, slug: FromPath[str], member_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        await programs.remove_team_member(request.user, program, member_id)
        return redirect(request, f"/manage/programs/{slug}/team", _("Team member removed."))

    @post("/{slug:str}/partners", name="partner_add")
    async def add_partner(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.PartnerForm(await request.form())
        if form.is_valid():
            values = {k: form[k] for k in ("name", "contact_name", "phone", "email", "website")}
            try:
                await programs.add_partner(program, values, form["role"])
                return redirect(request, f"/manage/programs/{slug}/team", _("Partner added."))
            except DomainError as error:
                form.add_error(error.field or "name", error.translated())
        return render(request, "programs/team.html", await self._team_context(program, partner_form=form), block="partner_form", status_code=400)

    @post("/{slug:str}/partners/{link_id:int}/remove", name="partner_remove")
    async def remove_partner(self, request: Request, slug: FromPath[str], link_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        await programs.remove_partner(program, link_id)
        return redirect(request, f"/manage/programs/{slug}/team", _("Partner removed."))

    # --- milestones ---

    async def _milestone_context(self, program: dict[str, Any], form: forms.MilestoneForm | None = None) -> dict[str, Any]:
        return {
            "program": program,
            "tab": "milestones",
            "milestones": await programs.list_milestones(program["id"]),
            "form": form or forms.MilestoneForm(initial={"status": "planned"}),
            "today": clock.organisation_today(),
        }

    @get("/{slug:str}/milestones", name="program_milestones")
    async def milestones(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        return render(request, "programs/milestones.html", await self._milestone_context(program))

    @post("/{slug:str}/milestones", name="milestone_create")
    async def add_milestone(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.MilestoneForm(await request.form())
        if form.is_valid():
            try:
                await programs.add_milestone(program, dict(form.cleaned))
                return redirect(request, f"/manage/programs/{slug}/milestones", _("Milestone added."))
            except DomainError as error:
                form.add_error(error.field or "title", error.translated())
        return render(request, "programs/milestones.html", await self._milestone_context(program, form), block="milestone_form", status_code=400)

    @post("/{slug:str}/milestones/{milestone_id:int}/status", name="milestone_status")
    async def milestone_status(self, request: Request, slug: FromPath[str], milestone_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.MilestoneStatusForm(await request.form())
        milestone = await programs.get_milestone(program, milestone_id)
        error_text = ""
        if form.is_valid():
            try:
                milestone = await programs.set_milestone_status(program, milestone_id, form["status"])
                if not request.htmx:
                    return redirect(request, f"/manage/programs/{slug}/milestones", _("Milestone updated."))
            except DomainError as error:
                error_text = error.translated()
        else:
            error_text = form.errors.get("status", "")
        context = await self._milestone_context(program)
        context.update(milestone=milestone, status_error=error_text)
        return render(request, "programs/milestones.html", context, block="milestone_row", status_code=400 if error_text else 200)

    @post("/{slug:str}/milestones/{milestone_id:int}/delete", name="milestone_delete")
    async def delete_milestone(self, request: Request, slug: FromPath[str], milestone_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        await programs.delete_milestone(program, milestone_id)
        return redirect(request, f"/manage/programs/{slug}/milestones", _("Milestone deleted."))


ROUTES = [catalogue, public_program, ProgramStaffController]
