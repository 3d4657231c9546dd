"""The former per-program goals page of a participant: its addresses now lead to the person's case plan."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from server.programs.dependencies import MANAGED_PROGRAM, ManagedProgram
from server.web.access import STAFF


class MovedIndividualGoals(Controller):
    """Individual goals and progress notes moved into case plans (migration 2026-11-30T09:00:01). Old bookmarks and
    forms still in an open tab are sent on, with 303, to the person's plan (`person_case` decides what each viewer
    may reach); a form posted here saves nothing. The program is still checked first, as before: another team's
    program is refused."""

    path = "/manage/programs/{slug:str}/participants/{participant_id:int}/goals"
    opt = STAFF
    dependencies = MANAGED_PROGRAM

    def _onwards(self, request: Request, participant_id: int) -> Redirect:
        return Redirect(path=request.app.route_reverse("person_case", participant_id=participant_id), status_code=303)

    @get("/", name="individual_goals")
    async def goals(self, request: Request, program: ManagedProgram, participant_id: FromPath[int]) -> Any:
        return self._onwards(request, participant_id)

    @post("/", name="individual_goal_add")
    async def add_goal(self, request: Request, program: ManagedProgram, participant_id: FromPath[int]) -> Any:
        return self._onwards(request, participant_id)

    @post("/{goal_id:int}/notes", name="progress_note_add")
    async def add_note(
        self, request: Request, program: ManagedProgram, participant_id: FromPath[int], goal_id: FromPath[int]
    ) -> Any:
        return self._onwards(request, participant_id)


ROUTES = [MovedIndividualGoals]
