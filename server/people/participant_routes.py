"""Staff pages of the participant registry: registering a person (with duplicate check) and the audit log.
The pages about one registered person compose several features: server/pages/participants.py."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post

from server import audit
from server.errors import DomainError
from server.i18n import gettext as _
from server.people import consent, participants
from server.people.participant_forms import AuditFilter, ParticipantNewForm
from server.web.access import ADMIN, STAFF
from server.web.pagination import PageRequest, paginate
from server.web.rendering import redirect, render

AUDIT_PAGE_SIZE = 100


class ParticipantRegistryController(Controller):
    path = "/participants"
    opt = STAFF

    @get("/new", name="participant_new")
    async def participant_new(self, request: Request) -> Any:
        form = ParticipantNewForm(initial={"preferred_locale": "id"})
        return render(
            request,
            "people/participant_new.html",
            {"form": form, "consents": consent.choices(consent.AT_REGISTRATION), "duplicates": []},
        )

    @post("/new", name="participant_create")
    async def participant_create(self, request: Request) -> Any:
        form = ParticipantNewForm(await request.form())
        duplicates: list[dict[str, Any]] = []
        if form.is_valid():
            duplicates = await participants.possible_duplicates(
                form["display_name"], form["phone"], form["email"], form["legal_name"]
            )
            if duplicates and not form["confirm_not_duplicate"]:
                form.add_error(
                    "display_name",
                    _(
                        "This person may already be registered. Open the existing record, "
                        "or confirm that this is someone else."
                    ),
                )
            else:
                purposes = [purpose for purpose in consent.AT_REGISTRATION if form[f"consent_{purpose}"]]
                try:
                    participant_id = await participants.create_participant(request.user, dict(form.cleaned), purposes)
                    url = request.app.route_reverse("participant_detail", participant_id=participant_id)
                    return redirect(request, url, _("Participant registered."))
                except DomainError as refusal:
                    form.refuse(refusal, None if refusal.field in form.fields else "display_name")
        context = {"form": form, "consents": consent.choices(consent.AT_REGISTRATION), "duplicates": duplicates}
        return render(
            request, "people/participant_new.html", context, block="participant_form", status_code=form.status_code
        )


@get("/admin/audit", opt=ADMIN, name="audit_log")
async def audit_log(request: Request) -> Any:
    filters = AuditFilter(request.query_params)
    values: dict[str, Any] = {"action": "", "subject_type": "", "subject_id": None}
    if filters.is_valid():
        values = dict(filters.cleaned)
    chosen = {"action": values["action"], "subject_type": values["subject_type"], "subject_id": values["subject_id"]}
    page = await paginate(
        PageRequest.of(request, AUDIT_PAGE_SIZE),
        count=lambda: audit.count_audit_events(**chosen),
        fetch=lambda limit, offset: audit.audit_log(**chosen, limit=limit, offset=offset),
    )
    events = [{**event, "summary": audit.describe(event)} for event in page.items]
    return render(request, "people/audit_log.html", {"events": events, "page": page, "filters": filters})


ROUTES = [ParticipantRegistryController, audit_log]
