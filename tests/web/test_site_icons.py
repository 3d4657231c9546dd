"""The favicon and the web app manifest: linked from every page, answered without a 404."""

import json

from server.web.static import assets


async def test_favicon_ico_answers_with_the_svg_icon(client, db):
    response = await client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<svg") and "public" in response.headers["cache-control"]
    assert "set-cookie" not in response.headers


async def test_pages_link_the_icon_the_manifest_and_a_theme_colour(client, db):
    page = (await client.get("/login")).text
    assert f'<link rel="icon" href="{assets().url("favicon.svg")}" type="image/svg+xml">' in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#007a50">' in page


async def test_manifest_names_gotong_and_opens_on_the_dashboard(client, db):
    response = await client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "Gotong" and manifest["start_url"] == "/dashboard"
    assert manifest["theme_color"] == "#007a50" and manifest["display"] == "standalone"
    icon = manifest["icons"][0]
    assert icon["src"] == assets().url("favicon.svg")
    assert (await client.get(icon["src"])).status_code == 200
