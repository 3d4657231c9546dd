"""The optional "about you" answers (gender, year of birth, disability, area): the staff form of a participant
and the person's own form behind their personal link. Both ask and keep the answers only under consent to data
collection (server/people/profile.py decides)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from server.enrolment import services
from server.enrolment.participant_access import participant_for_staff
from server.errors import DomainError, NotFound
from server.i18n import gettext as _
from server.i18n import set_locale
from server.people import links, profile
from server.people.profile_forms import AboutForm
from server.web.access import STAFF, TOKEN
from server.web.labels import LABELS
from server.web.rendering import redirect, render
from server.web.security import SecretLinkHeaders


def _options() -> dict[str, Any]:
    return {
        "gender": LABELS.choices("gender"),
        "questions": LABELS.choices("wg_question"),
        "answers": LABELS.choices("wg_answer"),
    }


async def _save(form: AboutForm, participant_id: int, actor: Any) -> bool:
    """Saves a valid form; a refusal goes next to its field (or the form's top). Whether it was saved."""
    if not form.is_valid():
        return False
    try:
        await profile.save_about(participant_id, dict(form.cleaned), actor=actor)
    except DomainError as refusal:
        form.refuse(refusal)
        return False
    return True


class StaffAboutPages(Controller):
    """Staff who may see a person's confidential details (their program teams and admins) may record these."""

    path = "/participants/{participant_id:int}/about"
    opt = STAFF

    async def _participant(self, request: Request, participant_id: int) -> dict[str, Any]:
        participant = await participant_for_staff(request.user, participant_id)
        if not participant["confidential"] or participant["anonymised_at"]:
            raise NotFoundException()
        return participant

    async def _page(self, request: Request, participant: dict[str, Any], form: AboutForm, status: int = 200) -> Any:
        context = {
            "participant": participant,
            "form": form,
            "options": _options(),
            "may_collect": await profile.may_collect(participant["id"]),
        }
        return render(request, "people/about.html", context, status_code=status)

    @get("/", name="participant_about")
    async def show(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await self._participant(request, participant_id)
        return await self._page(request, participant, AboutForm(initial=await profile.about(participant_id)))

    @post("/", name="participant_about_save")
    async def save(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await self._participant(request, participant_id)
        form = AboutForm(await request.form())
        if await _save(form, participant_id, request.user):
            url = request.app.route_reverse("participant_detail", participant_id=participant_id)
            return redirect(request, url, _("Changes saved."))
        return await self._page(request, participant, form, form.status_code)


class PersonalAboutPages(Controller):
    """The person's own answers; anything but a live personal link is the same plain 404 as their page."""

    path = "/my/{token:str}/about"
    opt = TOKEN
    middleware = [SecretLinkHeaders()]

    async def _owner(self, token: str) -> dict[str, Any]:
        found = await links.token_owner(token, "participant_page")
        if found is None or found["participant"] is None:
            raise NotFoundException()
        try:
            person = await services.participant_profile(found["participant"])
        except NotFound:
            raise NotFoundException() from None
        set_locale(person["preferred_locale"])
        return person

    async def _page(self, request: Request, token: str, person: dict[str, Any], form: AboutForm, status: int = 200):
        context = {
            "token": token,
            "person": person,
            "form": form,
            "options": _options(),
            "may_collect": await profile.may_collect(person["id"]),
        }
        return render(request, "enrolment/about_you.html", context, status_code=status)

    @get("/", name="personal_about")
    async def show(self, request: Request, token: FromPath[str]) -> Any:
        person = await self._owner(token)
        return await self._page(request, token, person, AboutForm(initial=await profile.about(person["id"])))

    @post("/", name="personal_about_save")
    async def save(self, request: Request, token: FromPath[str]) -> Any:
        person = await self._owner(token)
        form = AboutForm(await request.form())
        if await _save(form, person["id"], None):
            url = request.app.route_reverse("personal_page", token=token)
            return redirect(request, url, _("Thank you, your answers were saved."))
        return await self._page(request, token, person, form, form.status_code)


ROUTES: list = [StaffAboutPages, PersonalAboutPages]
