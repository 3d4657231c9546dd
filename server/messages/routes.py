"""The admins' outbox page and the one-click unsubscribe link."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from server.errors import NotFound
from server.messages import kinds, outbox
from server.messages.unsubscribe import token_participant, unsubscribe
from server.web.access import ADMIN, TOKEN
from server.web.pagination import PageRequest, paginate
from server.web.rendering import render


@get("/admin/outbox", opt=ADMIN, name="outbox")
async def outbox_page(request: Request) -> Any:
    # An unknown status shows every message rather than an error: the filter is a link, not a form to validate.
    status = request.query_params.get("status") or ""
    status = status if status in kinds.FILTERS else ""
    page = await paginate(
        PageRequest.of(request),
        count=lambda: outbox.count_messages(status),
        fetch=lambda limit, offset: outbox.recent_messages(limit, offset, status),
    )
    return render(request, "messages/outbox.html", {"page": page, "status": status, "filters": kinds.FILTERS})


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
