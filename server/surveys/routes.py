"""Survey pages: the staff list, builder, data entry, results, pre/post comparison and exports, and the public answering link."""
from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from server.audit import record_audit
from server.config import settings
from server.errors import DomainError, Forbidden
from server.i18n import get_locale, set_locale
from server.i18n import gettext as _
from server.programs.services import can_manage, managed_program_ids
from server.surveys import forms, results
from server.surveys import services as surveys
from server.surveys.tables import Survey
from server.surveys.templates_data import TEMPLATES
from server.web.access import STAFF, TOKEN
from server.web.forms import parse_id
from server.web.rendering import redirect, render, wants_fragment
from server.web.security import SecretLinkHeaders

# Static CSS holds one rule per conditional question slot (charts.css); beyond this many, questions stay visible with their hint.
CONDITION_SLOTS = 40


def conditions(questions: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """CSS classes that show a conditional question once its trigger option is checked, without JavaScript:
    the trigger's input gets show-k and the question when-k (rules in static/charts.css)."""
    when: dict[int, str] = {}
    reveal: dict[str, str] = {}
    slot = 0
    for question in questions:
        condition = question.get("condition")
        if not condition or slot >= CONDITION_SLOTS:
            continue
        slot += 1
        when[question["id"]] = f"when-{slot}"
        key = f"{condition['question']}:{condition['value']}"
        reveal[key] = (reveal.get(key, "") + f" show-{slot}").strip()
    return {"when": when, "reveal": reveal}


def _min_group(request: Request) -> int:
    """The small-group limit of this app's settings: results, exports and the consent page all use this one."""
    return request.app.state.settings.min_group_size


def _changed(response: Any) -> Any:
    """Tell the builder page that the questions changed, so its live preview reloads itself."""
    response.headers["HX-Trigger"] = "survey-changed"
    return response


# --- staff -------------------------------------------------------------------------------------------

class SurveyController(Controller):
    """Staff pages of surveys: facilitators reach the surveys of their programs and the ones they made."""

    path = "/surveys"
    opt = STAFF

    @get("/", name="survey_list")
    async def survey_list(self, request: Request) -> Any:
        found = await surveys.list_surveys(request.user)
        return render(request, "surveys/list.html", {"surveys": found, "templates": TEMPLATES})

    async def _form_context(self, request: Request, form: forms.SurveyForm, survey: dict[str, Any] | None) -> dict[str, Any]:
        keep = survey["program"] if survey else None
        return {"form": form, "survey": survey, "programs": await surveys.program_choices(request.user, keep=keep), "tab": "edit"}

    @get("/new", name="survey_new")
    async def survey_new(self, request: Request) -> Any:
        program = request.query_params.get("program")
        initial = {"purpose": "needs_assessment", "languages": "id,en", "anonymous": True, "consent_text": _(surveys.DEFAULT_CONSENT[True])}
        if parse_id(program):
            initial["program"] = parse_id(program)
        return render(request, "surveys/form.html", await self._form_context(request, forms.SurveyForm(initial=initial), None))

    @post("/new", name="survey_create")
    async def survey_create(self, request: Request) -> Any:
        form = forms.SurveyForm(await request.form())
        if form.is_valid():
            try:
                survey_id = await surveys.create_survey(request.user, dict(form.cleaned))
                return redirect(request, f"/surveys/{survey_id}/questions", _("Survey created. Now add its questions."))
            except DomainError as error:
                form.add_error(error.field or "title", error.translated())
        return render(request, "surveys/form.html", await self._form_context(request, form, None), block="survey_form", status_code=400)

    @get("/templates", name="survey_templates")
    async def survey_templates(self, request: Request) -> Any:
        form = forms.TemplateForm(initial={"template": request.query_params.get("template", "needs_assessment"), "languages": "id,en"})
        return render(request, "surveys/templates.html", {"form": form, "templates": TEMPLATES, "programs": await surveys.program_choices(request.user)})

    @post("/templates", name="survey_from_template")
    async def survey_from_template(self, request: Request) -> Any:
        form = forms.TemplateForm(await request.form())
        if form.is_valid():
            try:
                created = await surveys.create_from_template(request.user, form["template"], program_id=form["program"], languages=form["languages"])
                message = _("Survey created from the template. Check the questions before publishing.")
                if len(created) > 1:
                    message = _("The before and after surveys were created. Check the questions before publishing.")
                return redirect(request, f"/surveys/{created[0]}/questions", message)
            except DomainError as error:
                form.add_error(error.field or "template", error.translated())
        context = {"form": form, "templates": TEMPLATES, "programs": await surveys.program_choices(request.user)}
        return render(request, "surveys/templates.html", context, status_code=400)

    # --- pre/post ---

    @get("/compare", name="survey_compare")
    async def compare(self, request: Request) -> Any:
        filters = forms.CompareFilter(request.query_params)
        values = filters.cleaned if filters.is_valid() else {"program": None, "pre": None, "post": None}
        context: dict[str, Any] = {"filters": filters, "program": None, "comparison": None, "pre": None, "post": None, "pre_surveys": [], "post_surveys": []}
        context["programs"] = await self._comparable_programs(request)
        program_id = values["program"]
        if program_id:
            if not await can_manage(request.user, program_id):
                raise Forbidden()
            context["program"] = next((p for p in context["programs"] if p["id"] == program_id), None) or {"id": program_id, "title": ""}
            found = await Survey.select(Survey.id, Survey.title, Survey.purpose, Survey.anonymous, Survey.created_at).where(
                (Survey.program == program_id) & Survey.purpose.is_in(["pre", "post"])
            ).order_by(Survey.created_at, ascending=False).run()
            context["pre_surveys"] = [s for s in found if s["purpose"] == "pre"]
            context["post_surveys"] = [s for s in found if s["purpose"] == "post"]
            pre = next((s for s in context["pre_surveys"] if s["id"] == values["pre"]), None) or next(iter(context["pre_surveys"]), None)
            post = next((s for s in context["post_surveys"] if s["id"] == values["post"]), None) or next(iter(context["post_surveys"]), None)
            context.update(pre=pre, post=post)
            if pre and post:
                pre_questions = await surveys.list_questions(pre["id"])
                post_questions = await surveys.list_questions(post["id"])
                context["comparison"] = await results.prepost_comparison(pre, post, pre_questions, post_questions, _min_group(request))
        return render(request, "surveys/compare.html", context)

    async def _comparable_programs(self, request: Request) -> list[dict[str, Any]]:
        """Programs this person manages that have both a pre and a post survey."""
        query = Survey.select(Survey.program, Survey.program.title.as_alias("title"), Survey.purpose).where(
            Survey.purpose.is_in(["pre", "post"]) & Survey.program.is_not_null()
        )
        ids = await managed_program_ids(request.user)
        if ids is not None:
            query = query.where(Survey.program.is_in(ids or [-1]))
        purposes: dict[int, set[str]] = {}
        titles: dict[int, str] = {}
        for row in await query.run():
            purposes.setdefault(row["program"], set()).add(row["purpose"])
            titles[row["program"]] = row["title"]
        return sorted(
            ({"id": pid, "title": titles[pid]} for pid, found in purposes.items() if found == {"pre", "post"}),
            key=lambda p: p["title"],
        )

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
            "opens_on": surveys.local_day(survey["opens_at"]),
            "closes_on": surveys.local_day(survey["closes_at"], end=True),
            "error": error,
        }

    @get("/{survey_id:int}/edit", name="survey_edit")
    async def edit(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        initial = dict(survey, opens_on=surveys.local_day(survey["opens_at"]), closes_on=surveys.local_day(survey["closes_at"], end=True))
        return render(request, "surveys/form.html", await self._form_context(request, forms.SurveyForm(initial=initial), survey))

    @post("/{survey_id:int}/edit", name="survey_update")
    async def update(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        form = forms.SurveyForm(await request.form())
        if form.is_valid():
            try:
                await surveys.update_survey(request.user, survey, dict(form.cleaned))
                return redirect(request, f"/surveys/{survey_id}", _("Survey saved."))
            except DomainError as error:
                form.add_error(error.field or "title", error.translated())
        return render(request, "surveys/form.html", await self._form_context(request, form, survey), block="survey_form", status_code=400)

    @post("/{survey_id:int}/publish", name="survey_publish")
    async def publish(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        form = forms.PublishForm(await request.form())
        form.is_valid()
        try:
            await surveys.set_published(request.user, survey, bool(form.cleaned.get("published")))
        except DomainError as error:
            return render(request, "surveys/overview.html", await self._overview_context(survey, error.translated()), status_code=409)
        message = _("The survey is published: its link now works.") if form.cleaned.get("published") else _("The survey is unpublished: its link no longer works.")
        return redirect(request, f"/surveys/{survey_id}", message)

    # --- the builder ---

    async def _builder_context(self, survey: dict[str, Any], **extra: Any) -> dict[str, Any]:
        questions = await surveys.list_questions(survey["id"])
        answered = await surveys.answer_counts(survey["id"])
        return {
            "survey": survey,
            "tab": "questions",
            "questions": questions,
            "answered": answered,
            "has_answers": bool(answered),
            "add_form": extra.pop("add_form", None) or forms.QuestionForm(initial={"kind": "single"}),
            "edit_forms": extra.pop("edit_forms", {}),
            "item_errors": extra.pop("item_errors", {}),
            "panel_error": extra.pop("panel_error", ""),
            "preview_form": forms.AnswerForm(questions),
            "cond": conditions(questions),
            **extra,
        }

    @get("/{survey_id:int}/questions", name="survey_builder")
    async def builder(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        return render(request, "surveys/builder.html", await self._builder_context(survey))

    @post("/{survey_id:int}/questions", name="question_add")
    async def add_question(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        form = forms.QuestionForm(await request.form())
        if form.is_valid():
            try:
                question_id = await surveys.add_question(survey, dict(form.cleaned))
                if not wants_fragment(request):
                    return redirect(request, f"/surveys/{survey_id}/questions#question-{question_id}", _("Question added."))
                return _changed(render(request, "surveys/builder.html", await self._builder_context(survey), block="questions_panel"))
            except DomainError as error:
                form.add_error(error.field or "text", error.translated())
        context = await self._builder_context(survey, add_form=form)
        return render(request, "surveys/builder.html", context, block="questions_panel", status_code=400)

    async def _item(self, request: Request, survey: dict[str, Any], question_id: int, *, form: forms.QuestionForm | None = None, status_code: int = 200) -> Any:
        context = await self._builder_context(survey, edit_forms={question_id: form} if form else {})
        question = next((q for q in context["questions"] if q["id"] == question_id), None)
        if question is None:
            raise NotFoundException()
        context["question"] = question
        return render(request, "surveys/builder.html", context, block="question_item", status_code=status_code)

    @get("/{survey_id:int}/questions/{question_id:int}", name="question_view")
    async def question_view(self, request: Request, survey_id: FromPath[int], question_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        if not wants_fragment(request):
            return Redirect(path=f"/surveys/{survey_id}/questions#question-{question_id}", status_code=303)
        return await self._item(request, survey, question_id)

    @get("/{survey_id:int}/questions/{question_id:int}/edit", name="question_edit")
    async def question_edit(self, request: Request, survey_id: FromPath[int], question_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        question = await surveys.get_question(survey, question_id)
        form = forms.QuestionForm.for_question(question)
        if not wants_fragment(request):
            context = await self._builder_context(survey, edit_forms={question_id: form})
            return render(request, "surveys/builder.html", context)
        return await self._item(request, survey, question_id, form=form)

    @post("/{survey_id:int}/questions/{question_id:int}", name="question_update")
    async def question_update(self, request: Request, survey_id: FromPath[int], question_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        await surveys.get_question(survey, question_id)
        form = forms.QuestionForm(await request.form())
        if form.is_valid():
            try:
                await surveys.update_question(survey, question_id, dict(form.cleaned))
                if not wants_fragment(request):
                    return redirect(request, f"/surveys/{survey_id}/questions#question-{question_id}", _("Question saved."))
                return _changed(await self._item(request, survey, question_id))
            except DomainError as error:
                form.add_error(error.field or "text", error.translated())
        if not wants_fragment(request):
            context = await self._builder_context(survey, edit_forms={question_id: form})
            return render(request, "surveys/builder.html", context, status_code=400)
        return await self._item(request, survey, question_id, form=form, status_code=400)

    async def _panel_action(self, request: Request, survey: dict[str, Any], question_id: int, action: Any, message: str) -> Any:
        try:
            await action
        except DomainError as error:
            if error.code == "not_found":
                raise
            context = await self._builder_context(survey, item_errors={question_id: error.translated()})
            return render(request, "surveys/builder.html", context, block="questions_panel", status_code=409)
        if not wants_fragment(request):
            return redirect(request, f"/surveys/{survey['id']}/questions", message)
        return _changed(render(request, "surveys/builder.html", await self._builder_context(survey), block="questions_panel"))

    @post("/{survey_id:int}/questions/{question_id:int}/move", name="question_move")
    async def question_move(self, request: Request, survey_id: FromPath[int], question_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        form = forms.MoveForm(await request.form())
        direction = form["direction"] if form.is_valid() else "up"
        return await self._panel_action(request, survey, question_id, surveys.move_question(survey, question_id, direction), _("Question moved."))

    @post("/{survey_id:int}/questions/{question_id:int}/duplicate", name="question_duplicate")
    async def question_duplicate(self, request: Request, survey_id: FromPath[int], question_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        return await self._panel_action(request, survey, question_id, surveys.duplicate_question(survey, question_id), _("Question duplicated."))

    @post("/{survey_id:int}/questions/{question_id:int}/delete", name="question_delete")
    async def question_delete(self, request: Request, survey_id: FromPath[int], question_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        return await self._panel_action(request, survey, question_id, surveys.delete_question(survey, question_id), _("Question deleted."))

    @get("/{survey_id:int}/preview", name="survey_preview")
    async def preview(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        questions = await surveys.list_questions(survey_id)
        context = {"survey": survey, "tab": "preview", "questions": questions, "preview_form": forms.AnswerForm(questions), "cond": conditions(questions)}
        return render(request, "surveys/preview.html", context, block="preview")

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
                survey, form.answers, submission_key=key, language=get_locale(), participant_id=entry["participant"],
                entered_by=request.user.id, program_id=entry["program"],
            )
            if created:
                await record_audit(request.user, "create", "survey", survey_id, "response typed in from a paper form")
            if entry["then"] == "another":
                return redirect(request, f"/surveys/{survey_id}/enter", _("Response saved. You can type in the next form."))
            return redirect(request, f"/surveys/{survey_id}", _("Response saved."))
        else:
            context["submission_key"] = key
        return render(request, "surveys/enter.html", context, status_code=400)

    # --- results and exports ---

    @get("/{survey_id:int}/results", name="survey_results")
    async def results_page(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        questions = await surveys.list_questions(survey_id)
        filters = forms.ResultsFilter(request.query_params)
        values = filters.cleaned if filters.is_valid() else {"date_from": None, "date_to": None, "program": None, "by": None}
        chosen = results.Filters(
            date_from=values["date_from"], date_to=values["date_to"],
            program_id=values["program"] if survey["program"] is None else None, cross_by=values["by"],
        )
        found = await results.survey_results(survey, questions, chosen, _min_group(request))
        context = {
            "survey": survey,
            "tab": "results",
            "questions": questions,
            "filters": filters,
            "chosen": chosen,
            "results": found,
            "small_group": found["minimum"],
            "by_choices": [(q["id"], f"{q['number']}. {q['text'][:80]}") for q in questions if q["kind"] == "single"],
            "program_choices": await results.response_programs(survey_id) if survey["program"] is None else [],
            "timezone": settings.default_timezone,
        }
        return render(request, "surveys/results.html", context, block="results")

    @get("/{survey_id:int}/responses.csv", name="survey_responses_csv")
    async def responses_csv(self, request: Request, survey_id: FromPath[int]) -> Response:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        questions = await surveys.list_questions(survey_id)
        try:
            content = await results.responses_csv(survey, questions, settings.default_timezone, _min_group(request))
        except DomainError as error:
            return Response(content=error.translated(), media_type="text/plain; charset=utf-8", status_code=409, headers={"Cache-Control": "private, no-store"})
        await record_audit(request.user, "view", "survey", survey_id, "responses exported")
        return Response(
            content=content,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="survey-{survey_id}-responses.csv"', "Cache-Control": "private, no-store"},
        )

    @get("/{survey_id:int}/codebook.csv", name="survey_codebook_csv")
    async def codebook_csv(self, request: Request, survey_id: FromPath[int]) -> Response:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        questions = await surveys.list_questions(survey_id)
        return Response(
            content=results.codebook_csv(survey, questions),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="survey-{survey_id}-codebook.csv"', "Cache-Control": "private, no-store"},
        )


# --- answering ---------------------------------------------------------------------------------------

class AnswerController(Controller):
    """The public answering link /s/{token} and personal links /s/{token}/i/{invite}: consent first, then one
    light page with every question. Unknown, unpublished and foreign links are the same plain 404."""

    path = "/s/{token:str}"
    opt = TOKEN
    middleware = [SecretLinkHeaders()]

    async def _survey(self, request: Request, token: str, invite_token: str | None = None) -> tuple[dict[str, Any], dict[str, Any] | None]:
        survey = await surveys.survey_by_token(token)
        if survey is None:
            raise NotFoundException()
        invite = None
        preferred = None
        if invite_token is not None:
            invite = await surveys.invite_by_token(survey, invite_token)
            if invite is None:
                raise NotFoundException()
            from server.people.tables import Participant

            row = await Participant.select(Participant.preferred_locale).where(Participant.id == invite["participant"]).first().run()
            preferred = row["preferred_locale"] if row else None
        languages = survey["languages"].split(",")
        if request.cookies.get("gotong_lang") in languages:
            pass
        elif preferred in languages:
            set_locale(preferred)
        elif get_locale() not in languages:
            set_locale(languages[0])
        return survey, invite

    def _base(self, token: str, invite: dict[str, Any] | None) -> str:
        return f"/s/{token}" + (f"/i/{invite['token']}" if invite else "")


    def _message(self, request: Request, survey: dict[str, Any], kind: str, status_code: int = 200) -> Any:
        return render(request, "surveys/answer_message.html", {"survey": survey, "kind": kind}, status_code=status_code)

    async def _blocked(self, request: Request, survey: dict[str, Any], invite: dict[str, Any] | None, status_code: int) -> Any:
        """A clear page instead of the form: not open yet, closed, or already answered through this personal link."""
        state = surveys.availability(survey)
        if state != "open":
            return self._message(request, survey, state, status_code)
        if invite is not None and not survey["anonymous"] and await surveys.already_answered(survey["id"], invite["participant"]):
            return self._message(request, survey, "already", status_code)
        return None

    def _consent_page(self, request: Request, survey: dict[str, Any], base: str, form: forms.ConsentForm, error: str = "", status_code: int = 200) -> Any:
        context = {
            "survey": survey, "base": base, "step": "consent", "consent_form": form, "error": error,
            "privacy_statement": surveys.privacy_statement(survey, _min_group(request)),
        }
        return render(request, "surveys/answer.html", context, status_code=status_code)

    async def _questions_page(self, request: Request, survey: dict[str, Any], base: str, key: str, form: forms.AnswerForm | None = None, status_code: int = 200) -> Any:
        questions = form.questions if form else await surveys.list_questions(survey["id"])
        context = {
            "survey": survey, "base": base, "step": "questions", "questions": questions, "form": form or forms.AnswerForm(questions),
            "submission_key": key, "cond": conditions(questions),
        }
        return render(request, "surveys/answer.html", context, status_code=status_code)

    async def _show(self, request: Request, token: str, invite_token: str | None) -> Any:
        survey, invite = await self._survey(request, token, invite_token)
        blocked = await self._blocked(request, survey, invite, 200)
        if blocked is not None:
            return blocked
        return self._consent_page(request, survey, self._base(token, invite), forms.ConsentForm())

    async def _submit(self, request: Request, token: str, invite_token: str | None) -> Any:
        survey, invite = await self._survey(request, token, invite_token)
        data = await request.form()
        key = str(data.get("submission_key") or "")
        if await surveys.submission_stored(key[:64]):
            return Redirect(path=f"/s/{token}/done", status_code=303)  # the same form sent twice
        blocked = await self._blocked(request, survey, invite, 409)
        if blocked is not None:
            return blocked
        base = self._base(token, invite)
        if "submission_key" not in data:
            # Step one: the consent. Nothing is stored either way; agreeing only unlocks the questions.
            consent = forms.ConsentForm(data)
            consent.is_valid()
            if consent.cleaned.get("decision") == "decline":
                return self._message(request, survey, "declined")
            if not consent.cleaned.get("agree"):
                return self._consent_page(request, survey, base, consent, _("Tick the box to agree, or choose “I do not agree”."), status_code=400)
            return await self._questions_page(request, survey, base, surveys.new_submission_key(survey["id"], surveys.submission_context(survey, invite)))
        if not surveys.check_submission_key(key, survey["id"], surveys.submission_context(survey, invite)):
            return self._consent_page(request, survey, base, forms.ConsentForm(), _("Please read the information and agree before answering."), status_code=400)
        questions = await surveys.list_questions(survey["id"])
        form = forms.AnswerForm(questions, data)
        if not form.is_valid():
            return await self._questions_page(request, survey, base, key, form, status_code=400)
        await surveys.submit_response(
            survey, form.answers, submission_key=key, language=get_locale(),
            participant_id=invite["participant"] if invite else None, invite_id=invite["id"] if invite else None,
        )
        return Redirect(path=f"/s/{token}/done", status_code=303)

    @get("/", name="survey_answer")
    async def answer(self, request: Request, token: FromPath[str]) -> Any:
        return await self._show(request, token, None)

    @post("/", name="survey_answer_submit")
    async def answer_submit(self, request: Request, token: FromPath[str]) -> Any:
        return await self._submit(request, token, None)

    @get("/i/{invite_token:str}", name="survey_invite")
    async def invite(self, request: Request, token: FromPath[str], invite_token: FromPath[str]) -> Any:
        return await self._show(request, token, invite_token)

    @post("/i/{invite_token:str}", name="survey_invite_submit")
    async def invite_submit(self, request: Request, token: FromPath[str], invite_token: FromPath[str]) -> Any:
        return await self._submit(request, token, invite_token)

    @get("/done", name="survey_done")
    async def done(self, request: Request, token: FromPath[str]) -> Any:
        survey, _invite = await self._survey(request, token)
        return self._message(request, survey, "done")


ROUTES: list = [SurveyController, AnswerController]
