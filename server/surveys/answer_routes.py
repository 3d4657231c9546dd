"""The public answering pages: the survey's link /s/{token} and personal links /s/{token}/i/{invite}: consent
first, then one light page with every question."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from server.i18n import get_locale, set_locale
from server.i18n import gettext as _
from server.surveys import forms
from server.surveys import services as surveys
from server.surveys.views import conditions, min_group
from server.web.access import TOKEN
from server.web.rendering import render
from server.web.security import SecretLinkHeaders


class AnswerController(Controller):
    """Unknown, unpublished and foreign links are the same plain 404."""

    path = "/s/{token:str}"
    opt = TOKEN
    middleware = [SecretLinkHeaders()]

    async def _survey(
        self, request: Request, token: str, invite_token: str | None = None
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        survey = await surveys.survey_by_token(token)
        if survey is None:
            raise NotFoundException()
        invite = None
        preferred = None
        if invite_token is not None:
            invite = await surveys.invite_by_token(survey, invite_token)
            if invite is None:
                raise NotFoundException()
            preferred = await surveys.invite_language(invite)
        languages = survey["languages"].split(",")
        # A language the visitor chose themself wins; then the invited person's own; then the survey's first.
        if request.cookies.get("gotong_lang") not in languages:
            if preferred is not None and preferred in languages:
                set_locale(preferred)
            elif get_locale() not in languages:
                set_locale(languages[0])
        # The respondent reads a bilingual survey in their language, each missing translation in the first one.
        return surveys.survey_in(survey, get_locale()), invite

    def _base(self, request: Request, token: str, invite: dict[str, Any] | None) -> str:
        if invite is None:
            return request.app.route_reverse("survey_answer", token=token)
        return request.app.route_reverse("survey_invite", token=token, invite_token=invite["token"])

    def _done(self, request: Request, token: str) -> Redirect:
        return Redirect(path=request.app.route_reverse("survey_done", token=token), status_code=303)

    def _message(self, request: Request, survey: dict[str, Any], kind: str, status_code: int = 200) -> Any:
        return render(request, "surveys/answer_message.html", {"survey": survey, "kind": kind}, status_code=status_code)

    async def _blocked(
        self, request: Request, survey: dict[str, Any], invite: dict[str, Any] | None, status_code: int
    ) -> Any:
        """A clear page instead of the form: not open yet, closed, or already answered through this personal link."""
        state = surveys.availability(survey)
        if state != "open":
            return self._message(request, survey, state, status_code)
        if (
            invite is not None
            and not survey["anonymous"]
            and await surveys.already_answered(survey["id"], invite["participant"])
        ):
            return self._message(request, survey, "already", status_code)
        return None

    def _consent_page(
        self,
        request: Request,
        survey: dict[str, Any],
        base: str,
        form: forms.ConsentForm,
        error: str = "",
        status_code: int = 200,
    ) -> Any:
        context = {
            "survey": survey,
            "base": base,
            "step": "consent",
            "consent_form": form,
            "error": error,
            "consent_text": surveys.consent_text(survey),
            "privacy_statement": surveys.privacy_statement(survey, min_group(request)),
        }
        return render(request, "surveys/answer.html", context, status_code=status_code)

    async def _questions_page(
        self,
        request: Request,
        survey: dict[str, Any],
        base: str,
        key: str,
        form: forms.AnswerForm | None = None,
        status_code: int = 200,
    ) -> Any:
        questions = form.questions if form else await surveys.list_questions(survey["id"], get_locale())
        context = {
            "survey": survey,
            "base": base,
            "step": "questions",
            "questions": questions,
            "form": form or forms.AnswerForm(questions),
            "submission_key": key,
            "cond": conditions(questions),
        }
        return render(request, "surveys/answer.html", context, status_code=status_code)

    async def _show(self, request: Request, token: str, invite_token: str | None) -> Any:
        survey, invite = await self._survey(request, token, invite_token)
        blocked = await self._blocked(request, survey, invite, 200)
        if blocked is not None:
            return blocked
        return self._consent_page(request, survey, self._base(request, token, invite), forms.ConsentForm())

    async def _submit(self, request: Request, token: str, invite_token: str | None) -> Any:
        survey, invite = await self._survey(request, token, invite_token)
        data = await request.form()
        key = str(data.get("submission_key") or "")
        if await surveys.submission_stored(key[:64]):
            return self._done(request, token)  # the same form sent twice
        blocked = await self._blocked(request, survey, invite, 409)
        if blocked is not None:
            return blocked
        base = self._base(request, token, invite)
        context = surveys.submission_context(survey, invite)
        if "submission_key" not in data:
            # Step one: the consent. Nothing is stored either way; agreeing only unlocks the questions.
            consent = forms.ConsentForm(data)
            consent.is_valid()
            if consent.cleaned.get("decision") == "decline":
                return self._message(request, survey, "declined")
            if not consent.cleaned.get("agree"):
                error = _("Tick the box to agree, or choose “I do not agree”.")
                return self._consent_page(request, survey, base, consent, error, status_code=400)
            return await self._questions_page(request, survey, base, surveys.new_submission_key(survey["id"], context))
        if not surveys.check_submission_key(key, survey["id"], context):
            error = _("Please read the information and agree before answering.")
            return self._consent_page(request, survey, base, forms.ConsentForm(), error, status_code=400)
        questions = await surveys.list_questions(survey["id"], get_locale())
        form = forms.AnswerForm(questions, data)
        if not form.is_valid():
            return await self._questions_page(request, survey, base, key, form, status_code=400)
        await surveys.submit_response(
            survey,
            form.answers,
            submission_key=key,
            language=get_locale(),
            participant_id=invite["participant"] if invite else None,
            invite_id=invite["id"] if invite else None,
        )
        return self._done(request, token)

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
