"""Public pages of enrolment: registering for a program from its public page, and the confirmation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath

from server import clock
from server.config import settings
from server.enrolment import forms, notify, registration, waitlist
from server.enrolment.personal import personal_enrolment
from server.errors import DomainError
from server.i18n import get_locale
from server.people import consent
from server.programs import services as programs
from server.web.access import PUBLIC
from server.web.rendering import render
from server.web.security import SecretLinkHeaders


def consent_texts() -> list[dict[str, str]]:
    return [{"purpose": p, "title": consent.title(p), "text": consent.text(p)} for p in consent.AT_REGISTRATION]


def personal_url(request: Request, token: str) -> str:
    """The whole address of a personal page, to copy into a message."""
    return settings.base_url + request.app.route_reverse("personal_page", token=token)


SESSION_KEY = "registrations"
# A resubmission from the same browser within this time gets the same confirmation again.
RESUBMIT_WINDOW = timedelta(hours=1)


class RegistrationController(Controller):
    """Registration from the public program page; only the public view of the program reaches the templates."""

    path = "/programs/{slug:str}/register"
    opt = PUBLIC
    middleware = [SecretLinkHeaders()]

    def _closed(self, request: Request, program: dict[str, Any]) -> Any:
        return render(request, "enrolment/register_closed.html", {"program": program}, status_code=409)

    async def _form_context(self, program: dict[str, Any], form: forms.Form) -> dict[str, Any]:
        return {
            "program": program,
            "form": form,
            "consents": consent_texts(),
            "places_left": await waitlist.places_left(program),
        }

    @get("/", name="register")
    async def register_page(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.public_program(slug)
        if not registration.registration_open(program):
            return self._closed(request, program)
        form = forms.SelfRegistrationForm(initial={"preferred_locale": get_locale()})
        return render(request, "enrolment/register.html", await self._form_context(program, form))

    @post("/", name="register_submit")
    async def register_submit(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.public_program(slug)
        if not registration.registration_open(program):
            return self._closed(request, program)
        form = forms.SelfRegistrationForm(await request.form())
        if not form.is_valid():
            return render(
                request,
                "enrolment/register.html",
                await self._form_context(program, form),
                block="registration_form",
                status_code=400,
            )
        values = {key: form[key] for key in ("display_name", "phone", "email", "preferred_locale")}
        remembered = _remembered(request, program["id"], values)
        if remembered is not None:
            # The same browser sent the same details a moment ago (a back button, a lost page): the link shown
            # then cannot be shown again (only its hash is kept), so this browser gets a new one instead. The
            # link in the confirmation message stopped working with it: the new one is sent the same way.
            token, _sent = await notify.reissue_personal_link(None, remembered, send=True)
            return await self._confirmation(request, program, remembered, token)
        try:
            done = await registration.self_register(program["id"], values, forms.consented(form))
        except DomainError as refusal:
            if refusal.code in ("registration_closed", "program_closed"):
                return self._closed(request, program)
            form.refuse(refusal, None if refusal.field in form.fields else "display_name")
            return render(
                request,
                "enrolment/register.html",
                await self._form_context(program, form),
                block="registration_form",
                status_code=400,
            )
        if done.duplicate:
            # Someone already on the list with this phone or e-mail. Their personal link is not shown: knowing
            # a phone number must not open another person's page.
            return render(request, "enrolment/register_done.html", {"program": program, "already": True})
        _remember(request, program["id"], done.participant_id, values)
        return await self._confirmation(request, program, done.participant_id, done.personal_token)

    async def _confirmation(
        self, request: Request, program: dict[str, Any], participant_id: int, token: str | None
    ) -> Any:
        row = await personal_enrolment(participant_id, program["id"])
        context = {
            "program": program,
            "already": False,
            "status": row["status"],
            "position": await waitlist.waitlist_position(row),
            "personal_link": personal_url(request, token) if token else None,
        }
        return render(request, "enrolment/register_done.html", context)


def _fingerprint(values: dict[str, Any]) -> str:
    return "|".join(str(values.get(key) or "").strip().lower() for key in ("display_name", "phone", "email"))


def _remembered(request: Request, program_id: int, values: dict[str, Any]) -> int | None:
    """The participant this browser registered for this program a moment ago with the very same details."""
    session = request.scope.get("session")
    if not isinstance(session, dict):
        return None
    entry = (session.get(SESSION_KEY) or {}).get(str(program_id))
    if not isinstance(entry, dict) or entry.get("details") != _fingerprint(values):
        return None
    try:
        when = datetime.fromisoformat(entry["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if clock.now() - when > RESUBMIT_WINDOW:
        return None
    return entry.get("participant")


def _remember(request: Request, program_id: int, participant_id: int, values: dict[str, Any]) -> None:
    session = request.scope.get("session")
    if not isinstance(session, dict):
        return
    entries = dict(session.get(SESSION_KEY) or {})
    entries[str(program_id)] = {
        "participant": participant_id,
        "details": _fingerprint(values),
        "at": clock.now().isoformat(),
    }
    session[SESSION_KEY] = entries


ROUTES: list = [RegistrationController]
