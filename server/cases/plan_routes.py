"""Staff pages of a case's plan: adding and changing goals and steps, and recording the person's agreement. Every
answer is the case page again (its plan section), so refused input shows next to its field."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.params import FromPath

from server.cases import plans
from server.cases.plan_forms import AgreementForm, GoalForm, GoalStatusForm, StepForm
from server.cases.plan_page import edit_form_key, step_form_key
from server.cases.routes import case_page
from server.errors import DomainError
from server.i18n import gettext as _
from server.web.access import STAFF
from server.web.forms import Form
from server.web.rendering import redirect


class PlanPages(Controller):
    """Only those who may see the case reach its plan: anyone else gets the case's 404, and nothing is saved."""

    path = "/cases/{case_id:int}/plan"
    opt = STAFF

    async def _refused(self, request: Request, case_id: int, key: str, form: Form, error: DomainError | None) -> Any:
        if error is not None:
            if error.code == "not_found":
                raise error
            form.refuse(error)
        return await case_page(request, case_id, status_code=form.status_code, **{key: form})

    def _back(self, request: Request, case_id: int, message: str) -> Any:
        url = request.app.route_reverse("case_detail", case_id=case_id) + "#plan-heading"
        return redirect(request, url, message)

    @post("/goals", name="case_plan_goal_add")
    async def add_goal(self, request: Request, case_id: FromPath[int]) -> Any:
        form = GoalForm(await request.form())
        if form.is_valid():
            try:
                await plans.add_goal(request.user, case_id, form["text"], target_date=form["target_date"])
            except DomainError as error:
                return await self._refused(request, case_id, "goal_form", form, error)
            return self._back(request, case_id, _("Goal added."))
        return await self._refused(request, case_id, "goal_form", form, None)

    @post("/goals/{goal_id:int}", name="case_plan_goal_edit")
    async def edit_goal(self, request: Request, case_id: FromPath[int], goal_id: FromPath[int]) -> Any:
        form = GoalForm(await request.form())
        if form.is_valid():
            try:
                await plans.edit_goal(request.user, case_id, goal_id, form["text"], target_date=form["target_date"])
            except DomainError as error:
                return await self._refused(request, case_id, edit_form_key(goal_id), form, error)
            return self._back(request, case_id, _("Goal changed."))
        return await self._refused(request, case_id, edit_form_key(goal_id), form, None)

    @post("/goals/{goal_id:int}/status", name="case_plan_goal_status")
    async def goal_status(self, request: Request, case_id: FromPath[int], goal_id: FromPath[int]) -> Any:
        form = GoalStatusForm(await request.form())
        if form.is_valid():
            try:
                await plans.set_goal_status(request.user, case_id, goal_id, form["status"])
            except DomainError as error:
                return await self._refused(request, case_id, "plan_form", form, error)
            return self._back(request, case_id, _("Goal updated."))
        return await self._refused(request, case_id, "plan_form", form, None)

    @post("/goals/{goal_id:int}/steps", name="case_plan_step_add")
    async def add_step(self, request: Request, case_id: FromPath[int], goal_id: FromPath[int]) -> Any:
        form = StepForm(await request.form())
        if form.is_valid():
            try:
                await plans.add_step(
                    request.user, case_id, goal_id, form["text"], who=form.who(), due_on=form["due_on"]
                )
            except DomainError as error:
                return await self._refused(request, case_id, step_form_key(goal_id), form, error)
            return self._back(request, case_id, _("Step added."))
        return await self._refused(request, case_id, step_form_key(goal_id), form, None)

    @post("/steps/{step_id:int}/done", name="case_plan_step_done")
    async def step_done(self, request: Request, case_id: FromPath[int], step_id: FromPath[int]) -> Any:
        try:
            await plans.mark_step_done(request.user, case_id, step_id)
        except DomainError as error:
            return await self._refused(request, case_id, "plan_form", Form({}), error)
        return self._back(request, case_id, _("Step done."))

    @post("/agreements", name="case_plan_agreement")
    async def agreement(self, request: Request, case_id: FromPath[int]) -> Any:
        form = AgreementForm(await request.form())
        if form.is_valid():
            try:
                await plans.record_agreement(request.user, case_id, form["agreed_on"], form["how"], form["note"])
            except DomainError as error:
                return await self._refused(request, case_id, "agreement_form", form, error)
            return self._back(request, case_id, _("The person's agreement is recorded."))
        return await self._refused(request, case_id, "agreement_form", form, None)


ROUTES = [PlanPages]
