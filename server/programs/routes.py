"""Staff pages of one program: creating it, its overview, phase and goals, settings, team and partners, milestones.
(The public catalogue, the public program page and the staff list show sessions too: server/pages/catalogue.py.)"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath

from server import clock
from server.errors import DomainError
from server.i18n import gettext as _
from server.organisation import services as organisation
from server.programs import forms
from server.programs import services as programs
from server.programs.dependencies import MANAGED_PROGRAM, ManagedProgram
from server.web.access import ORGANIZER, STAFF
from server.web.forms import common_timezones
from server.web.rendering import redirect, render, wants_fragment


def _program_form_context(form: forms.ProgramForm, **extra: Any) -> dict[str, Any]:
    zones = common_timezones()
    current = str(form.raw("timezone") or "")
    if current and current not in zones:
        zones.append(current)
    return {"form": form, "timezones": [(zone, zone) for zone in zones], **extra}


def _url(request: Request, name: str, program: dict[str, Any], **params: Any) -> str:
    return request.app.route_reverse(name, slug=program["slug"], **params)


class NewProgramController(Controller):
    """Creating a program (organizers)."""

    path = "/manage/programs"
    opt = ORGANIZER

    @get("/new", name="program_new")
    async def program_new(self, request: Request) -> Any:
        initial = {
            "kind": "support_group",
            "visibility": "private",
            "enrolment_mode": "approval",
            "timezone": organisation.current().default_timezone,
            "completion_threshold": 75,
            "reminder_hours": 24,
            "place_members_only": True,  # support groups keep their room to their members by default
        }
        context = _program_form_context(forms.ProgramForm(initial=initial), program=None)
        return render(request, "programs/form.html", context)

    @post("/new", name="program_create")
    async def program_create(self, request: Request) -> Any:
        form = forms.ProgramForm(await request.form())
        if form.is_valid():
            try:
                program_id = await programs.create_program(request.user, dict(form.cleaned))
            except DomainError as error:
                form.refuse(error, field="title")
            else:
                slug = await programs.program_slug(program_id)
                return redirect(
                    request, request.app.route_reverse("program_overview", slug=slug), _("Program created.")
                )
        context = _program_form_context(form, program=None)
        return render(request, "programs/form.html", context, block="program_form", status_code=form.status_code)


class ProgramController(Controller):
    """Every page here gets its program from MANAGED_PROGRAM: facilitators reach only their own teams' programs."""

    path = "/manage/programs/{slug:str}"
    opt = STAFF
    dependencies = MANAGED_PROGRAM

    # --- overview, phase and goals ---

    @get("/", name="program_overview")
    async def overview(self, request: Request, program: ManagedProgram) -> Any:
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

    @post("/phase", name="program_phase")
    async def change_phase(self, request: Request, program: ManagedProgram) -> Any:
        form = forms.PhaseForm(await request.form())
        if form.is_valid():
            try:
                await programs.change_phase(request.user, program, form["to_phase"], form["reason"])
            except DomainError as error:
                form.refuse(error, field="to_phase")
            else:
                return redirect(request, _url(request, "program_overview", program), _("Phase changed."))
        context = await self._overview_context(program, phase_form=form)
        return render(request, "programs/overview.html", context, block="phase_panel", status_code=form.status_code)

    @post("/assessment", name="program_assessment")
    async def save_assessment(self, request: Request, program: ManagedProgram) -> Any:
        form = forms.AssessmentForm(await request.form())
        if form.is_valid():
            try:
                await programs.save_assessment_notes(program, form["assessment_notes"])
            except DomainError as error:
                form.refuse(error, field="assessment_notes")
            else:
                return redirect(request, _url(request, "program_overview", program), _("Assessment notes saved."))
        context = await self._overview_context(program, assessment_form=form)
        return render(request, "programs/overview.html", context, status_code=form.status_code)

    @post("/goals", name="goal_create")
    async def add_goal(self, request: Request, program: ManagedProgram) -> Any:
        form = forms.GoalForm(await request.form())
        if form.is_valid():
            try:
                await programs.add_goal(program, dict(form.cleaned))
            except DomainError as error:
                form.refuse(error, field="statement")
            else:
                return redirect(request, _url(request, "program_overview", program), _("Goal added."))
        context = await self._overview_context(program, goal_form=form)
        return render(request, "programs/overview.html", context, block="goal_form", status_code=form.status_code)

    @post("/goals/{goal_id:int}/value", name="goal_value")
    async def record_goal_value(self, request: Request, program: ManagedProgram, goal_id: FromPath[int]) -> Any:
        form = forms.GoalValueForm(await request.form())
        goal = await programs.get_goal(program, goal_id)
        status_code = form.status_code
        if form.is_valid():
            try:
                goal = await programs.record_goal_value(request.user, program, goal_id, form["value"], form["note"])
            except DomainError as error:
                form.refuse(error, field="value")
                status_code = form.status_code
            else:
                if not wants_fragment(request):
                    return redirect(request, _url(request, "program_overview", program), _("Goal value recorded."))
                form, status_code = forms.GoalValueForm(), 200
        context = await self._overview_context(program, value_forms={goal_id: form})
        context["goal"] = goal
        return render(request, "programs/overview.html", context, block="goal_row", status_code=status_code)

    @post("/goals/{goal_id:int}/delete", name="goal_delete")
    async def delete_goal(self, request: Request, program: ManagedProgram, goal_id: FromPath[int]) -> Any:
        await programs.delete_goal(program, goal_id)
        return redirect(request, _url(request, "program_overview", program), _("Goal deleted."))

    # --- settings ---

    @get("/edit", name="program_edit")
    async def edit(self, request: Request, program: ManagedProgram) -> Any:
        form = forms.ProgramForm(initial={**program, "offer_hours": programs.stored_offer_hours(program)})
        return render(request, "programs/form.html", _program_form_context(form, program=program, tab="edit"))

    @post("/edit", name="program_update")
    async def update(self, request: Request, program: ManagedProgram) -> Any:
        form = forms.ProgramForm(await request.form())
        if form.is_valid():
            try:
                new_slug = await programs.update_program(request.user, program, dict(form.cleaned))
            except DomainError as error:
                form.refuse(error, field="title")
            else:
                url = request.app.route_reverse("program_overview", slug=new_slug)
                return redirect(request, url, _("Program saved."))
        context = _program_form_context(form, program=program, tab="edit")
        return render(request, "programs/form.html", context, block="program_form", status_code=form.status_code)

    @post("/archive", name="program_archive", opt=ORGANIZER)
    async def archive(self, request: Request, program: ManagedProgram) -> Any:
        archived = not program["archived"]
        await programs.archive_program(request.user, program, archived)
        message = _("Program archived.") if archived else _("Program restored.")
        return redirect(request, _url(request, "program_overview", program), message)

    # --- team and partners ---

    async def _team_context(self, program: dict[str, Any], **forms_: Any) -> dict[str, Any]:
        return {
            "program": program,
            "tab": "team",
            "team": await programs.team_with_licences(program, clock.organisation_today()),
            "partners": await programs.list_partners(program["id"]),
            "staff_choices": await programs.staff_choices(),
            "team_form": forms_.get("team_form") or forms.TeamMemberForm(initial={"role": "co_facilitator"}),
            "partner_form": forms_.get("partner_form") or forms.PartnerForm(),
        }

    @get("/team", name="program_team")
    async def team(self, request: Request, program: ManagedProgram) -> Any:
        return render(request, "programs/team.html", await self._team_context(program))

    @post("/team", name="team_add", opt=ORGANIZER)
    async def add_team_member(self, request: Request, program: ManagedProgram) -> Any:
        form = forms.TeamMemberForm(await request.form())
        if form.is_valid():
            try:
                await programs.add_team_member(request.user, program, form["staff_id"], form["role"])
            except DomainError as error:
                form.refuse(error, field="staff_id")
            else:
                return redirect(request, _url(request, "program_team", program), _("Team member added."))
        context = await self._team_context(program, team_form=form)
        return render(request, "programs/team.html", context, block="team_form", status_code=form.status_code)

    @post("/team/{member_id:int}/remove", name="team_remove", opt=ORGANIZER)
    async def remove_team_member(self, request: Request, program: ManagedProgram, member_id: FromPath[int]) -> Any:
        await programs.remove_team_member(request.user, program, member_id)
        return redirect(request, _url(request, "program_team", program), _("Team member removed."))

    @post("/partners", name="partner_add")
    async def add_partner(self, request: Request, program: ManagedProgram) -> Any:
        form = forms.PartnerForm(await request.form())
        if form.is_valid():
            values = {k: form[k] for k in ("name", "contact_name", "phone", "email", "website")}
            try:
                await programs.add_partner(program, values, form["role"])
            except DomainError as error:
                form.refuse(error, field="name")
            else:
                return redirect(request, _url(request, "program_team", program), _("Partner added."))
        context = await self._team_context(program, partner_form=form)
        return render(request, "programs/team.html", context, block="partner_form", status_code=form.status_code)

    @post("/partners/{link_id:int}/remove", name="partner_remove")
    async def remove_partner(self, request: Request, program: ManagedProgram, link_id: FromPath[int]) -> Any:
        await programs.remove_partner(program, link_id)
        return redirect(request, _url(request, "program_team", program), _("Partner removed."))

    # --- milestones ---

    async def _milestone_context(
        self, program: dict[str, Any], form: forms.MilestoneForm | None = None
    ) -> dict[str, Any]:
        return {
            "program": program,
            "tab": "milestones",
            "milestones": await programs.list_milestones(program["id"], clock.organisation_today()),
            "form": form or forms.MilestoneForm(initial={"status": "planned"}),
        }

    @get("/milestones", name="program_milestones")
    async def milestones(self, request: Request, program: ManagedProgram) -> Any:
        return render(request, "programs/milestones.html", await self._milestone_context(program))

    @post("/milestones", name="milestone_create")
    async def add_milestone(self, request: Request, program: ManagedProgram) -> Any:
        form = forms.MilestoneForm(await request.form())
        if form.is_valid():
            try:
                await programs.add_milestone(program, dict(form.cleaned))
            except DomainError as error:
                form.refuse(error, field="title")
            else:
                return redirect(request, _url(request, "program_milestones", program), _("Milestone added."))
        context = await self._milestone_context(program, form)
        return render(
            request, "programs/milestones.html", context, block="milestone_form", status_code=form.status_code
        )

    @post("/milestones/{milestone_id:int}/status", name="milestone_status")
    async def milestone_status(self, request: Request, program: ManagedProgram, milestone_id: FromPath[int]) -> Any:
        today = clock.organisation_today()
        form = forms.MilestoneStatusForm(await request.form())
        milestone = await programs.get_milestone(program, milestone_id, today)
        if form.is_valid():
            try:
                milestone = await programs.set_milestone_status(program, milestone_id, form["status"], today)
            except DomainError as error:
                form.refuse(error, field="status")
            else:
                if not wants_fragment(request):
                    return redirect(request, _url(request, "program_milestones", program), _("Milestone updated."))
        context = await self._milestone_context(program)
        context.update(milestone=milestone, status_error=form.errors.get("status", ""))
        status_code = form.status_code if form.errors else 200
        return render(request, "programs/milestones.html", context, block="milestone_row", status_code=status_code)

    async def _milestone_edit_context(
        self, program: dict[str, Any], milestone: dict[str, Any], form: forms.MilestoneForm
    ) -> dict[str, Any]:
        return {"program": program, "tab": "milestones", "milestone": milestone, "form": form}

    @get("/milestones/{milestone_id:int}/edit", name="milestone_edit")
    async def edit_milestone(self, request: Request, program: ManagedProgram, milestone_id: FromPath[int]) -> Any:
        milestone = await programs.get_milestone(program, milestone_id)
        context = await self._milestone_edit_context(program, milestone, forms.MilestoneForm(initial=milestone))
        return render(request, "programs/milestone_edit.html", context)

    @post("/milestones/{milestone_id:int}/edit", name="milestone_update")
    async def update_milestone(self, request: Request, program: ManagedProgram, milestone_id: FromPath[int]) -> Any:
        milestone = await programs.get_milestone(program, milestone_id)
        form = forms.MilestoneForm(await request.form())
        if form.is_valid():
            try:
                await programs.update_milestone(request.user, program, milestone_id, dict(form.cleaned))
            except DomainError as error:
                form.refuse(error)  # a field's error goes next to it; a closed program's at the top (409)
            else:
                return redirect(request, _url(request, "program_milestones", program), _("Milestone updated."))
        context = await self._milestone_edit_context(program, milestone, form)
        return render(
            request, "programs/milestone_edit.html", context, block="milestone_edit_form", status_code=form.status_code
        )

    @post("/milestones/{milestone_id:int}/delete", name="milestone_delete")
    async def delete_milestone(self, request: Request, program: ManagedProgram, milestone_id: FromPath[int]) -> Any:
        await programs.delete_milestone(program, milestone_id)
        return redirect(request, _url(request, "program_milestones", program), _("Milestone deleted."))


ROUTES = [NewProgramController, ProgramController]
