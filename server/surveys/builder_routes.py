"""The staff question builder: the question list as htmx blocks (add, edit in place, move, duplicate, delete) and
the live preview of the answering form."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from server.errors import DomainError
from server.i18n import gettext as _
from server.surveys import forms
from server.surveys import services as surveys
from server.surveys.views import conditions
from server.web.access import STAFF
from server.web.rendering import redirect, render, wants_fragment


def _changed(response: Any) -> Any:
    """Tell the builder page that the questions changed, so its live preview reloads itself."""
    response.headers["HX-Trigger"] = "survey-changed"
    return response


def _question_url(request: Request, survey_id: int, question_id: int | None = None) -> str:
    """The builder page, scrolled to one question when given."""
    url = request.app.route_reverse("survey_builder", survey_id=survey_id)
    return f"{url}#question-{question_id}" if question_id is not None else url


class SurveyBuilderController(Controller):
    """The questions of one survey, for staff who may change it."""

    path = "/surveys"
    opt = STAFF

    async def _builder_context(self, survey: dict[str, Any], **extra: Any) -> dict[str, Any]:
        questions = await surveys.list_questions(survey["id"])
        answered = await surveys.answer_counts(survey["id"])
        second = surveys.second_language(survey)
        return {
            "survey": survey,
            "second": second,
            "translations": {question["id"]: surveys.translation_of(question, second) for question in questions},
            "untranslated": {question["id"]: surveys.untranslated(question, second) for question in questions},
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
                    return redirect(request, _question_url(request, survey_id, question_id), _("Question added."))
                return _changed(
                    render(
                        request, "surveys/builder.html", await self._builder_context(survey), block="questions_panel"
                    )
                )
            except DomainError as error:
                form.refuse(error, "text")
        context = await self._builder_context(survey, add_form=form)
        return render(request, "surveys/builder.html", context, block="questions_panel", status_code=form.status_code)

    async def _item(
        self,
        request: Request,
        survey: dict[str, Any],
        question_id: int,
        *,
        form: forms.QuestionForm | None = None,
        status_code: int = 200,
    ) -> Any:
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
            return Redirect(path=_question_url(request, survey_id, question_id), status_code=303)
        return await self._item(request, survey, question_id)

    @get("/{survey_id:int}/questions/{question_id:int}/edit", name="question_edit")
    async def question_edit(self, request: Request, survey_id: FromPath[int], question_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        question = await surveys.get_question(survey, question_id)
        form = forms.QuestionForm.for_question(question, surveys.second_language(survey))
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
                    return redirect(request, _question_url(request, survey_id, question_id), _("Question saved."))
                return _changed(await self._item(request, survey, question_id))
            except DomainError as error:
                form.refuse(error, "text")
        if not wants_fragment(request):
            context = await self._builder_context(survey, edit_forms={question_id: form})
            return render(request, "surveys/builder.html", context, status_code=form.status_code)
        return await self._item(request, survey, question_id, form=form, status_code=form.status_code)

    async def _panel_action(
        self, request: Request, survey: dict[str, Any], question_id: int, action: Any, message: str
    ) -> Any:
        try:
            await action
        except DomainError as error:
            if error.code == "not_found":
                raise
            context = await self._builder_context(survey, item_errors={question_id: error.translated()})
            return render(request, "surveys/builder.html", context, block="questions_panel", status_code=error.status)
        if not wants_fragment(request):
            return redirect(request, _question_url(request, survey["id"]), message)
        return _changed(
            render(request, "surveys/builder.html", await self._builder_context(survey), block="questions_panel")
        )

    @post("/{survey_id:int}/questions/{question_id:int}/move", name="question_move")
    async def question_move(self, request: Request, survey_id: FromPath[int], question_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        form = forms.MoveForm(await request.form())
        direction = form["direction"] if form.is_valid() else "up"
        return await self._panel_action(
            request, survey, question_id, surveys.move_question(survey, question_id, direction), _("Question moved.")
        )

    @post("/{survey_id:int}/questions/{question_id:int}/duplicate", name="question_duplicate")
    async def question_duplicate(self, request: Request, survey_id: FromPath[int], question_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        action = surveys.duplicate_question(survey, question_id)
        return await self._panel_action(request, survey, question_id, action, _("Question duplicated."))

    @post("/{survey_id:int}/questions/{question_id:int}/delete", name="question_delete")
    async def question_delete(self, request: Request, survey_id: FromPath[int], question_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        return await self._panel_action(
            request, survey, question_id, surveys.delete_question(survey, question_id), _("Question deleted.")
        )

    @get("/{survey_id:int}/preview", name="survey_preview")
    async def preview(self, request: Request, survey_id: FromPath[int]) -> Any:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        # ?language=<second language> previews a bilingual survey as people answering in that language read it.
        second = surveys.second_language(survey)
        language = second if second and request.query_params.get("language") == second else None
        questions = await surveys.list_questions(survey_id, language)
        context = {
            "survey": survey,
            "second": second,
            "language": language,
            "tab": "preview",
            "questions": questions,
            "preview_form": forms.AnswerForm(questions),
            "cond": conditions(questions),
        }
        return render(request, "surveys/preview.html", context, block="preview")
