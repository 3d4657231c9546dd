"""Staff pages of case files: my cases, opening a case for a person, a case's overview and what is added to it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from server import privacy
from server.cases import followups, services
from server.cases.forms import AssessmentForm, CloseForm, CrisisForm, NoteForm, OpenCaseForm
from server.cases.plan_page import plan_context
from server.cases.referral_section import referral_section
from server.enrolment.participant_access import can_see_participant
from server.errors import DomainError
from server.i18n import gettext as _
from server.people.participants import get_participant
from server.web.access import ORGANIZER, STAFF
from server.web.forms import Form, parse_id
from server.web.labels import LABELS
from server.web.pagination import PageRequest, paginate
from server.web.rendering import redirect, render

LIST_PAGE = "cases/case_list.html"
NEW_PAGE = "cases/case_new.html"
DETAIL_PAGE = "cases/case_detail.html"
PAGE_SIZE = 50


async def case_page(request: Request, case_id: int, *, status_code: int = 200, **forms: Form) -> Any:
    """The case overview (its read audited), with any refused form showing its errors."""
    case = await services.case_for_staff(request.user, case_id)
    assessments = await services.assessments(case_id)
    context = {
        "case": case,
        "latest": assessments[0] if assessments else None,
        "previous": assessments[1] if len(assessments) > 1 else None,
        "notes": await paginate(
            PageRequest.of(request, services.NOTES_PAGE, "notes_page"),
            count=lambda: services.count_notes(case_id),
            fetch=lambda limit, offset: services.notes(case_id, limit=limit, offset=offset),
        ),
        "followups": await followups.list_followups(case_id) if case["status"] == "closed" else [],
        "domains": [(key, LABELS.label("case_domain", key)) for key in services.DOMAINS],
        "ratings": [(str(n), _(text)) for n, text in services.RATINGS.items()],
        "note_kinds": LABELS.choices("case_note_kind"),
        "outcomes": LABELS.choices("case_outcome"),
        "assessment_form": forms.get("assessment_form") or AssessmentForm(initial={}),
        "note_form": forms.get("note_form") or NoteForm(initial={"kind": "contact"}),
        "close_form": forms.get("close_form") or CloseForm(initial={}),
        **await plan_context(case_id, forms),
        **await referral_section(request.user, case_id, forms, str(request.query_params.get("program_q", ""))[:100]),
    }
    return render(request, DETAIL_PAGE, context, status_code=status_code)


class CasePages(Controller):
    """Everyone on staff reaches /cases; a case itself answers only to its case worker, supervisor and admins (any
    other case is a 404, as if it did not exist). Opening a case is for organizers and admins."""

    path = "/cases"
    opt = STAFF

    @get("/", name="case_list")
    async def case_list(self, request: Request) -> Any:
        staff = request.user
        page = await paginate(
            PageRequest.of(request, PAGE_SIZE),
            count=lambda: services.count_cases(staff),
            fetch=lambda limit, offset: services.list_cases(staff, limit=limit, offset=offset),
        )
        context = {"cases": page.items, "page": page, "crisis": await services.crisis_cases(staff)}
        return render(request, LIST_PAGE, context)

    # --- opening a case ----------------------------------------------------------------------------------------
    async def _person(self, request: Request) -> dict[str, Any]:
        participant_id = parse_id(request.query_params.get("participant"))
        if participant_id is None or not await can_see_participant(request.user, participant_id):
            raise NotFoundException()
        person = await get_participant(participant_id)
        if person["anonymised_at"] is not None:
            raise NotFoundException()
        return person

    async def _new_context(self, person: dict[str, Any], form: Form) -> dict[str, Any]:
        staff = [(row["id"], row["display_name"]) for row in await services.staff_choices()]
        return {"person": person, "form": form, "staff": staff}

    @get("/new", name="case_new", opt=ORGANIZER)
    async def new(self, request: Request) -> Any:
        person = await self._person(request)
        return render(request, NEW_PAGE, await self._new_context(person, OpenCaseForm(initial={})))

    @post("/new", name="case_create", opt=ORGANIZER)
    async def create(self, request: Request) -> Any:
        person = await self._person(request)
        form = OpenCaseForm(await request.form())
        if form.is_valid():
            try:
                case_id = await services.open_case(
                    request.user,
                    person["id"],
                    case_worker_id=form["case_worker"],
                    supervisor_id=form["supervisor"],
                    own_words=form["own_words"],
                )
            except DomainError as error:
                form.refuse(error)
            else:
                message = _("Case opened.")
                # Whoever opened it may not be its worker or supervisor: then the case is not theirs to read.
                row = {"case_worker": form["case_worker"], "supervisor": form["supervisor"]}
                if privacy.may_see_case(request.user, row):
                    return redirect(request, request.app.route_reverse("case_detail", case_id=case_id), message)
                url = request.app.route_reverse("participant_detail", participant_id=person["id"])
                return redirect(request, url, message)
        context = await self._new_context(person, form)
        return render(request, NEW_PAGE, context, status_code=form.status_code)

    # --- a person's plan -------------------------------------------------------------------------------------
    @get("/person/{participant_id:int}", name="person_case")
    async def person_case(self, request: Request, participant_id: FromPath[int]) -> Any:
        """One address for a person's goals and plan (program pages link here): their case's plan for those who
        may see it; otherwise opening a case for organizers, or the person's page: nothing tells the others
        whether a case exists."""
        if not await can_see_participant(request.user, participant_id):
            raise NotFoundException()
        case_id = await services.case_of_person(request.user, participant_id)
        if case_id is not None:
            url = request.app.route_reverse("case_detail", case_id=case_id) + "#plan-heading"
        elif request.user.is_organizer and (await get_participant(participant_id))["anonymised_at"] is None:
            url = request.app.route_reverse("case_new") + f"?participant={participant_id}"
        else:
            url = request.app.route_reverse("participant_detail", participant_id=participant_id)
        return Redirect(path=url, status_code=303)

    # --- one case ----------------------------------------------------------------------------------------------
    async def _detail(self, request: Request, case_id: int, *, status_code: int = 200, **forms: Form) -> Any:
        return await case_page(request, case_id, status_code=status_code, **forms)

    def _back(self, request: Request, case_id: int, message: str) -> Any:
        return redirect(request, request.app.route_reverse("case_detail", case_id=case_id), message)

    @get("/{case_id:int}", name="case_detail")
    async def detail(self, request: Request, case_id: FromPath[int]) -> Any:
        return await self._detail(request, case_id)

    @post("/{case_id:int}/crisis", name="case_crisis")
    async def crisis(self, request: Request, case_id: FromPath[int]) -> Any:
        form = CrisisForm(await request.form())
        form.is_valid()
        try:
            await services.set_crisis(request.user, case_id, bool(form.cleaned.get("crisis")))
        except DomainError as error:
            if error.code == "not_found":
                raise
            return await self._detail(request, case_id, status_code=error.status)
        message = _("Crisis flag raised.") if form.cleaned.get("crisis") else _("Crisis flag lowered.")
        return self._back(request, case_id, message)

    @post("/{case_id:int}/assessments", name="case_assessment")
    async def assessment(self, request: Request, case_id: FromPath[int]) -> Any:
        form = AssessmentForm(await request.form())
        if form.is_valid():
            try:
                await services.record_assessment(
                    request.user, case_id, form["assessed_on"], form.ratings(), own_words=form.own_words()
                )
            except DomainError as error:
                if error.code == "not_found":
                    raise
                form.refuse(error)
            else:
                return self._back(request, case_id, _("Assessment recorded."))
        return await self._detail(request, case_id, status_code=form.status_code, assessment_form=form)

    @post("/{case_id:int}/notes", name="case_note")
    async def note(self, request: Request, case_id: FromPath[int]) -> Any:
        form = NoteForm(await request.form())
        if form.is_valid():
            try:
                await services.add_note(request.user, case_id, form["kind"], form["text"])
            except DomainError as error:
                if error.code == "not_found":
                    raise
                form.refuse(error)
            else:
                return self._back(request, case_id, _("Note added."))
        return await self._detail(request, case_id, status_code=form.status_code, note_form=form)

    @post("/{case_id:int}/close", name="case_close")
    async def close(self, request: Request, case_id: FromPath[int]) -> Any:
        form = CloseForm(await request.form())
        if form.is_valid():
            try:
                await services.close_case(request.user, case_id, form["outcome"])
            except DomainError as error:
                if error.code == "not_found":
                    raise
                form.refuse(error)
            else:
                return self._back(request, case_id, _("Case closed."))
        return await self._detail(request, case_id, status_code=form.status_code, close_form=form)


ROUTES = [CasePages]
