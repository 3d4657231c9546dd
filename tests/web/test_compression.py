"""Compression on a slow link: pages, fragments, assets and feeds travel compressed; tiny answers do not."""

import base64
from datetime import timedelta

from factories import make_program, make_session

from server.web.compression import MINIMUM_SIZE
from server.web.csrf import mask, unmask


async def test_pages_travel_brotli_when_accepted_and_gzip_otherwise(client, db):
    brotli = await client.get("/login", headers={"Accept-Encoding": "gzip, br"})
    assert brotli.headers["content-encoding"] == "br"
    assert "Accept-Encoding" in brotli.headers["vary"]
    assert "<form" in brotli.text
    gzip = await client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert gzip.headers["content-encoding"] == "gzip"
    assert int(gzip.headers["content-length"]) < len(gzip.content)
    plain = await client.get("/login", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


async def test_assets_travel_compressed(client, db):
    response = await client.get("/static/vendor/htmx-2.0.11.min.js", headers={"Accept-Encoding": "br"})
    assert response.headers["content-encoding"] == "br"
    assert int(response.headers["content-length"]) < len(response.content) / 2


async def test_tiny_answers_are_not_compressed(client, db):
    response = await client.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert len(response.content) < MINIMUM_SIZE
    assert "content-encoding" not in response.headers


async def test_htmx_fragments_travel_compressed_and_stay_fragments(client, db):
    for number in range(8):
        await make_program(title=f"Kelas Menjahit {number}", slug=f"jahit-{number}")
    response = await client.get("/programs", headers={"HX-Request": "true", "Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "br"
    assert "<html" not in response.text and "Kelas Menjahit 7" in response.text


async def test_compressed_feed_has_a_weak_etag_that_still_answers_304(client, db):
    program = await make_program(slug="batik", title="Kelas Batik")
    for week in range(6):
        await make_session(program, starts_in=timedelta(days=2 + 7 * week), topic=f"Pertemuan {week}")
    first = await client.get("/calendar.ics", headers={"Accept-Encoding": "gzip, br"})
    assert first.headers["content-encoding"] == "br"
    assert first.headers["etag"].startswith('W/"')
    again = await client.get(
        "/calendar.ics", headers={"Accept-Encoding": "gzip, br", "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    plain = await client.get("/calendar.ics", headers={"Accept-Encoding": "identity"})
    assert not plain.headers["etag"].startswith("W/")


def test_masked_csrf_token_differs_every_time_and_unmasks_to_the_token():
    token = "ab" * 64
    first, second = mask(token), mask(token)
    assert first != second and token not in first
    assert unmask(first) == token == unmask(second)
    assert unmask(token) == token
    assert unmask("m.not base64!") == "m.not base64!"


def test_a_hexadecimal_csrf_token_is_masked_at_half_the_length_and_old_masks_still_unmask():
    token = "0123456789abcdef" * 8  # Litestar's tokens: 128 hexadecimal characters
    masked = mask(token)
    assert len(masked) < 180 and unmask(masked) == token
    text_mask = "m." + base64.urlsafe_b64encode(bytes(128) + token.encode()).decode()  # as pages masked it before
    assert unmask(text_mask) == token
    assert unmask(mask("ABCDEF")) == "ABCDEF"  # not lowercase hexadecimal: masked as text


async def test_pages_never_carry_the_same_csrf_token_twice(client, db):
    from conftest import CSRF_RE

    first = CSRF_RE.search((await client.get("/login")).text).group(1)
    second = CSRF_RE.search((await client.get("/login")).text).group(1)
    assert first != second
    assert client.cookies.get("csrftoken") not in (await client.get("/login")).text
