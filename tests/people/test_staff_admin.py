"""Admin management of staff accounts: listing, creating, role changes and deactivation."""

from conftest import post_form, sign_in


async def test_admin_lists_staff(admin_client, facilitator):
    page = await admin_client.get("/admin/staff")
    assert page.status_code == 200
    assert "Fajar Facilitator" in page.text


async def test_non_admins_cannot_open_staff_admin(client, organizer, facilitator):
    await sign_in(client, "facil1")
    assert (await client.get("/admin/staff")).status_code == 403
    await post_form(client, "/logout")
    await sign_in(client, "organizer1")
    response = await client.get("/admin/staff")
    assert response.status_code == 403
    assert "Fajar Facilitator" not in response.text


async def test_admin_creates_account_that_can_sign_in(admin_client, client):
    response = await post_form(
        admin_client,
        "/admin/staff",
        {
            "display_name": "Rina",
            "username": "rina",
            "email": "rina@example.org",
            "role": "organizer",
            "password": "long-enough-1",
        },
    )
    assert response.status_code == 303
    await post_form(client, "/logout")
    response = await post_form(client, "/login", {"username": "rina", "password": "long-enough-1"})
    assert response.status_code == 303


async def test_create_account_with_bad_input_saves_nothing(admin_client):
    from server.people.tables import Staff

    before = await Staff.count().run()
    response = await post_form(
        admin_client,
        "/admin/staff",
        {"display_name": "", "username": "x", "email": "not-an-email", "role": "king", "password": "short"},
    )
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "Enter a valid e-mail address" in response.text
    assert "Choose one of the options." in response.text
    assert await Staff.count().run() == before


async def test_duplicate_username_and_short_password_are_field_errors(admin_client, facilitator):
    response = await post_form(
        admin_client,
        "/admin/staff",
        {
            "display_name": "X",
            "username": "facil1",
            "email": "new@example.org",
            "role": "facilitator",
            "password": "long-enough-1",
        },
    )
    assert response.status_code == 400
    assert "This username is already taken." in response.text
    response = await post_form(
        admin_client,
        "/admin/staff",
        {
            "display_name": "X",
            "username": "newbie",
            "email": "new@example.org",
            "role": "facilitator",
            "password": "short",
        },
    )
    assert "The password must be 8 to 128 characters." in response.text


async def test_role_change_takes_effect(admin_client, facilitator):
    response = await post_form(
        admin_client, f"/admin/staff/{facilitator.id}", {"display_name": "Fajar", "role": "organizer", "active": "on"}
    )
    assert response.status_code == 303
    from server.people.staff import active_staff

    assert (await active_staff(facilitator.id)).role == "organizer"


async def test_deactivation_ends_sessions_at_once(app, admin, facilitator):
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=app) as admin_session, AsyncTestClient(app=app) as facilitator_session:
        await sign_in(admin_session, admin.username)
        await sign_in(facilitator_session, facilitator.username)
        assert (await facilitator_session.get("/dashboard")).status_code == 200
        response = await post_form(
            admin_session, f"/admin/staff/{facilitator.id}", {"display_name": "Fajar", "role": "facilitator"}
        )
        assert response.status_code == 303
        assert (await facilitator_session.get("/dashboard", follow_redirects=False)).status_code == 303
        response = await post_form(
            facilitator_session, "/login", {"username": facilitator.username, "password": "correct-horse"}
        )
        assert response.status_code == 400


async def test_admin_cannot_lock_themselves_out(admin_client, admin):
    response = await post_form(
        admin_client, f"/admin/staff/{admin.id}", {"display_name": "Ayu", "role": "facilitator", "active": "on"}
    )
    assert response.status_code == 400
    assert "You cannot remove your own administrator rights." in response.text


async def test_unknown_staff_id_is_404(admin_client):
    assert (await admin_client.get("/admin/staff/99999")).status_code == 404


async def test_password_change_ends_other_sessions(app, facilitator):
    from litestar.testing import AsyncTestClient

    from server.people.staff import change_password

    async with AsyncTestClient(app=app) as phone:
        await sign_in(phone, facilitator.username)
        await change_password(facilitator.id, "a-brand-new-password")
        assert (await phone.get("/dashboard", follow_redirects=False)).status_code == 303


async def test_staff_changes_password_and_other_devices_are_signed_out(app, facilitator):
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=app) as laptop, AsyncTestClient(app=app) as phone:
        await sign_in(laptop, facilitator.username)
        await sign_in(phone, facilitator.username)
        response = await post_form(
            laptop,
            "/account/password",
            {"current_password": "wrong", "new_password": "new-secret-1", "repeat_password": "new-secret-1"},
        )
        assert response.status_code == 400 and "The current password is not correct." in response.text
        response = await post_form(
            laptop,
            "/account/password",
            {"current_password": "correct-horse", "new_password": "new-secret-1", "repeat_password": "other"},
        )
        assert response.status_code == 400 and "The two new passwords differ." in response.text
        response = await post_form(
            laptop,
            "/account/password",
            {"current_password": "correct-horse", "new_password": "new-secret-1", "repeat_password": "new-secret-1"},
        )
        assert response.status_code == 303
        assert (await laptop.get("/dashboard")).status_code == 200
        assert (await phone.get("/dashboard", follow_redirects=False)).status_code == 303
        await post_form(laptop, "/logout")
        assert (
            await post_form(laptop, "/login", {"username": facilitator.username, "password": "new-secret-1"})
        ).status_code == 303
