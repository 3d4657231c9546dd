"""Staff pages of enrolment: a program's participants tab (a person's goals are in their case plan, server/cases).
The public registration pages are in registration_routes.py; the personal page is in server/pages/personal.py."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath

from server.enrolment import (
    forms,
    notify,
    participant_access,
    registration_routes,
    roster,
    services,
    waitlist,
)
from server.errors import DomainError, NotFound
from server.i18n import gettext as _
from server.people import consent, links, participants
from server.programs.dependencies import MANAGED_PROGRAM, ManagedProgram
from server.web.access import STAFF
from server.web.rendering import redirect, render

PARTICIPANTS_PAGE = "enrolment/participants.html"


def consent_texts() -> list[dict[str, str]]:
    return [{"purpose": p, "title": consent.title(p), "text": consent.text(p)} for p in consent.AT_REGISTRATION]


def status_message(status: str) -> str:
    if status == "enrolled":
        return _("Enrolled.")
    if status == "waitlisted":
        return _("The program is full: added to the waiting list.")
    if status == "requested":
        return _("Request recorded.")
    return _("Saved.")


# --- a program's participants tab ------------------------------------------------------------------


class ProgramParticipantsController(Controller):
    """The participants tab; the program comes from MANAGED_PROGRAM, so another team's program is a 403."""

    path = "/manage/programs/{slug:str}/participants"
    opt = STAFF
    dependencies = MANAGED_PROGRAM

    async def _context(self, request: Request, program: dict[str, Any], **extra: Any) -> dict[str, Any]:
        await services.expire_offers()
        groups = await roster.program_participants(program["id"])
        confidential = await roster.sees_confidential(request.user, program["id"])
        ids = [row["participant"] for rows in groups.values() for row in rows]
        live_links = await links.live_personal_links(ids) if confidential else set()
        reachable = await notify.may_send_link(ids) if confidential else set()
        search = extra.pop("q", None)
        if search is None:
            search = (request.query_params.get("q") or "")[:100]
        return {
            "program": program,
            "tab": "participants",
            "groups": groups,
            "order": waitlist.LIST_ORDER,
            "confidential": confidential,
            "links": live_links,
            "reachable": reachable,
            "new_link": extra.pop("new_link", None),
            "places_left": await waitlist.places_left(program),
            "offer_hours": waitlist.offer_hours(program),
            "q": search,
            "candidates": await roster.enrolment_candidates(request.user, program["id"], search) if search else [],
            "consents": consent_texts(),
            "new_form": extra.pop("new_form", None) or forms.NewParticipantForm(initial={"preferred_locale": "id"}),
            "duplicates": extra.pop("duplicates", []),
            "enrol_error": extra.pop("enrol_error", ""),
            "row_errors": extra.pop("row_errors", {}),
            "purposes": consent.AT_REGISTRATION,
            **extra,
        }

    def _here(self, request: Request, program: dict[str, Any]) -> str:
        return request.app.route_reverse("program_participants", slug=program["slug"])

    @get("/", name="program_participants")
    async def participants(self, request: Request, program: ManagedProgram) -> Any:
        return render(request, PARTICIPANTS_PAGE, await self._context(request, program), block="candidates")

    @post("/enrol", name="enrol_existing")
    async def enrol_existing(self, request: Request, program: ManagedProgram) -> Any:
        data = await request.form()
        form = forms.EnrolExistingForm(data)
        if not form.is_valid() or not await participant_access.can_see_participant(
            request.user, form["participant_id"]
        ):
            form.add_error("participant_id", _("Choose a person from the search results."))
        else:
            try:
                row = await services.enrol_existing(
                    request.user, program["id"], form["participant_id"], forms.consented(form)
                )
                return redirect(request, self._here(request, program), status_message(row["status"]))
            except DomainError as refusal:
                form.refuse(refusal, "participant_id")
        error = form.errors.get("participant_id") or next(iter(form.errors.values()))
        context = await self._context(request, program, enrol_error=error, q=(data.get("q") or "")[:100])
        return render(request, PARTICIPANTS_PAGE, context, status_code=form.status_code)

    @post("/new", name="enrol_new")
    async def enrol_new(self, request: Request, program: ManagedProgram) -> Any:
        form = forms.NewParticipantForm(await request.form())
        duplicates: list[dict[str, Any]] = []
        if form.is_valid():
            duplicates = await participants.possible_duplicates(
                form["display_name"], form["phone"], form["email"], form["legal_name"]
            )
            if duplicates and not form["confirm_not_duplicate"]:
                form.add_error(
                    "display_name",
                    _(
                        "This person may already be registered. Enrol the existing record, "
                        "or confirm that this is someone else."
                    ),
                )
            else:
                values = {
                    key: form[key] for key in ("display_name", "legal_name", "phone", "email", "preferred_locale")
                }
                try:
                    row = await services.register_participant(
                        request.user, program["id"], values, forms.consented(form)
                    )
                    return redirect(request, self._here(request, program), status_message(row["status"]))
                except DomainError as refusal:
                    form.refuse(refusal, None if refusal.field in form.fields else "display_name")
        context = await self._context(request, program, new_form=form, duplicates=duplicates)
        # Kept at 400 whatever the refusal: the form's block is what htmx swaps in.
        return render(request, PARTICIPANTS_PAGE, context, block="new_form", status_code=400)

    async def _act(self, request: Request, program: dict[str, Any], enrolment_id: int, action: str) -> Any:
        try:
            if action == "approve":
                row = await services.approve(request.user, program["id"], enrolment_id)
                message = status_message(row["status"])
            elif action == "complete":
                await services.complete(request.user, program["id"], enrolment_id)
                message = _("Marked as completed.")
            else:
                await services.confirm_offer(request.user, program["id"], enrolment_id)
                message = _("Place confirmed.")
            return redirect(request, self._here(request, program), message)
        except NotFound:
            raise
        except DomainError as refusal:
            context = await self._context(request, program, row_errors={enrolment_id: refusal.translated()})
            return render(request, PARTICIPANTS_PAGE, context, status_code=400)

    @post("/{enrolment_id:int}/approve", name="enrolment_approve")
    async def approve(self, request: Request, program: ManagedProgram, enrolment_id: FromPath[int]) -> Any:
        return await self._act(request, program, enrolment_id, "approve")

    @post("/{enrolment_id:int}/complete", name="enrolment_complete")
    async def complete(self, request: Request, program: ManagedProgram, enrolment_id: FromPath[int]) -> Any:
        return await self._act(request, program, enrolment_id, "complete")

    @post("/{enrolment_id:int}/confirm", name="enrolment_confirm")
    async def confirm(self, request: Request, program: ManagedProgram, enrolment_id: FromPath[int]) -> Any:
        return await self._act(request, program, enrolment_id, "confirm")

    @post("/{enrolment_id:int}/withdraw", name="enrolment_withdraw")
    async def withdraw(self, request: Request, program: ManagedProgram, enrolment_id: FromPath[int]) -> Any:
        form = forms.WithdrawForm(await request.form())
        if form.is_valid():
            try:
                await services.withdraw(request.user, program["id"], enrolment_id, form["reason"])
                return redirect(request, self._here(request, program), _("Withdrawn from the program."))
            except NotFound:
                raise
            except DomainError as refusal:
                form.refuse(refusal, "reason")
        context = await self._context(request, program, row_errors={enrolment_id: form.errors.get("reason", "")})
        return render(request, PARTICIPANTS_PAGE, context, status_code=400)

    @post("/{enrolment_id:int}/link", name="enrolment_link")
    async def personal_link(self, request: Request, program: ManagedProgram, enrolment_id: FromPath[int]) -> Any:
        row = await services.get_enrolment(enrolment_id)
        if row["program"] != program["id"]:
            raise NotFound("enrolment")
        form = forms.LinkForm(await request.form())
        if not await roster.sees_confidential(request.user, program["id"]) or not form.is_valid():
            context = await self._context(
                request, program, row_errors={enrolment_id: _("You do not have permission to do this.")}
            )
            return render(request, PARTICIPANTS_PAGE, context, status_code=403 if form.is_valid() else 400)
        if form["action"] == "reissue":
            # Only a hash is stored: the new link is shown in this answer, once, and not through a redirect
            # (a flash message would keep it in the session store).
            token, sent = await notify.reissue_personal_link(request.user, row["participant"], send=form["send"])
            url = registration_routes.personal_url(request, token)
            new_link = {"enrolment": enrolment_id, "url": url, "sent": sent}
            response = render(request, PARTICIPANTS_PAGE, await self._context(request, program, new_link=new_link))
            response.headers["Cache-Control"] = "no-store"
            return response
        await links.revoke_personal_links(request.user, row["participant"])
        return redirect(
            request, self._here(request, program), _("The personal link and its calendar feed no longer work.")
        )


ROUTES: list = [ProgramParticipantsController, *registration_routes.ROUTES]
