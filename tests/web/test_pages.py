"""Public pages, error pages, health check and language choice."""

from datetime import timedelta

from conftest import post_form
from factories import make_program, make_session


async def test_home_lists_next_public_sessions_with_public_titles_only(client, db):
    open_group = await make_program(title="Kelas Menjahit", slug="menjahit")
    secret = await make_program(title="Kelompok ODHIV", public_title="Kelompok Selasa", discreet=True, slug="selasa")
    private = await make_program(title="Rapat Internal", visibility="private", slug="internal")
    for program in (open_group, secret, private):
        await make_session(program)
    page = await client.get("/")
    assert page.status_code == 200
    assert "Kelas Menjahit" in page.text
    assert "Kelompok Selasa" in page.text
    assert "ODHIV" not in page.text
    assert "Rapat Internal" not in page.text


async def test_past_and_cancelled_sessions_are_not_next(client, db):
    program = await make_program(title="Kelas Batik")
    await make_session(program, starts_in=timedelta(days=-3), topic="Sesi lalu")
    await make_session(program, status="cancelled", topic="Sesi batal")
    page = await client.get("/")
    assert "Sesi lalu" not in page.text
    assert "Sesi batal" not in page.text


async def test_unknown_page_is_a_styled_404(client, db):
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "<nav" in response.text


async def test_healthz_reports_app_and_database(client, db):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"app": "ok", "database": "ok"}


async def test_healthz_is_503_when_database_is_unreachable(client, db, monkeypatch):
    from server import db as database

    class Broken:
        async def run_ddl(self, sql):
            raise ConnectionError("down")

    monkeypatch.setattr(database, "engine", lambda: Broken())
    from server.web import routes

    monkeypatch.setattr(routes, "engine", lambda: Broken())
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


async def test_language_follows_accept_language_then_default(client, db):
    page = await client.get("/", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"})
    assert '<html lang="id">' in page.text
    page = await client.get("/", headers={"Accept-Language": "en-GB"})
    assert '<html lang="en">' in page.text
    page = await client.get("/", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in page.text  # tests run with GOTONG_DEFAULT_LOCALE=en


async def test_language_switch_is_remembered(client, db):
    response = await post_form(client, "/language", {"lang": "id", "next": "/login"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    page = await client.get("/login", headers={"Accept-Language": "en"})
    assert '<html lang="id">' in page.text
    assert "Masuk" in page.text


async def test_language_switch_ignores_unknown_language_and_foreign_next(client, db):
    response = await post_form(client, "/language", {"lang": "xx", "next": "//evil.example"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_staff_language_preference_is_saved(client, facilitator):
    from conftest import sign_in

    from server.people.tables import Staff

    await sign_in(client, "facil1")
    await post_form(client, "/language", {"lang": "id", "next": "/dashboard"})
    row = await Staff.select(Staff.locale).where(Staff.id == facilitator.id).first().run()
    assert row["locale"] == "id"


async def test_oversized_body_gets_413_not_500(client, db):
    response = await post_form(client, "/login", {"username": "x" * (2 * 1024 * 1024), "password": "y"})
    assert response.status_code == 413


async def test_over_long_username_is_a_field_error(client, db):
    response = await post_form(client, "/login", {"username": "x" * 300, "password": "y"})
    assert response.status_code == 400
    assert "At most 100 characters." in response.text
