"""Shared fixtures: a fresh database per test, an app and client, and signed-in staff of each role."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from dbsetup import build_template, configure_environment, reset_database  # noqa: E402

configure_environment()

from piccolo.apps.user.tables import BaseUser  # noqa: E402

# Hashing stays real (same KDF) but cheap, so that creating users does not dominate the suite.
BaseUser._pbkdf2_iteration_count = 1000


def pytest_collection_modifyitems(config, items):
    # Browser tests run in their own pytest process (Playwright's sync API keeps an event loop alive).
    pass


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the configured language, whatever an earlier test's request switched to."""
    from server.config import load_settings
    from server.i18n import set_locale

    set_locale(load_settings().default_locale)


@pytest.fixture(scope="session")
def _template_database():
    build_template()


@pytest.fixture
async def db(_template_database):
    await reset_database()
    yield


@pytest.fixture
def db_sync(_template_database):
    """A fresh database for a test that drives the app through the synchronous client."""
    import asyncio

    asyncio.run(reset_database())


@pytest.fixture
def settings():
    from server.config import load_settings

    return load_settings()


@pytest.fixture
async def app(db, settings):
    from server.app import create_app

    return create_app(settings)


@pytest.fixture
async def client(app):
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def csrf_token(client) -> str:
    token = client.cookies.get("csrftoken")
    if token:
        # The form token is derived from the cookie secret; ask a page for the matching value.
        pass
    response = await client.get("/login")
    match = CSRF_RE.search(response.text)
    assert match, "no CSRF token on the sign-in page"
    return match.group(1)


async def post_form(client, url: str, data: dict | list | None = None, *, htmx: bool = False, **kwargs):
    """POST a form the way a browser does: with the CSRF token, as urlencoded data."""
    token = await csrf_token(client)
    headers = {"x-csrftoken": token}
    if htmx:
        headers["HX-Request"] = "true"
    headers.update(kwargs.pop("headers", {}))
    kwargs.setdefault("follow_redirects", False)
    return await client.post(url, data=data or {}, headers=headers, **kwargs)


async def sign_in(client, username: str, password: str = "correct-horse"):
    response = await post_form(client, "/login", {"username": username, "password": password, "next": "/dashboard"})
    assert response.status_code in (200, 303), response.text[:500]
    if response.status_code == 303:
        # The next page shows (and so removes) the welcome message, the one session write after signing in: a
        # test's first counted request then runs the same queries as its later ones.
        await client.get("/")
    return response


@pytest.fixture
async def staff_factory(db):
    from factories import make_staff

    return make_staff


@pytest.fixture
async def admin(db):
    from factories import make_staff

    return await make_staff(role="admin", username="admin1", display_name="Ayu Admin")


@pytest.fixture
async def organizer(db):
    from factories import make_staff

    return await make_staff(role="organizer", username="organizer1", display_name="Oka Organizer")


@pytest.fixture
async def facilitator(db):
    from factories import make_staff

    return await make_staff(role="facilitator", username="facil1", display_name="Fajar Facilitator")


@pytest.fixture
async def admin_client(client, admin):
    await sign_in(client, admin.username)
    return client


@pytest.fixture
async def organizer_client(client, organizer):
    await sign_in(client, organizer.username)
    return client


@pytest.fixture
async def facilitator_client(client, facilitator):
    await sign_in(client, facilitator.username)
    return client
