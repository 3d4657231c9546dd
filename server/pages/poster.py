"""A public program's printable A4 poster: the organisation, the title the public may read, the next sessions and a
QR code to the program's page (where people register)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromPath

from server import privacy
from server.config import settings
from server.i18n import gettext as _
from server.organisation import services as organisation
from server.programs import services as programs
from server.schedule import services as schedule
from server.web.access import PUBLIC
from server.web.qr import qr_svg
from server.web.rendering import render

POSTER_SESSIONS = 6


def program_address(request: Request, slug: str) -> str:
    """The absolute address of the program's public page, which the poster's QR code carries."""
    return settings.base_url + request.app.route_reverse("public_program", slug=slug)


@get("/programs/{slug:str}/poster", opt=PUBLIC, name="program_poster")
async def program_poster(request: Request, slug: FromPath[str]) -> Any:
    # Paper leaves the office: the PRINT channel decides the title (neutral for a discreet program) and the place.
    program = await programs.public_program(slug, channel=privacy.PRINT)
    sessions = await schedule.public_program_sessions(program, limit=POSTER_SESSIONS, channel=privacy.PRINT)
    address = program_address(request, program["slug"])
    context = {
        "program": program,
        "sessions": [s for s in sessions if s["status"] != "cancelled"],
        "address": address,
        "qr": qr_svg(address, _("QR code to the program's page: %(url)s", url=address)),
        "org": await organisation.load(),
    }
    return render(request, "programs/poster.html", context)


ROUTES = [program_poster]
