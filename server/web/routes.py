"""Site-wide routes that belong to no feature: the health check, the favicon and the web app manifest."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get

from server.db import engine
from server.web.access import PUBLIC
from server.web.static import assets

THEME_COLOUR = "#007a50"  # Pico jade's primary colour, as in the favicon
# Browsers ask for /favicon.ico whatever the page links; it may change with a release, so a day's caching.
ICON_CACHE = "public, max-age=86400"
SITE_OPT = {**PUBLIC, "skip_session": True}


@get("/healthz", opt=SITE_OPT, name="healthz", media_type=MediaType.JSON, cache=False)
async def healthz() -> Response:
    try:
        await engine().run_ddl("SELECT 1")
        database = "ok"
    except Exception as error:  # the check must answer even when the database is down
        database = f"error: {type(error).__name__}"
    status = 200 if database == "ok" else 503
    return Response(content={"app": "ok", "database": database}, status_code=status, media_type=MediaType.JSON)


@get("/favicon.ico", opt=SITE_OPT, name="favicon", sync_to_thread=False)
def favicon() -> Response:
    # The SVG icon under the old name: every browser that asks for /favicon.ico also reads SVG icons.
    icon = assets().files["favicon.svg"]
    return Response(content=icon.content, media_type=icon.media_type, headers={"Cache-Control": ICON_CACHE})


def manifest_content(request: Request) -> dict[str, Any]:
    icon = assets().files["favicon.svg"]
    return {
        "name": "Gotong",
        "short_name": "Gotong",
        "start_url": request.app.route_reverse("dashboard"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [{"src": icon.url, "sizes": "any", "type": icon.media_type, "purpose": "any"}],
    }


@get("/manifest.webmanifest", opt=SITE_OPT, name="manifest", sync_to_thread=False)
def manifest(request: Request) -> Response:
    return Response(
        content=manifest_content(request),
        media_type="application/manifest+json",
        headers={"Cache-Control": ICON_CACHE},
    )


ROUTES = [healthz, favicon, manifest]
