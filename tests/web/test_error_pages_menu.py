"""Error pages show the menu of whoever is signed in, also for an address no route knows."""

from conftest import post_form


async def test_signed_in_staff_sees_the_staff_menu_on_a_404(admin_client):
    response = await admin_client.get("/no-such-page")
    assert response.status_code == 404
    assert 'href="/dashboard"' in response.text and 'href="/admin/audit"' in response.text
    assert "Sign out" in response.text and 'href="/login"' not in response.text
    assert response.headers["cache-control"] == "private, no-store"


async def test_the_sign_out_form_on_a_404_works(facilitator_client):
    page = await facilitator_client.get("/manage/nothing/here")
    assert page.status_code == 404 and "Sign out" in page.text
    token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
    response = await facilitator_client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code in (302, 303)
    assert (await facilitator_client.get("/dashboard", follow_redirects=False)).status_code == 303


async def test_anonymous_visitor_sees_the_public_menu_on_a_404(client, db):
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert 'href="/login"' in response.text and "Sign out" not in response.text
    assert 'href="/dashboard"' not in response.text


async def test_a_wrong_method_on_a_known_address_also_keeps_the_staff_menu(admin_client):
    response = await post_form(admin_client, "/healthz")
    assert response.status_code == 405 and "Sign out" in response.text
