"""Enrolment pages: a program's participants tab, self-registration, and the participant's personal page."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from server import audit, clock, personal_data
from server.config import settings
from server.enrolment import forms
from server.enrolment import services as enrolment
from server.enrolment.participant_access import can_see_participant
from server.errors import DomainError, NotFound
from server.i18n import get_locale, set_locale
from server.i18n import gettext as _
from server.people import consent
from server.people.consent import active_consents, record_consent
from server.people.links import live_personal_links, reissue_personal_links, revoke_personal_links, token_owner
from server.people.participants import possible_duplicates
from server.people.tokens import feed_token
from server.programs import services as programs
from server.surveys.services import open_surveys_for_participant
from server.web.access import PUBLIC, STAFF, TOKEN
from server.web.rendering import redirect, render
from server.web.security import SecretLinkHeaders


def _feed_url(page_token: str) -> str:
    """The personal feed link is derived from the page link, so the personal page can always show it."""
    return f"{settings.base_url}/feeds/{feed_token(page_token)}.ics"


def _consent_texts() -> list[dict[str, str]]:
    return [{"purpose": p, "title": consent.title(p), "text": consent.text(p)} for p in consent.PURPOSES]


def _personal_url(token: str) -> str:
    return f"{settings.base_url}/my/{token}"


# --- staff: a program's participants tab -----------------------------------------------------------

class ProgramParticipantsController(Controller):
    """The participants tab; the program comes through program_for_staff, so another team's program is a 403."""

    path = "/manage/programs/{slug:str}/participants"
    opt = STAFF

    async def _context(self, request: Request, program: dict[str, Any], **extra: Any) -> dict[str, Any]:
        await enrolment.expire_offers()
        groups = await enrolment.program_participants(program["id"])
        confidential = await enrolment.sees_confidential(request.user, program["id"])
        ids = [row["participant"] for rows in groups.values() for row in rows]
        links = await live_personal_links(ids) if confidential else set()
        search = extra.pop("q", None)
        if search is None:
            search = (request.query_params.get("q") or "")[:100]
        return {
            "program": program,
            "tab": "participants",
            "groups": groups,
            "order": enrolment.LIST_ORDER,
            "confidential": confidential,
            "links": links,
            "new_link": extra.pop("new_link", None),
            "places_left": await enrolment.places_left(program),
            "offer_hours": enrolment.offer_hours(program),
            "q": search,
            "candidates": await enrolment.enrolment_candidates(request.user, program["id"], search) if search else [],
            "consents": _consent_texts(),
            "new_form": extra.pop("new_form", None) or forms.NewParticipantForm(initial={"preferred_locale": "id"}),
            "duplicates": extra.pop("duplicates", []),
            "enrol_error": extra.pop("enrol_error", ""),
            "row_errors": extra.pop("row_errors", {}),
            "purposes": consent.PURPOSES,
            **extra,
        }

    def _here(self, slug: str) -> str:
        return f"/manage/programs/{slug}/participants"

    @get("/", name="program_participants")
    async def participants(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        return render(request, "enrolment/participants.html", await self._context(request, program), block="candidates")

    @post("/enrol", name="enrol_existing")
    async def enrol_existing(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        data = await request.form()
        form = forms.EnrolExistingForm(data)
        error = ""
        if not form.is_valid() or not await can_see_participant(request.user, form["participant_id"]):
            error = _("Choose a person from the search results.")
        else:
            participant_id = form["participant_id"]
            try:
                programs.ensure_open(program)
                active = (await active_consents([participant_id]))[participant_id]
                for purpose in forms.consented(form):
                    if purpose not in active:
                        await record_consent(participant_id, purpose, actor=request.user)
                row = await enrolment.enrol(request.user, program["id"], participant_id)
                return redirect(request, self._here(slug), _status_message(row["status"]))
            except DomainError as refusal:
                error = refusal.translated()
        context = await self._context(request, program, enrol_error=error, q=(data.get("q") or "")[:100])
        return render(request, "enrolment/participants.html", context, status_code=400)

    @post("/new", name="enrol_new")
    async def enrol_new(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.NewParticipantForm(await request.form())
        duplicates: list[dict[str, Any]] = []
        if form.is_valid():
            duplicates = await possible_duplicates(form["display_name"], form["phone"], form["email"], form["legal_name"])
            if duplicates and not form["confirm_not_duplicate"]:
                form.add_error("display_name", _("This person may already be registered. Enrol the existing record, or confirm that this is someone else."))
            else:
                values = {key: form[key] for key in ("display_name", "legal_name", "phone", "email", "preferred_locale")}
                try:
                    row = await enrolment.register_participant(request.user, program["id"], values, forms.consented(form))
                    return redirect(request, self._here(slug), _status_message(row["status"]))
                except DomainError as refusal:
                    form.add_error(refusal.field if refusal.field in form.fields else "display_name", refusal.translated())
        context = await self._context(request, program, new_form=form, duplicates=duplicates)
        return render(request, "enrolment/participants.html", context, block="new_form", status_code=400)

    async def _act(self, request: Request, slug: str, enrolment_id: int, action: str) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        try:
            if action == "approve":
                row = await enrolment.approve(request.user, program["id"], enrolment_id)
                message = _status_message(row["status"])
            elif action == "complete":
                await enrolment.complete(request.user, program["id"], enrolment_id)
                message = _("Marked as completed.")
            else:
                await enrolment.confirm_offer(request.user, program["id"], enrolment_id)
                message = _("Place confirmed.")
            return redirect(request, self._here(slug), message)
        except DomainError as refusal:
            if isinstance(refusal, NotFound):
                raise
            context = await self._context(request, program, row_errors={enrolment_id: refusal.translated()})
            return render(request, "enrolment/participants.html", context, status_code=400)

    @post("/{enrolment_id:int}/approve", name="enrolment_approve")
    async def approve(self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]) -> Any:
        return await self._act(request, slug, enrolment_id, "approve")

    @post("/{enrolment_id:int}/complete", name="enrolment_complete")
    async def complete(self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]) -> Any:
        return await self._act(request, slug, enrolment_id, "complete")

    @post("/{enrolment_id:int}/confirm", name="enrolment_confirm")
    async def confirm(self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]) -> Any:
        return await self._act(request, slug, enrolment_id, "confirm")

    @post("/{enrolment_id:int}/withdraw", name="enrolment_withdraw")
    async def withdraw(self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        form = forms.WithdrawForm(await request.form())
        if form.is_valid():
            try:
                await enrolment.withdraw(request.user, program["id"], enrolment_id, form["reason"])
                return redirect(request, self._here(slug), _("Withdrawn from the program."))
            except NotFound:
                raise
            except DomainError as refusal:
                form.add_error("reason", refusal.translated())
        context = await self._context(request, program, row_errors={enrolment_id: form.errors.get("reason", "")})
        return render(request, "enrolment/participants.html", context, status_code=400)

    @post("/{enrolment_id:int}/link", name="enrolment_link")
    async def personal_link(self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]) -> Any:
        program = await programs.program_for_staff(request.user, slug)
        row = await enrolment.get_enrolment(enrolment_id)
        if row["program"] != program["id"]:
            raise NotFound("enrolment")
        form = forms.LinkForm(await request.form())
        if not await enrolment.sees_confidential(request.user, program["id"]) or not form.is_valid():
            context = await self._context(request, program, row_errors={enrolment_id: _("You do not have permission to do this.")})
            return render(request, "enrolment/participants.html", context, status_code=403 if form.is_valid() else 400)
        if form["action"] == "reissue":
            # Only a hash is stored: the new link is shown in this answer, once, and not through a redirect
            # (a flash message would keep it in the session store).
            token = await reissue_personal_links(request.user, row["participant"])
            new_link = {"enrolment": enrolment_id, "url": _personal_url(token)}
            response = render(request, "enrolment/participants.html", await self._context(request, program, new_link=new_link))
            response.headers["Cache-Control"] = "no-store"
            return response
        await revoke_personal_links(request.user, row["participant"])
        return redirect(request, self._here(slug), _("The personal link and its calendar feed no longer work."))


