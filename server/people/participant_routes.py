"""Staff pages for participants: registry, consent, duplicates, secret links, erasure and the audit log."""
from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath

from server import audit
from server.config import settings
from server.enrolment import services as enrolment
from server.errors import DomainError
from server.i18n import gettext as _
from server.people import consent
from server.people import services as people
from server.people.participant_forms import AuditFilter, ConsentForm, EraseForm, ParticipantForm
from server.web.access import ADMIN, STAFF
from server.web.rendering import redirect, render


def _consent_choices() -> list[dict[str, str]]:
    return [{"purpose": p, "title": consent.title(p), "text": consent.text(p)} for p in consent.PURPOSES]


class ParticipantController(Controller):
    path = "/participants"
    opt = STAFF

    @get("/", name="participant_list")
    async def participant_list(self, request: Request) -> Any:
        search = (request.query_params.get("q") or "")[:100]
        found = await people.list_participants(request.user, search=search)
        consents = await people.active_consents([p["id"] for p in found])
        return render(request, "people/participant_list.html", {"participants": found, "consents": consents, "q": search}, block="results")

    @get("/new", name="participant_new")
    async def participant_new(self, request: Request) -> Any:
        form = ParticipantForm(initial={"preferred_locale": "id"})
        return render(request, "people/participant_new.html", {"form": form, "consents": _consent_choices(), "duplicates": []})

    @post("/new", name="participant_create")
    async def participant_create(self, request: Request) -> Any:
        form = ParticipantForm(await request.form())
        duplicates: list[dict[str, Any]] = []
        if form.is_valid():
            duplicates = await people.possible_duplicates(form["display_name"], form["phone"], form["email"], form["legal_name"])
            if duplicates and not form["confirm_not_duplicate"]:
                form.add_error("display_name", _("This person may already be registered. Open the existing record, or confirm that this is someone else."))
            else:
                consents = [purpose for purpose in consent.PURPOSES if form[f"consent_{purpose}"]]
                try:
                    participant_id = await people.create_participant(request.user, dict(form.cleaned), consents)
                    return redirect(request, f"/participants/{participant_id}", _("Participant registered."))
                except DomainError as refusal:
                    form.add_error(refusal.field if refusal.field in form.fields else "display_name", refusal.translated())
        context = {"form": form, "consents": _consent_choices(), "duplicates": duplicates}
        return render(request, "people/participant_new.html", context, block="participant_form", status_code=400)

    async def _detail_context(self, request: Request, participant_id: int, **extra: Any) -> dict[str, Any]:
        participant = await people.participant_for_staff(request.user, participant_id)
        has_link = participant["confidential"] and participant_id in await people.live_personal_links([participant_id])
        return {
            "participant": participant,
            "history": await people.consent_history(participant_id),
            "active": (await people.active_consents([participant_id]))[participant_id],
            "consents": _consent_choices(),
            "enrolments": await people.participant_enrolments(request.user, participant_id),
            "has_link": has_link,
            "personal_link": extra.pop("personal_link", None),
            "erase_form": extra.pop("erase_form", None) or EraseForm(),
            **extra,
        }

    @get("/{participant_id:int}", name="participant_detail")
    async def participant_detail(self, request: Request, participant_id: FromPath[int]) -> Any:
        return render(request, "people/participant_detail.html", await self._detail_context(request, participant_id))

    @get("/{participant_id:int}/edit", name="participant_edit")
    async def participant_edit(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await people.participant_for_staff(request.user, participant_id)
        if not participant["confidential"] or participant["anonymised_at"]:
            return render(request, "errors/error.html", {"status_code": 403, "title": _("Not allowed"), "text": _("You do not have permission to do this.")}, status_code=403)
        return render(request, "people/participant_edit.html", {"participant": participant, "form": ParticipantForm(initial=participant)})

    @post("/{participant_id:int}/edit", name="participant_update")
    async def participant_update(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await people.participant_for_staff(request.user, participant_id)
        if not participant["confidential"]:
            return render(request, "errors/error.html", {"status_code": 403, "title": _("Not allowed"), "text": _("You do not have permission to do this.")}, status_code=403)
        form = ParticipantForm(await request.form())
        if form.is_valid():
            try:
                await people.update_participant(request.user, participant_id, dict(form.cleaned))
                return redirect(request, f"/participants/{participant_id}", _("Changes saved."))
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else "display_name", error.translated())
        return render(request, "people/participant_edit.html", {"participant": participant, "form": form}, block="participant_form", status_code=400)

    @post("/{participant_id:int}/consent", name="participant_consent")
    async def change_consent(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await people.participant_for_staff(request.user, participant_id)
        form = ConsentForm(await request.form())
        if not participant["confidential"] or participant["anonymised_at"] or not form.is_valid():
            return render(request, "people/participant_detail.html", await self._detail_context(request, participant_id), status_code=400)
        if form["action"] == "withdraw" and form["purpose"] == "contact" and not form["confirm"]:
            return render(request, "people/consent_withdraw_confirm.html", {"participant": participant})
        if form["action"] == "give":
            await people.record_consent(participant_id, form["purpose"], actor=request.user)
            message = _("Consent recorded.")
        else:
            await people.withdraw_consent(participant_id, form["purpose"], actor=request.user)
            message = _("Consent withdrawn.")
            if form["purpose"] == "contact":
                message += " " + _("The phone number and e-mail address were removed.")
        return redirect(request, f"/participants/{participant_id}", message)

    @post("/{participant_id:int}/link", name="participant_link")
    async def reissue_link(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await people.participant_for_staff(request.user, participant_id)
        if not participant["confidential"] or participant["anonymised_at"]:
            return render(request, "people/participant_detail.html", await self._detail_context(request, participant_id), status_code=400)
        # Only a hash is stored: the new link is shown in this answer, once (a redirect's flash message would
        # keep it in the session store).
        token = await people.reissue_personal_links(request.user, participant_id)
        context = await self._detail_context(request, participant_id, personal_link=f"{settings.base_url}/my/{token}")
        response = render(request, "people/participant_detail.html", context)
        response.headers["Cache-Control"] = "no-store"
        return response

    @post("/{participant_id:int}/erase", name="participant_erase", opt=ADMIN)
    async def erase(self, request: Request, participant_id: FromPath[int]) -> Any:
        participant = await people.participant_for_staff(request.user, participant_id)
        form = EraseForm(await request.form())
        if form.is_valid() and form["confirm_name"] == participant["display_name"]:
            await enrolment.erase_participant(request.user, participant_id)
            return redirect(request, f"/participants/{participant_id}", _("The person's identity and contact details were erased."))
        if form.is_valid():
            form.add_error("confirm_name", _("Type the display name exactly as shown to confirm."))
        context = await self._detail_context(request, participant_id, erase_form=form)
        return render(request, "people/participant_detail.html", context, block="erase_form", status_code=400)


@get("/admin/audit", opt=ADMIN, name="audit_log")
async def audit_log(request: Request) -> Any:
    filters = AuditFilter(request.query_params)
    values = filters.cleaned if filters.is_valid() else {"action": "", "subject_type": "", "subject_id": None}
    events = await audit.audit_log(action=values["action"], subject_type=values["subject_type"], subject_id=values["subject_id"])
    return render(request, "people/audit_log.html", {"events": events, "filters": filters})


ROUTES = [ParticipantController, audit_log]
