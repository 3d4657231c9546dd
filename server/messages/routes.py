"""The admins' outbox page and the one-click unsubscribe link."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from server.errors import NotFound
from server.i18n import N_
from server.i18n import gettext as _
from server.messages import outbox
from server.messages.unsubscribe import token_participant, unsubscribe
from server.web.access import ADMIN, TOKEN
from server.web.pagination import PageRequest, paginate
from server.web.rendering import render

STATUS_LABELS = {
    "queued": N_("Queued"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
}


@get("/admin/outbox", opt=ADMIN, name="outbox")
async def outbox_page(request: Request) -> Any:
    page = await paginate(PageRequest.of(request), count=outbox.count_messages, fetch=outbox.recent_messages)
    labels = {status: _(text) for status, text in STATUS_LABELS.items()}
    return render(request, "messages/outbox.html", {"page": page, "status_labels": labels})


# A mail client's one-click unsubscribe (RFC 8058) POSTs with no cookie and no CSRF token; the signed link is the
# proof. The GET shows a button, so that a link scanner following the address withdraws nothing.
@get("/unsubscribe/{token:str}", opt=TOKEN, name="unsubscribe_confirm")
async def unsubscribe_confirm(request: Request, token: FromPath[str]) -> Any:
    if token_participant(token) is None:
        raise NotFound("unsubscribe")
    return render(request, "messages/unsubscribe.html", {"token": token, "done": False})


@post(
    "/unsubscribe/{token:str}",
    opt={**TOKEN, "exclude_from_csrf": True},
    name="unsubscribe",
    status_code=200,
)
async def unsubscribe_now(request: Request, token: FromPath[str]) -> Response | Any:
    if not await unsubscribe(token):
        raise NotFound("unsubscribe")
    return render(request, "messages/unsubscribe.html", {"token": token, "done": True})


ROUTES = [outbox_page, unsubscribe_confirm, unsubscribe_now]
