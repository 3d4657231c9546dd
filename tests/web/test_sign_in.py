"""Signing in and out, sessions, rate limiting and CSRF."""

from datetime import UTC

from conftest import csrf_token, post_form, sign_in


async def test_dashboard_requires_sign_in_and_redirects_to_login(client, db):
    response = await client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/dashboard"


async def test_staff_signs_in_and_sees_dashboard(client, facilitator):
    response = await post_form(
        client, "/login", {"username": "facil1", "password": "correct-horse", "next": "/dashboard"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "Fajar Facilitator" in page.text


async def test_session_cookie_is_httponly_and_lax(client, facilitator):
    response = await post_form(client, "/login", {"username": "facil1", "password": "correct-horse"})
    cookie = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("gotong_session=")][-1]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie


async def test_wrong_password_shows_field_error_and_400(client, facilitator):
    response = await post_form(client, "/login", {"username": "facil1", "password": "wrong-password"})
    assert response.status_code == 400
    assert "The username or password is not correct." in response.text
    assert (await client.get("/dashboard", follow_redirects=False)).status_code == 303


async def test_missing_fields_get_field_errors(client, db):
    response = await post_form(client, "/login", {"username": "", "password": ""})
    assert response.status_code == 400
    assert response.text.count("This field is required.") == 2


async def test_sign_in_rotates_session_id(client, facilitator):
    await client.get("/login")
    await post_form(client, "/login", {"username": "facil1", "password": "wrong"})
    before = client.cookies.get("gotong_session")
    await sign_in(client, "facil1")
    after = client.cookies.get("gotong_session")
    assert after and after != before


async def test_open_redirect_after_sign_in_is_refused(client, facilitator):
    response = await post_form(
        client, "/login", {"username": "facil1", "password": "correct-horse", "next": "//evil.example/x"}
    )
    assert response.headers["location"] == "/dashboard"


async def test_sign_out_ends_the_session(client, facilitator):
    await sign_in(client, "facil1")
    old_cookie = client.cookies.get("gotong_session")
    response = await post_form(client, "/logout")
    assert response.status_code == 303
    assert (await client.get("/dashboard", follow_redirects=False)).status_code == 303
    # Replaying the old cookie does not bring the session back.
    client.cookies.set("gotong_session", old_cookie)
    assert (await client.get("/dashboard", follow_redirects=False)).status_code == 303


async def test_post_without_csrf_token_is_refused(client, facilitator):
    await client.get("/login")
    response = await client.post("/login", data={"username": "facil1", "password": "correct-horse"})
    assert response.status_code == 403
    assert "Not allowed" in response.text


async def test_htmx_post_with_csrf_header_succeeds(client, facilitator):
    response = await post_form(
        client, "/login", {"username": "facil1", "password": "correct-horse", "next": "/dashboard"}, htmx=True
    )
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == "/dashboard"


async def test_htmx_failed_sign_in_returns_only_the_form_block(client, facilitator):
    response = await post_form(client, "/login", {"username": "facil1", "password": "nope"}, htmx=True)
    assert response.status_code == 400
    assert "<html" not in response.text
    assert 'id="login-form"' in response.text
    assert "The username or password is not correct." in response.text


async def test_burst_of_wrong_passwords_is_refused_with_clear_message(client, facilitator, settings):
    statuses = []
    for _attempt in range(settings.login_attempts_per_minute + 2):
        response = await post_form(client, "/login", {"username": "facil1", "password": "guess"})
        statuses.append(response.status_code)
    assert statuses[0] == 400
    assert statuses[-1] == 429
    assert "Too many attempts" in response.text


async def test_sessions_survive_an_app_restart(client, facilitator, settings):
    from litestar.testing import AsyncTestClient

    from server.app import create_app

    await sign_in(client, "facil1")
    cookie = client.cookies.get("gotong_session")
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as second:
        second.cookies.set("gotong_session", cookie)
        assert (await second.get("/dashboard")).status_code == 200


async def test_csrf_token_helper_reads_a_token(client, db):
    assert len(await csrf_token(client)) > 20


# --- the limit per account ---------------------------------------------------------------------------


def _client_with(settings, **changes):
    from dataclasses import replace

    from litestar.testing import AsyncTestClient

    from server.app import create_app

    # The per-address limit out of the way: only the per-account limit is under test.
    return AsyncTestClient(
        app=create_app(replace(settings, login_attempts_per_minute=1000, **changes)), base_url="http://testserver.local"
    )


async def test_failed_sign_ins_per_account_are_limited_even_with_the_right_password(facilitator, settings):
    async with _client_with(settings, login_failures_per_account=3) as client:
        for _attempt in range(3):
            response = await post_form(client, "/login", {"username": "facil1", "password": "guess"})
            assert response.status_code == 400
            assert "The username or password is not correct." in response.text
        response = await post_form(client, "/login", {"username": "FACIL1", "password": "correct-horse"})
        assert response.status_code == 429
        assert "Too many failed sign-ins for this account. Please wait 15 minutes and try again." in response.text
        assert (await client.get("/dashboard", follow_redirects=False)).status_code == 303


async def test_the_account_limit_message_is_translated(facilitator, settings):
    async with _client_with(settings, login_failures_per_account=1) as client:
        client.cookies.set("gotong_lang", "id")
        await post_form(client, "/login", {"username": "facil1", "password": "guess"})
        response = await post_form(client, "/login", {"username": "facil1", "password": "guess"})
        assert response.status_code == 429
        assert "Terlalu banyak percobaan masuk yang gagal untuk akun ini." in response.text


async def test_one_accounts_failures_do_not_lock_another_account(facilitator, organizer, settings):
    async with _client_with(settings, login_failures_per_account=2) as client:
        for _attempt in range(3):
            await post_form(client, "/login", {"username": "facil1", "password": "guess"})
        response = await post_form(client, "/login", {"username": "organizer1", "password": "correct-horse"})
        assert response.status_code == 303


async def test_unknown_usernames_are_limited_like_real_ones(db, settings):
    async with _client_with(settings, login_failures_per_account=2) as client:
        statuses = [
            (await post_form(client, "/login", {"username": "nobody", "password": "guess"})).status_code
            for _ in range(3)
        ]
        assert statuses == [400, 400, 429]


async def test_sign_in_works_again_once_the_window_has_passed(facilitator, settings):
    from datetime import datetime, timedelta

    from server.web.tables import StoredValue

    async with _client_with(settings, login_failures_per_account=2) as client:
        for _attempt in range(2):
            await post_form(client, "/login", {"username": "facil1", "password": "guess"})
        assert (
            await post_form(client, "/login", {"username": "facil1", "password": "correct-horse"})
        ).status_code == 429
        # The stored count records no username, only a hash of it.
        rows = (
            await StoredValue.select(StoredValue.key, StoredValue.value)
            .where(StoredValue.key.like("%login_failures%"))
            .run()
        )
        assert rows and all("facil1" not in row["key"] and b"facil1" not in bytes(row["value"]) for row in rows)
        # Fifteen minutes later:
        past = datetime.now(UTC) - timedelta(seconds=1)
        await StoredValue.update({StoredValue.expires_at: past}).where(StoredValue.key.like("%login_failures%")).run()
        response = await post_form(
            client, "/login", {"username": "facil1", "password": "correct-horse", "next": "/dashboard"}
        )
        assert response.status_code == 303 and response.headers["location"] == "/dashboard"


async def test_a_successful_sign_in_clears_the_accounts_failures(facilitator, settings):
    async with _client_with(settings, login_failures_per_account=3) as client:
        for _attempt in range(2):
            await post_form(client, "/login", {"username": "facil1", "password": "guess"})
        await sign_in(client, "facil1")
        await post_form(client, "/logout")
        for _attempt in range(2):
            assert (await post_form(client, "/login", {"username": "facil1", "password": "guess"})).status_code == 400
        assert (
            await post_form(client, "/login", {"username": "facil1", "password": "correct-horse"})
        ).status_code == 303


async def test_reading_pages_does_not_rewrite_an_unchanged_session_but_signing_out_ends_it(facilitator_client):
    """A signed-in page view used to write its session row every time; now only a change (or a new hour) does."""
    from server.web.tables import StoredValue

    async def session_rows():
        return (
            await StoredValue.select(StoredValue.key, StoredValue.value, StoredValue.expires_at)
            .where(StoredValue.key.like("sessions%"))
            .run()
        )

    assert (await facilitator_client.get("/dashboard")).status_code == 200
    before = await session_rows()
    assert len(before) == 1
    for path in ("/dashboard", "/", "/dashboard"):
        response = await facilitator_client.get(path)
        assert response.status_code == 200
        assert not [value for value in response.headers.get_list("set-cookie") if value.startswith("session=")]
    assert await session_rows() == before
    await post_form(facilitator_client, "/logout")
    assert await session_rows() == []
    assert (await facilitator_client.get("/dashboard", follow_redirects=False)).status_code in (302, 303, 401)
