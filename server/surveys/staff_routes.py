"""Staff survey pages: the list, creating and editing a survey, templates, publishing, typing in paper forms,
results, exports and the pre/post comparison. The question builder is in builder_routes.py."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from server import clock
from server.audit import record_audit
from server.errors import DomainError, Forbidden
from server.i18n import N_, get_locale, ngettext
from server.i18n import gettext as _
from server.programs.services import can_manage
from server.surveys import forms, prepost, results
from server.surveys import services as surveys
from server.surveys.kinds import kind_of
from server.surveys.templates_data import TEMPLATES
from server.surveys.views import conditions, min_group
from server.surveys.xlsform.importing import import_report
from server.web.access import STAFF
from server.web.forms import parse_id
from server.web.pagination import PageRequest, paginate
from server.web.qr import qr_svg
from server.web.rendering import redirect, render

NO_STORE = {"Cache-Control": "private, no-store"}
SURVEY_PAGE_SIZE = 50


def _csv(content: str, filename: str) -> Response:
    return Response(
        content=content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
    )


class SurveyController(Controller):
    """Staff pages of surveys: facilitators reach the surveys of their programs and the ones they made."""

    path = "/surveys"
    opt = STAFF

    @get("/", name="survey_list")
    async def survey_list(self, request: Request) -> Any:
        staff = request.user
        page = await paginate(
            PageRequest.of(request, SURVEY_PAGE_SIZE),
            count=lambda: surveys.count_surveys(staff),
            fetch=lambda limit, offset: surveys.list_surveys(staff, limit=limit, offset=offset),
        )
        return render(request, "surveys/list.html", {"surveys": page.items, "page": page, "templates": TEMPLATES})

    async def _form_context(
        self, request: Request, form: forms.SurveyForm, survey: dict[str, Any] | None
    ) -> dict[str, Any]:
        keep = survey["program"] if survey else None
        return {
            "form": form,
            "survey": survey,
            "programs": await surveys.program_choices(request.user, keep=keep),
            "tab": "edit",
        }

    @get("/new", name="survey_new")
    async def survey_new(self, request: Request) -> Any:
        program = request.query_params.get("program")
        initial = {
            "purpose": "needs_assessment",
            "languages": "id,en",
            "anonymous": True,
            "consent_text": _(surveys.DEFAULT_CONSENT[True]),
        }
        if parse_id(program):
            initial["program"] = parse_id(program)
        return render(
            request, "surveys/form.html", await self._form_context(request, forms.SurveyForm(initial=initial), None)
        )

    @post("/new", name="survey_create")
    async def survey_create(self, request: Request) -> Any:
        form = forms.SurveyForm(await request.form())
        if form.is_valid():
            try:
                survey_id = await surveys.create_survey(request.user, dict(form.cleaned))
                url = request.app.route_reverse("survey_builder", survey_id=survey_id)
                return redirect(request, url, _("Survey created. Now add its questions."))
            except DomainError as error:
                form.refuse(error, "title")
        context = await self._form_context(request, form, None)
        return render(request, "surveys/form.html", context, block="survey_form", status_code=form.status_code)

    @get("/templates", name="survey_templates")
    async def survey_templates(self, request: Request) -> Any:
        form = forms.TemplateForm(
            initial={"template": request.query_params.get("template", "needs_assessment"), "languages": "id,en"}
        )
        return render(
            request,
            "surveys/templates.html",
            {"form": form, "templates": TEMPLATES, "programs": await surveys.program_choices(request.user)},
        )

    @post("/templates", name="survey_from_template")
    async def survey_from_template(self, request: Request) -> Any:
        form = forms.TemplateForm(await request.form())
        if form.is_valid():
            try:
                created = await surveys.create_from_template(
                    request.user, form["template"], program_id=form["program"], languages=form["languages"]
                )
                message = _("Survey created from the template. Check the questions before publishing.")
                if len(created) > 1:
                    message = _("The before and after surveys were created. Check the questions before publishing.")
                return redirect(request, request.app.route_reverse("survey_builder", survey_id=created[0]), message)
            except DomainError as error:
                form.refuse(error, "template")
        context = {"form": form, "templates": TEMPLATES, "programs": await surveys.program_choices(request.user)}
        return render(request, "surveys/templates.html", context, status_code=form.status_code)

    # --- pre/post ---

    @get("/compare", name="survey_compare")
    async def compare(self, request: Request) -> Any:
        filters = forms.CompareFilter(request.query_params)
        values = filters.cleaned if filters.is_valid() else {"program": None, "pre": None, "post": None}
        context: dict[str, Any] = {
            "filters": filters,
            "program": None,
            "comparison": None,
            "pre": None,
            "post": None,
            "pre_surveys": [],
            "post_surveys": [],
        }
        context["programs"] = await prepost.comparable_programs(request.user)
        program_id = values["program"]
        if program_id:
            if not await can_manage(request.user, program_id):
                raise Forbidden()
            context["program"] = next((p for p in context["programs"] if p["id"] == program_id), None) or {
                "id": program_id,
                "title": "",
            }
            context["pre_surveys"], context["post_surveys"] = await prepost.prepost_surveys(program_id)
            pre = next((s for s in context["pre_surveys"] if s["id"] == values["pre"]), None) or next(
                iter(context["pre_surveys"]), None
            )
            post = next((s for s in context["post_surveys"] if s["id"] == values["post"]), None) or next(
                iter(context["post_surveys"]), None
            )
            context.update(pre=pre, post=post)
            if pre and post:
                pre_questions = await surveys.list_questions(pre["id"])
                post_questions = await surveys.list_questions(post["id"])
                context["comparison"] = await results.prepost_comparison(
                    pre, post, pre_questions, post_questions, min_group(request)
                )
        return render(request, "surveys/compare.html", context)

    # --- one survey ---

    @get("/{survey_id:int}", name="survey_overview")
    async def overview(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        return render(request, "surveys/overview.html", await self._overview_context(survey))

    async def _overview_context(self, survey: dict[str, Any], error: str = "") -> dict[str, Any]:
        questions = await surveys.list_questions(survey["id"])
        return {
            "survey": survey,
            "tab": "overview",
            "questions": questions,
            "responses": (await surveys.response_counts([survey["id"]])).get(survey["id"], 0),
            "status": surveys.status(survey),
            "public_url": surveys.public_url(survey),
            # A QR code of the link to share, for a printed notice or a phone held up at a meeting.
            "public_qr": qr_svg(surveys.public_url(survey), _("QR code of the survey's link"))
            if survey["published"]
            else "",
            "opens_on": surveys.local_day(survey["opens_at"]),
            "closes_on": surveys.local_day(survey["closes_at"], end=True),
            "error": error,
            "import_report": import_report(survey),
        }

    @get("/{survey_id:int}/edit", name="survey_edit")
    async def edit(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        initial = dict(
            survey,
            opens_on=surveys.local_day(survey["opens_at"]),
            closes_on=surveys.local_day(survey["closes_at"], end=True),
            # The form's translation fields are the English version of an "Indonesian and English" survey.
            **forms.SurveyForm.translation_initial(survey, "en"),
        )
        return render(
            request, "surveys/form.html", await self._form_context(request, forms.SurveyForm(initial=initial), survey)
        )

    @post("/{survey_id:int}/edit", name="survey_update")
    async def update(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        form = forms.SurveyForm(await request.form())
        if form.is_valid():
            try:
                await surveys.update_survey(request.user, survey, dict(form.cleaned))
                return redirect(
                    request, request.app.route_reverse("survey_overview", survey_id=survey_id), _("Survey saved.")
                )
            except DomainError as error:
                form.refuse(error, "title")
        context = await self._form_context(request, form, survey)
        return render(request, "surveys/form.html", context, block="survey_form", status_code=form.status_code)

    @post("/{survey_id:int}/publish", name="survey_publish")
    async def publish(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        form = forms.PublishForm(await request.form())
        form.is_valid()
        try:
            await surveys.set_published(request.user, survey, bool(form.cleaned.get("published")))
        except DomainError as error:
            return render(
                request,
                "surveys/overview.html",
                await self._overview_context(survey, error.translated()),
                status_code=error.status,
            )
        if form.cleaned.get("published"):
            message = _("The survey is published: its link now works.")
        else:
            message = _("The survey is unpublished: its link no longer works.")
        return redirect(request, request.app.route_reverse("survey_overview", survey_id=survey_id), message)

    @post("/{survey_id:int}/invite", name="survey_send_invitations")
    async def invite(self, request: Request, survey_id: FromPath[int]) -> Any:
        """Sends the program's enrolled people their personal link (those not invited by message yet)."""
        survey = await surveys.survey_for_staff(request.user, survey_id)
        try:
            count = await surveys.invite_enrolled(request.user, survey)
        except DomainError as error:
            return render(
                request,
                "surveys/overview.html",
                await self._overview_context(survey, error.translated()),
                status_code=error.status,
            )
        message = ngettext(
            "Invitation queued for %(num)s participant.", "Invitations queued for %(num)s participants.", count
        )
        return redirect(request, request.app.route_reverse("survey_overview", survey_id=survey_id), message)

    # --- typing in paper forms ---

    async def _entry_context(self, request: Request, survey: dict[str, Any], **extra: Any) -> dict[str, Any]:
        questions = extra.pop("questions", None) or await surveys.list_questions(survey["id"])
        return {
            "survey": survey,
            "tab": "enter",
            "questions": questions,
            "form": extra.pop("form", None) or forms.AnswerForm(questions),
            "entry_form": extra.pop("entry_form", None) or forms.EntryForm(),
            "participants": [] if survey["anonymous"] else await surveys.entry_participants(request.user, survey),
            "programs": [] if survey["program"] else await surveys.program_choices(request.user),
            "submission_key": surveys.new_submission_key(survey["id"], f"entry:{request.user.id}"),
            "cond": conditions(questions),
            "error": extra.pop("error", ""),
        }

    @get("/{survey_id:int}/enter", name="survey_enter")
    async def enter(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        return render(request, "surveys/enter.html", await self._entry_context(request, survey))

    @post("/{survey_id:int}/enter", name="survey_enter_save")
    async def enter_save(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        data = await request.form()
        questions = await surveys.list_questions(survey_id)
        form = forms.AnswerForm(questions, data)
        entry = forms.EntryForm(data)
        answers_ok, entry_ok = form.is_valid(), entry.is_valid()
        context = await self._entry_context(request, survey, questions=questions, form=form, entry_form=entry)
        key = str(data.get("submission_key") or "")
        if entry_ok:
            if entry["participant"] and entry["participant"] not in {pid for pid, _name in context["participants"]}:
                entry.add_error("participant", _("Choose one of the options."))
            if entry["program"] and entry["program"] not in {pid for pid, _title in context["programs"]}:
                entry.add_error("program", _("Choose one of the options."))
        if not surveys.check_submission_key(key, survey_id, f"entry:{request.user.id}"):
            context["error"] = _("This form has expired. Please enter the answers again.")
        elif answers_ok and not entry.errors:
            created = await surveys.submit_response(
                survey,
                form.answers,
                submission_key=key,
                language=get_locale(),
                participant_id=entry["participant"],
                entered_by=request.user.id,
                program_id=entry["program"],
            )
            if created:
                await record_audit(
                    request.user, "create", "survey", survey_id, N_("response typed in from a paper form")
                )
            if entry["then"] == "another":
                url = request.app.route_reverse("survey_enter", survey_id=survey_id)
                return redirect(request, url, _("Response saved. You can type in the next form."))
            return redirect(
                request, request.app.route_reverse("survey_overview", survey_id=survey_id), _("Response saved.")
            )
        else:
            context["submission_key"] = key
        return render(request, "surveys/enter.html", context, status_code=400)

    # --- results and exports ---

    @get("/{survey_id:int}/results", name="survey_results")
    async def results_page(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        questions = await surveys.list_questions(survey_id)
        filters = forms.ResultsFilter(request.query_params)
        values = (
            filters.cleaned if filters.is_valid() else {"date_from": None, "date_to": None, "program": None, "by": None}
        )
        chosen = results.Filters(
            date_from=values["date_from"],
            date_to=values["date_to"],
            program_id=values["program"] if survey["program"] is None else None,
            cross_by=values["by"],
        )
        found = await results.survey_results(survey, questions, chosen, min_group(request))
        context = {
            "survey": survey,
            "tab": "results",
            "questions": questions,
            "filters": filters,
            "chosen": chosen,
            "results": found,
            "small_group": found["minimum"],
            "by_choices": [
                (q["id"], f"{q['number']}. {q['text'][:80]}") for q in questions if kind_of(q["kind"]).partitions
            ],
            "program_choices": await results.response_programs(survey_id) if survey["program"] is None else [],
            "timezone": clock.organisation_timezone(),
        }
        return render(request, "surveys/results.html", context, block="results")

    @get("/{survey_id:int}/responses.csv", name="survey_responses_csv")
    async def responses_csv(self, request: Request, survey_id: FromPath[int]) -> Response:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        questions = await surveys.list_questions(survey_id)
        try:
            content = await results.responses_csv(survey, questions, clock.organisation_timezone(), min_group(request))
        except DomainError as error:
            return Response(
                content=error.translated(),
                media_type="text/plain; charset=utf-8",
                status_code=error.status,
                headers=NO_STORE,
            )
        await record_audit(request.user, "view", "survey", survey_id, N_("responses exported"))
        return _csv(content, f"survey-{survey_id}-responses.csv")

    @get("/{survey_id:int}/codebook.csv", name="survey_codebook_csv")
    async def codebook_csv(self, request: Request, survey_id: FromPath[int]) -> Response:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        questions = await surveys.list_questions(survey_id)
        return _csv(results.codebook_csv(survey, questions), f"survey-{survey_id}-codebook.csv")
