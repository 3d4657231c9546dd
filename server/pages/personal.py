"""The participant's personal page (/my/{token}): their programs, coming sessions, open surveys, consents, language
and data download — a page that composes enrolment, people, calendars and surveys, reached only by a live personal
link."""

from __future__ import annotations

import json
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from server import audit
from server.cases.plans import personal_plan
from server.cases.referrals import open_referrals_for_person
from server.config import settings
from server.enrolment import forms, personal, services
from server.errors import DomainError, NotFound
from server.i18n import N_, set_locale
from server.i18n import gettext as _
from server.pages import personal_data
from server.people import consent, links
from server.people.tokens import feed_token
from server.surveys.services import open_surveys_for_participant
from server.web.access import TOKEN
from server.web.rendering import redirect, render, wants_fragment
from server.web.security import SecretLinkHeaders

PAGE = "enrolment/my_page.html"


def feed_url(request: Request, page_token: str) -> str:
    """The personal feed link is derived from the page link, so the personal page can always show it."""
    return settings.base_url + request.app.route_reverse("token_calendar", token=f"{feed_token(page_token)}.ics")


class PersonalPageController(Controller):
    """Everything here answers only to a live personal link; anything else is the same plain 404."""

    path = "/my/{token:str}"
    opt = TOKEN
    middleware = [SecretLinkHeaders()]

    async def _owner(self, token: str) -> dict[str, Any]:
        found = await links.token_owner(token, "participant_page")
        if found is None or found["participant"] is None:
            raise NotFoundException()
        try:
            profile = await services.participant_profile(found["participant"])
        except NotFound:
            raise NotFoundException() from None
        set_locale(profile["preferred_locale"])  # the person's language, whatever the browser says
        return profile

    async def _context(self, request: Request, token: str, profile: dict[str, Any], **extra: Any) -> dict[str, Any]:
        await services.expire_offers()
        pid = profile["id"]
        return {
            "token": token,
            "person": profile,
            "programs": await personal.personal_programs(pid),
            "sessions": await personal.personal_sessions(pid),
            "consent_states": (await services.consent_states([pid]))[pid],
            "consents": consent.choices(),
            "feed_url": feed_url(request, token),
            "surveys": await open_surveys_for_participant(pid, token),
            "plan_goals": await personal_plan(pid),
            "referrals": await open_referrals_for_person(pid),
            "error": extra.pop("error", ""),
            "rsvp_error": extra.pop("rsvp_error", ""),
            "rsvp_session": extra.pop("rsvp_session", None),
            **extra,
        }

    def _page(self, request: Request, context: dict[str, Any], status_code: int = 200) -> Any:
        return render(request, PAGE, context, status_code=status_code)

    @get("/", name="personal_page")
    async def page(self, request: Request, token: FromPath[str]) -> Any:
        profile = await self._owner(token)
        return self._page(request, await self._context(request, token, profile))

    @post("/rsvp/{session_id:int}", name="personal_rsvp")
    async def rsvp(self, request: Request, token: FromPath[str], session_id: FromPath[int]) -> Any:
        profile = await self._owner(token)
        form = forms.RsvpForm(await request.form())
        error = ""
        if form.is_valid():
            try:
                await personal.answer_rsvp(profile["id"], session_id, form["response"])
            except NotFound:
                raise NotFoundException() from None
            except DomainError as refusal:
                error = refusal.translated()
        else:
            error = form.errors.get("response", "")
        if not wants_fragment(request) and not error:
            url = request.app.route_reverse("personal_page", token=token) + f"#session-{session_id}"
            return redirect(request, url, _("Thank you, your answer was saved."))
        context = await self._context(request, token, profile, rsvp_error=error, rsvp_session=session_id)
        found = [s for s in context["sessions"] if s["id"] == session_id]
        if not found:
            raise NotFoundException()
        context["s"] = found[0]
        return render(request, PAGE, context, block="session_item", status_code=400 if error else 200)

    @post("/consents/{purpose:str}/withdraw", name="personal_consent_withdraw")
    async def withdraw_consent(self, request: Request, token: FromPath[str], purpose: FromPath[str]) -> Any:
        profile = await self._owner(token)
        if purpose not in consent.PURPOSES:
            raise NotFoundException()
        form = forms.ConfirmForm(await request.form())
        if not form.is_valid():
            context = await self._context(
                request, token, profile, error=_("Please confirm by pressing the button in the box.")
            )
            return self._page(request, context, status_code=400)
        left = await personal.withdraw_own_consent(profile["id"], purpose)
        message = _("Your consent was withdrawn.")
        if left:
            message += " " + _("You have also left your programs.")
        return redirect(request, request.app.route_reverse("personal_page", token=token), message)

    @post("/programs/{program_id:int}/leave", name="personal_leave")
    async def leave(self, request: Request, token: FromPath[str], program_id: FromPath[int]) -> Any:
        profile = await self._owner(token)
        form = forms.ConfirmForm(await request.form())
        if not form.is_valid():
            context = await self._context(
                request, token, profile, error=_("Please confirm by pressing the button in the box.")
            )
            return self._page(request, context, status_code=400)
        try:
            await personal.leave_program(profile["id"], program_id, form["reason"])
        except NotFound:
            raise NotFoundException() from None
        except DomainError as refusal:
            return await self._refused(request, token, profile, refusal)
        return redirect(
            request, request.app.route_reverse("personal_page", token=token), _("You have left the program.")
        )

    @post("/programs/{program_id:int}/confirm", name="personal_confirm")
    async def confirm(self, request: Request, token: FromPath[str], program_id: FromPath[int]) -> Any:
        profile = await self._owner(token)
        try:
            await personal.confirm_own_offer(profile["id"], program_id)
        except NotFound:
            raise NotFoundException() from None
        except DomainError as refusal:
            return await self._refused(request, token, profile, refusal)
        return redirect(
            request, request.app.route_reverse("personal_page", token=token), _("Your place is confirmed. Welcome!")
        )

    async def _refused(self, request: Request, token: str, profile: dict[str, Any], refusal: DomainError) -> Any:
        """The page again with a rule's refusal at the top, answered with its status (409 for a conflict)."""
        context = await self._context(request, token, profile, error=refusal.translated())
        return self._page(request, context, status_code=refusal.status)

    @post("/language", name="personal_language")
    async def language(self, request: Request, token: FromPath[str]) -> Any:
        profile = await self._owner(token)
        form = forms.LanguageForm(await request.form())
        if form.is_valid():
            await personal.set_own_language(profile["id"], form["locale"])
            set_locale(form["locale"])
        return redirect(request, request.app.route_reverse("personal_page", token=token))

    @get("/data.json", name="personal_data_json")
    async def data_json(self, request: Request, token: FromPath[str]) -> Response:
        profile = await self._owner(token)
        data = await personal_data.download(profile["id"])
        await audit.record_audit(None, "view", "participant", profile["id"], N_("person downloaded their own data"))
        return Response(
            content=json.dumps(data, ensure_ascii=False, indent=2),
            media_type=MediaType.JSON,
            headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
        )

    @get("/data.csv", name="personal_data_csv")
    async def data_csv(self, request: Request, token: FromPath[str]) -> Response:
        profile = await self._owner(token)
        content = await personal_data.download_csv(profile["id"])
        await audit.record_audit(None, "view", "participant", profile["id"], N_("person downloaded their own data"))
        return Response(
            content=content,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="my-data.csv"'},
        )


ROUTES: list = [PersonalPageController]
