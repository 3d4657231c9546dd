"""The admins' pages for API keys: the list with each key's last use, making a key (shown once), revoking one."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath

from server.api import keys
from server.api.forms import NewKeyForm
from server.errors import DomainError, NotFound
from server.i18n import gettext as _
from server.web.access import ADMIN
from server.web.rendering import redirect, render


async def _context(form: NewKeyForm) -> dict[str, Any]:
    programs = await keys.program_choices()
    return {
        "form": form,
        "keys": await keys.list_keys(),
        "programs": programs,
        "program_titles": dict(programs),
        "scopes": [(keys.PROGRAMS, _("Read programs and sessions")), (keys.REPORTS, _("Read reports and counts"))],
    }


class ApiKeyController(Controller):
    path = "/admin/api-keys"
    opt = ADMIN

    @get("/", name="api_keys")
    async def index(self, request: Request) -> Any:
        return render(request, "api/keys.html", await _context(NewKeyForm()))

    @post("/", name="api_key_create")
    async def create(self, request: Request) -> Any:
        form = NewKeyForm(await request.form())
        if form.is_valid():
            try:
                key_id, key = await keys.create_key(request.user, form["name"], form["scopes"], form["programs"])
            except DomainError as refusal:
                form.refuse(refusal)
            else:
                # The key is in this one answer and nowhere else: not in a redirect, a flash message or a log.
                context = {"key": key, "name": form["name"], "key_id": key_id}
                response = render(request, "api/key_created.html", context, status_code=201)
                response.headers["Cache-Control"] = "no-store"
                return response
        return render(request, "api/keys.html", await _context(form), status_code=form.status_code)

    @get("/{key_id:int}/revoke", name="api_key_revoke_confirm")
    async def confirm_revoke(self, request: Request, key_id: FromPath[int]) -> Any:
        key = await keys.get_key(key_id)
        if key is None:
            raise NotFound("api_key")
        return render(request, "api/revoke.html", {"key": key})

    @post("/{key_id:int}/revoke", name="api_key_revoke")
    async def revoke(self, request: Request, key_id: FromPath[int]) -> Any:
        await keys.revoke_key(request.user, key_id)
        return redirect(request, request.app.route_reverse("api_keys"), _("The key is revoked."))


ROUTES = [ApiKeyController]
