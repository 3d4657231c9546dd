"""Static files: fingerprinted addresses cached for a year, plain addresses briefly, changed content a new address."""

import re

from server.web.static import IMMUTABLE, StaticAssets, assets, fingerprint, fingerprinted_name

ASSET_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def test_changed_content_gets_a_new_address(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("body { color: black }")
    before = StaticAssets(tmp_path).url("css/app.css")
    (tmp_path / "css" / "app.css").write_text("body { color: navy }")
    after = StaticAssets(tmp_path).url("css/app.css")
    assert before != after
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", after)


def test_the_fingerprint_goes_before_the_last_suffix():
    digest = fingerprint(b"x")
    assert fingerprinted_name("vendor/htmx-2.0.11.min.js", digest) == f"vendor/htmx-2.0.11.min.{digest}.js"
    assert fingerprint(b"x") == digest and fingerprint(b"y") != digest


async def test_pages_link_fingerprinted_assets_that_are_cached_for_a_year(client, db):
    page = await client.get("/login")
    urls = ASSET_URL.findall(page.text)
    assert assets().url("app.css") in urls and assets().url("vendor/htmx-2.0.11.min.js") in urls
    assert "/static/app.css" not in urls
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == IMMUTABLE, url
        assert "set-cookie" not in response.headers, url


async def test_plain_and_outdated_addresses_still_work_with_a_short_cache(client, db):
    plain = await client.get("/static/app.css")
    assert plain.status_code == 200 and plain.headers["content-type"] == "text/css; charset=utf-8"
    assert "immutable" not in plain.headers["cache-control"]
    outdated = await client.get("/static/app.000000000000.css")
    assert outdated.status_code == 200 and outdated.content == plain.content
    assert "immutable" not in outdated.headers["cache-control"]
    again = await client.get("/static/app.css", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


async def test_unknown_and_escaping_static_paths_are_not_found(client, db):
    for path in ("/static/nothing.css", "/static/../server/config.py", "/static/%2e%2e/pyproject.toml"):
        assert (await client.get(path)).status_code == 404, path
