"""The admins' page for the organisation's settings, and its logo at a fixed address."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile

from server.config import SUPPORTED_LOCALES, settings
from server.errors import DomainError
from server.i18n import LANGUAGE_NAMES
from server.i18n import gettext as _
from server.organisation import services as organisation
from server.people.forms import OrganisationForm
from server.web.access import ADMIN, PUBLIC
from server.web.forms import common_timezones
from server.web.rendering import redirect, render

# The logo's address carries its version (?v=…): a browser keeps one for a year and asks again for a new one.
LOGO_CACHE = "public, max-age=31536000, immutable"


def _context(form: OrganisationForm, current: organisation.Organisation) -> dict[str, Any]:
    zones = common_timezones()
    if settings.default_timezone not in zones:
        zones = [settings.default_timezone, *zones]
    return {
        "form": form,
        "org": current,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LOCALES],
        "timezones": [(zone, zone) for zone in zones],
        "server_defaults": settings,
        "logo_max_kb": settings.logo_max_bytes // 1024,
    }


async def _uploaded_logo(data: Any) -> bytes | None:
    upload = data.get("logo")
    if not isinstance(upload, UploadFile):
        return None
    content = await upload.read(settings.logo_max_bytes + 1)
    return content or None  # a form sent with no file chosen keeps the logo there is


class OrganisationController(Controller):
    path = "/admin/organisation"
    opt = ADMIN

    @get("/", name="organisation_settings")
    async def edit(self, request: Request) -> Any:
        form = OrganisationForm(initial=await organisation.stored_settings())
        return render(request, "people/organisation.html", _context(form, await organisation.load()))

    @post("/", name="organisation_update")
    async def update(self, request: Request) -> Any:
        data = await request.form()
        form = OrganisationForm(data)
        if form.is_valid():
            logo: organisation.LogoChange = await _uploaded_logo(data)
            if logo is None and form["remove_logo"]:
                logo = "remove"
            try:
                await organisation.save_organisation(request.user, dict(form.cleaned), logo)
            except DomainError as refusal:
                form.refuse(refusal)
            else:
                url = request.app.route_reverse("organisation_settings")
                return redirect(request, url, _("Organisation settings saved."))
        context = _context(form, await organisation.load())
        return render(request, "people/organisation.html", context, status_code=form.status_code)


@get("/organisation/logo", opt=PUBLIC, name="organisation_logo")
async def logo(request: Request) -> Response[bytes]:
    image = await organisation.logo_image()
    if image is None:
        return Response(b"", status_code=404, media_type="text/plain")
    content, content_type, version = image
    etag = f'"logo-{version}"'
    if request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=304, headers={"ETag": etag, "Cache-Control": LOGO_CACHE})
    headers = {"ETag": etag, "Cache-Control": LOGO_CACHE, "X-Content-Type-Options": "nosniff"}
    return Response(content, media_type=content_type, headers=headers)


ROUTES = [OrganisationController, logo]
