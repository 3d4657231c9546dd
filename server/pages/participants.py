"""Staff pages about one participant and the participant list: they compose the registry, consent, links,
enrolments and the erasure over every feature."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath

from server.config import settings
from server.enrolment import notify
from server.enrolment.forms import LinkSendForm
from server.enrolment.participant_access import (
    count_participants,
    list_participants,
    participant_enrolments,
    participant_for_staff,
)
from server.errors import DomainError
from server.i18n import gettext as _
from server.messages.history import participant_messages
from server.pages.personal_data import erase_participant
from server.people import consent, links, participants
from server.people.chat import chat_link
from server.people.participant_forms import ConsentForm, EraseForm, ParticipantForm
from server.web.access import ADMIN, STAFF
from server.web.pagination import PageRequest, paginate
from server.web.rendering import redirect, render

PARTICIPANT_PAGE_SIZE = 50
# The list pages through the first thousand people by name (twenty pages); past them a search finds a person, and
# counting stops there too, so the list costs the same in an organisation of 5,000 people or 50,000.
PARTICIPANTS_LISTED = 1000


def _not_allowed(request: Request) -> Any:
    context = {"status_code": 403, "title": _("Not allowed"), "text": _("You do not have permission to do this.")}
    return render(request, "errors/error.html", context, status_code=403)


class ParticipantPages(Controller):
    path = "/participants"
    opt = STAFF

    @get("/", name="participant_list")
    async def participant_list(self, request: Request) -> Any:
        search = (request.query_params.get("q") or "")[:100]
        staff = request.user
        found = await count_participants(staff, search=search, up_to=PARTICIPANTS_LISTED + 1)

        async def listed() -> int:
            return min(found, PARTICIPANTS_LISTED)

        page = await paginate(
            PageRequest.of(request, PARTICIPANT_PAGE_SIZE),
            count=listed,
            fetch=lambda limit, offset: list_participants(staff, search=search, limit=limit, offset=offset),
        )
        consents = await consent.active_consents([p["id"] for p in page])
        context = {
            "participants": page.items,
            "page": page,
            "consents": consents,
            "q": search,
            "more_than": PARTICIPANTS_LISTED if found > PARTICIPANTS_LISTED else None,
        }
        return render(request, "people/participant_list.html", context, block="results")

    async def _detail_context(self, request: Request, participant_id: int, **extra: Any) -> dict[str, Any]:
        participant = await participant_for_staff(request.user, participant_id)
        has_link = participant["confidential"] and participant_id in await links.live_personal_links([participant_id])
        active = (await consent.active_consents([participant_id]))[participant_id]
        personal_link = extra.pop("personal_link", None)
        chat = chat_link(
            participant,
            may_see_contact=participant["confidential"],
            consents_to_contact="contact" in active,
            personal_link=personal_link or "",
        )
        # What was sent to the person says how they are reached: shown only to who may see their contact details.
        messages, message_total = await participant_messages(participant_id) if participant["confidential"] else ([], 0)
        return {
            "participant": participant,
            "history": await consent.consent_history(participant_id),
            "active": active,
            "consents": consent.choices(),
            "enrolments": await participant_enrolments(request.user, participant_id),
            "has_link": has_link,
            "may_send_link": participant["confidential"] and bool(await notify.may_send_link([participant_id])),
            "personal_link": personal_link,
            "chat": chat,
            "message_history": messages,
            "message_total": message_total,
            "erase_form": extra.pop("erase_form", None) or EraseForm(),
            **extra,
        }

    def _detail_url(self, request: Request, participant_id: int) -> str:
        return request.app.route_reverse("participant_detail", participant_id=participant_id)

    @get("/{participant_id:int}", name="participant_detail")
    async def participant_detail(self, request: Request, participant_id: FromPath[int]) -> Any:
        return render(request, "people/participant_detail.html", await self._detail_context(request, participant_id))

    @get("/{participant_id:int}/edit", name="participant_edit")
    async def participant_edit(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await participant_for_staff(request.user, participant_id)
        if not participant["confidential"] or participant["anonymised_at"]:
            return _not_allowed(request)
        context = {"participant": participant, "form": ParticipantForm(initial=participant)}
        return render(request, "people/participant_edit.html", context)

    @post("/{participant_id:int}/edit", name="participant_update")
    async def participant_update(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await participant_for_staff(request.user, participant_id)
        if not participant["confidential"]:
            return _not_allowed(request)
        form = ParticipantForm(await request.form())
        if form.is_valid():
            try:
                await participants.update_participant(request.user, participant_id, dict(form.cleaned))
                return redirect(request, self._detail_url(request, participant_id), _("Changes saved."))
            except DomainError as refusal:
                form.refuse(refusal, None if refusal.field in form.fields else "display_name")
        context = {"participant": participant, "form": form}
        return render(
            request, "people/participant_edit.html", context, block="participant_form", status_code=form.status_code
        )

    @post("/{participant_id:int}/consent", name="participant_consent")
    async def change_consent(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await participant_for_staff(request.user, participant_id)
        form = ConsentForm(await request.form())
        if not participant["confidential"] or participant["anonymised_at"] or not form.is_valid():
            context = await self._detail_context(request, participant_id)
            return render(request, "people/participant_detail.html", context, status_code=400)
        if form["action"] == "withdraw" and form["purpose"] == "contact" and not form["confirm"]:
            return render(request, "people/consent_withdraw_confirm.html", {"participant": participant})
        if form["action"] == "give":
            await consent.record_consent(participant_id, form["purpose"], actor=request.user)
            message = _("Consent recorded.")
        else:
            await consent.withdraw_consent(participant_id, form["purpose"], actor=request.user)
            message = _("Consent withdrawn.")
            if form["purpose"] == "contact":
                message += " " + _("The phone number and e-mail address were removed.")
        return redirect(request, self._detail_url(request, participant_id), message)

    @post("/{participant_id:int}/link", name="participant_link")
    async def reissue_link(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await participant_for_staff(request.user, participant_id)
        if not participant["confidential"] or participant["anonymised_at"]:
            context = await self._detail_context(request, participant_id)
            return render(request, "people/participant_detail.html", context, status_code=400)
        # Only a hash is stored: the new link is shown in this answer, once (a redirect's flash message would
        # keep it in the session store).
        form = LinkSendForm(await request.form())
        send = form.is_valid() and form["send"]
        token, sent = await notify.reissue_personal_link(request.user, participant_id, send=send)
        link = settings.base_url + request.app.route_reverse("personal_page", token=token)
        context = await self._detail_context(request, participant_id, personal_link=link, link_sent=sent)
        response = render(request, "people/participant_detail.html", context)
        response.headers["Cache-Control"] = "no-store"
        return response

    @post("/{participant_id:int}/erase", name="participant_erase", opt=ADMIN)
    async def erase(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await participant_for_staff(request.user, participant_id)
        form = EraseForm(await request.form())
        if form.is_valid() and form["confirm_name"] == participant["display_name"]:
            await erase_participant(request.user, participant_id)
            message = _("The person's identity and contact details were erased.")
            return redirect(request, self._detail_url(request, participant_id), message)
        if form.is_valid():
            form.add_error("confirm_name", _("Type the display name exactly as shown to confirm."))
        context = await self._detail_context(request, participant_id, erase_form=form)
        return render(request, "people/participant_detail.html", context, block="erase_form", status_code=400)


ROUTES = [ParticipantPages]