def _status_message(status: str) -> str:
    if status == "enrolled":
        return _("Enrolled.")
    if status == "waitlisted":
        return _("The program is full: added to the waiting list.")
    if status == "requested":
        return _("Request recorded.")
    return _("Saved.")


# --- public: self-registration -------------------------------------------------------------------

SESSION_KEY = "registrations"
# A resubmission from the same browser within this time gets the same confirmation again.
RESUBMIT_WINDOW = timedelta(hours=1)


def _registration_open(program: dict[str, Any]) -> bool:
    return program["enrolment_mode"] in ("open", "approval") and program["phase"] != "closed"


class RegistrationController(Controller):
    """Registration from the public program page; only the public view of the program reaches the templates."""

    path = "/programs/{slug:str}/register"
    opt = PUBLIC
    middleware = [SecretLinkHeaders()]

    def _closed(self, request: Request, program: dict[str, Any]) -> Any:
        return render(request, "enrolment/register_closed.html", {"program": program}, status_code=409)

    async def _form_context(self, program: dict[str, Any], form: forms.Form) -> dict[str, Any]:
        return {"program": program, "form": form, "consents": _consent_texts(), "places_left": await enrolment.places_left(program)}

    @get("/", name="register")
    async def register_page(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.public_program(slug)
        if not _registration_open(program):
            return self._closed(request, program)
        form = forms.SelfRegistrationForm(initial={"preferred_locale": get_locale()})
        return render(request, "enrolment/register.html", await self._form_context(program, form))

    @post("/", name="register_submit")
    async def register_submit(self, request: Request, slug: FromPath[str]) -> Any:
        program = await programs.public_program(slug)
        if not _registration_open(program):
            return self._closed(request, program)
        form = forms.SelfRegistrationForm(await request.form())
        if not form.is_valid():
            return render(request, "enrolment/register.html", await self._form_context(program, form), block="registration_form", status_code=400)
        values = {key: form[key] for key in ("display_name", "phone", "email", "preferred_locale")}
        remembered = _remembered(request, program["id"], values)
        if remembered is not None:
            # The same browser sent the same details a moment ago (a back button, a lost page): the link shown
            # then cannot be shown again (only its hash is kept), so this browser gets a new one instead.
            token = await reissue_personal_links(None, remembered)
            return await self._confirmation(request, program, remembered, token)
        try:
            registration = await enrolment.self_register(program["id"], values, forms.consented(form))
        except DomainError as refusal:
            if refusal.code in ("registration_closed", "program_closed"):
                return self._closed(request, program)
            form.add_error(refusal.field if refusal.field in form.fields else "display_name", refusal.translated())
            return render(request, "enrolment/register.html", await self._form_context(program, form), block="registration_form", status_code=400)
        if registration.duplicate:
            # Someone already on the list with this phone or e-mail. Their personal link is not shown: knowing
            # a phone number must not open another person's page.
            return render(request, "enrolment/register_done.html", {"program": program, "already": True})
        _remember(request, program["id"], registration.participant_id, values)
        return await self._confirmation(request, program, registration.participant_id, registration.personal_token)

    async def _confirmation(self, request: Request, program: dict[str, Any], participant_id: int, token: str | None) -> Any:
        row = await enrolment.personal_enrolment(participant_id, program["id"])
        context = {
            "program": program,
            "already": False,
            "status": row["status"],
            "position": await enrolment.waitlist_position(row),
            "personal_link": _personal_url(token) if token else None,
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
    entries[str(program_id)] = {"participant": participant_id, "details": _fingerprint(values), "at": clock.now().isoformat()}
    session[SESSION_KEY] = entries


# --- the participant's personal page -------------------------------------------------------------

class PersonalPageController(Controller):
    """Everything here answers only to a live personal link; anything else is the same plain 404."""

    path = "/my/{token:str}"
    opt = TOKEN
    middleware = [SecretLinkHeaders()]

    async def _owner(self, token: str) -> dict[str, Any]:
        found = await token_owner(token, "participant_page")
        if found is None or found["participant"] is None:
            raise NotFoundException()
        try:
            profile = await enrolment.participant_profile(found["participant"])
        except NotFound:
            raise NotFoundException() from None
        set_locale(profile["preferred_locale"])  # the person's language, whatever the browser says
        return profile

    async def _context(self, token: str, profile: dict[str, Any], **extra: Any) -> dict[str, Any]:
        await enrolment.expire_offers()
        pid = profile["id"]
        return {
            "token": token,
            "base": f"/my/{token}",
            "person": profile,
            "programs": await enrolment.personal_programs(pid),
            "sessions": await enrolment.personal_sessions(pid),
            "consent_states": (await enrolment.consent_states([pid]))[pid],
            "consents": _consent_texts(),
            "feed_url": _feed_url(token),
            "surveys": await open_surveys_for_participant(pid, token),
            "error": extra.pop("error", ""),
            "rsvp_error": extra.pop("rsvp_error", ""),
            "rsvp_session": extra.pop("rsvp_session", None),
            **extra,
        }

    def _page(self, request: Request, context: dict[str, Any], status_code: int = 200) -> Any:
        return render(request, "enrolment/my_page.html", context, status_code=status_code)

    @get("/", name="personal_page")
    async def page(self, request: Request, token: FromPath[str]) -> Any:
        profile = await self._owner(token)
        return self._page(request, await self._context(token, profile))

    @post("/rsvp/{session_id:int}", name="personal_rsvp")
    async def rsvp(self, request: Request, token: FromPath[str], session_id: FromPath[int]) -> Any:
        profile = await self._owner(token)
        form = forms.RsvpForm(await request.form())
        error = ""
        if form.is_valid():
            try:
                await enrolment.answer_rsvp(profile["id"], session_id, form["response"])
            except NotFound:
                raise NotFoundException() from None
            except DomainError as refusal:
                error = refusal.translated()
        else:
            error = form.errors.get("response", "")
        if not request.htmx and not error:
            return redirect(request, f"/my/{token}#session-{session_id}", _("Thank you, your answer was saved."))
        context = await self._context(token, profile, rsvp_error=error, rsvp_session=session_id)
        found = [s for s in context["sessions"] if s["id"] == session_id]
        if not found:
            raise NotFoundException()
        context["s"] = found[0]
        return render(request, "enrolment/my_page.html", context, block="session_item", status_code=400 if error else 200)

    @post("/consents/{purpose:str}/withdraw", name="personal_consent_withdraw")
    async def withdraw_consent(self, request: Request, token: FromPath[str], purpose: FromPath[str]) -> Any:
        profile = await self._owner(token)
        if purpose not in consent.PURPOSES:
            raise NotFoundException()
        form = forms.ConfirmForm(await request.form())
        if not form.is_valid():
            context = await self._context(token, profile, error=_("Please confirm by pressing the button in the box."))
            return self._page(request, context, status_code=400)
        left = await enrolment.withdraw_own_consent(profile["id"], purpose)
        message = _("Your consent was withdrawn.")
        if left:
            message += " " + _("You have also left your programs.")
        return redirect(request, f"/my/{token}", message)

    @post("/programs/{program_id:int}/leave", name="personal_leave")
    async def leave(self, request: Request, token: FromPath[str], program_id: FromPath[int]) -> Any:
        profile = await self._owner(token)
        form = forms.ConfirmForm(await request.form())
        if not form.is_valid():
            context = await self._context(token, profile, error=_("Please confirm by pressing the button in the box."))
            return self._page(request, context, status_code=400)
        try:
            await enrolment.leave_program(profile["id"], program_id, form["reason"])
        except NotFound:
            raise NotFoundException() from None
        except DomainError as refusal:
            return self._page(request, await self._context(token, profile, error=refusal.translated()), status_code=409)
        return redirect(request, f"/my/{token}", _("You have left the program."))

    @post("/programs/{program_id:int}/confirm", name="personal_confirm")
    async def confirm(self, request: Request, token: FromPath[str], program_id: FromPath[int]) -> Any:
        profile = await self._owner(token)
        try:
            await enrolment.confirm_own_offer(profile["id"], program_id)
        except NotFound:
            raise NotFoundException() from None
        except DomainError as refusal:
            return self._page(request, await self._context(token, profile, error=refusal.translated()), status_code=409)
        return redirect(request, f"/my/{token}", _("Your place is confirmed. Welcome!"))

    @post("/language", name="personal_language")
    async def language(self, request: Request, token: FromPath[str]) -> Any:
        profile = await self._owner(token)
        form = forms.LanguageForm(await request.form())
        if form.is_valid():
            await enrolment.set_own_language(profile["id"], form["locale"])
            set_locale(form["locale"])
        return redirect(request, f"/my/{token}")

    @get("/data.json", name="personal_data_json")
    async def data_json(self, request: Request, token: FromPath[str]) -> Response:
        profile = await self._owner(token)
        # Every feature's declaration is loaded by server/pages/personal_data.py, which the app imports.
        data = await personal_data.export(profile["id"])
        await audit.record_audit(None, "view", "participant", profile["id"], "person downloaded their own data")
        return Response(
            content=json.dumps(data, ensure_ascii=False, indent=2),
            media_type=MediaType.JSON,
            headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
        )

    @get("/data.csv", name="personal_data_csv")
    async def data_csv(self, request: Request, token: FromPath[str]) -> Response:
        profile = await self._owner(token)
        content = personal_data.export_csv(await personal_data.export(profile["id"]))
        await audit.record_audit(None, "view", "participant", profile["id"], "person downloaded their own data")
        return Response(
            content=content,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="my-data.csv"'},
        )


ROUTES: list = [ProgramParticipantsController, RegistrationController, PersonalPageController]
