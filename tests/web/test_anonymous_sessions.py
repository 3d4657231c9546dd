"""A visitor who never signs in gets no stored session and no session cookie: public pages write nothing."""

from __future__ import annotations

from conftest import post_form, sign_in

from server.web.tables import StoredValue

SESSION_COOKIE = "gotong_session"


async def _stored_sessions() -> int:
    return await StoredValue.count().where(StoredValue.key.like("sessions:%")).run()


async def test_public_pages_store_no_session_and_set_no_session_cookie(client, organizer):
    for path in ("/", "/programs", "/calendar.ics", "/login"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert SESSION_COOKIE not in response.headers.get("set-cookie", ""), path
    assert await _stored_sessions() == 0
    assert SESSION_COOKIE not in client.cookies


async def test_signing_in_stores_a_session_and_signing_out_removes_it(client, organizer):
    await sign_in(client, organizer.username)
    assert await _stored_sessions() == 1
    assert client.cookies.get(SESSION_COOKIE) not in (None, "null")
    assert (await client.get("/dashboard")).status_code == 200
    response = await post_form(client, "/logout")
    assert response.status_code in (200, 303)
    assert await _stored_sessions() == 0
    assert (await client.get("/dashboard", follow_redirects=False)).status_code in (302, 303, 401)
