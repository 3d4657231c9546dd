"""Password reset without e-mail: an administrator's temporary password, shown once, and `python -m server
reset-password USERNAME`; both end the person's sessions and stop their calendar feed link, and are audited."""

import os
import re

import pytest
from conftest import post_form, sign_in
from factories import make_staff

from server.audit import AuditEvent
from server.cli import main, reset_staff_password
from server.people.links import has_staff_feed, reissue_staff_feed
from server.people.staff import authenticate, temporary_password

TEMPORARY_RE = re.compile(r'id="temporary-password"[^>]*value="([a-z0-9-]+)"')


def test_a_temporary_password_is_long_and_has_no_look_alike_characters():
    passwords = {temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password) and not set(password) & set("01ilo")


async def test_admin_sets_a_temporary_password_shown_once_that_signs_in_and_ends_other_sessions(
    admin_client, app, facilitator
):
    from litestar.testing import AsyncTestClient

    await reissue_staff_feed(None, facilitator.id)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as their_phone:
        await sign_in(their_phone, facilitator.username)
        assert (await their_phone.get("/dashboard")).status_code == 200
        response = await post_form(admin_client, f"/admin/staff/{facilitator.id}/password")
        assert response.status_code == 200 and "no-store" in response.headers["cache-control"]
        password = TEMPORARY_RE.search(response.text).group(1)
        assert (await their_phone.get("/dashboard", follow_redirects=False)).status_code in (302, 303)
    assert await authenticate(facilitator.username, "correct-horse") is None
    assert await authenticate(facilitator.username, password) is not None
    assert not await has_staff_feed(facilitator.id)
    assert password not in (await admin_client.get(f"/admin/staff/{facilitator.id}")).text
    event = await AuditEvent.select().where(AuditEvent.action == "password").first().run()
    assert event["subject_id"] == facilitator.id and "administrator" in event["summary"]


async def test_only_admins_may_reset_a_password(organizer_client, facilitator):
    response = await post_form(organizer_client, f"/admin/staff/{facilitator.id}/password")
    assert response.status_code == 403
    assert await authenticate(facilitator.username, "correct-horse") is not None


async def test_an_admin_changes_their_own_password_on_the_password_page_not_here(admin_client, admin):
    response = await post_form(admin_client, f"/admin/staff/{admin.id}/password")
    assert response.status_code == 409 and "Change your own password on the password page." in response.text
    assert await authenticate(admin.username, "correct-horse") is not None


async def test_command_line_reset_sets_the_password_ends_sessions_and_stops_the_feed(db, capsys):
    member = await make_staff(role="organizer", username="wati")
    await reissue_staff_feed(None, member.id)
    assert await reset_staff_password("Wati", "a-new-long-one") == 0
    assert "Password of 'Wati' changed" in capsys.readouterr().out
    signed_in = await authenticate("wati", "a-new-long-one")
    assert signed_in is not None and signed_in[1] == 2  # the session version moved on: older sessions ended
    assert not await has_staff_feed(member.id)
    event = await AuditEvent.select().where(AuditEvent.action == "password").first().run()
    assert event["subject_id"] == member.id and "command line" in event["summary"]


async def test_command_line_reset_of_an_unknown_username_says_so_and_fails(db, capsys):
    assert await reset_staff_password("nobody", "a-new-long-one") == 1
    assert "No staff account with the username 'nobody'." in capsys.readouterr().err


async def test_command_line_reset_refuses_a_short_password(db, capsys):
    await make_staff(username="budi")
    assert await reset_staff_password("budi", "short") == 1
    assert "8 to 128 characters" in capsys.readouterr().err
    assert await authenticate("budi", "correct-horse") is not None


def test_the_command_exits_with_1_for_an_unknown_username(db_sync, monkeypatch, capsys):
    monkeypatch.setenv("GOTONG_NEW_USER_PASSWORD", "a-new-long-one")
    umask = os.umask(0o022)  # main() tightens the process's umask; later tests keep theirs
    try:
        with pytest.raises(SystemExit) as exited:
            main(["reset-password", "nobody"])
    finally:
        os.umask(umask)
    assert exited.value.code == 1
    assert "No staff account" in capsys.readouterr().err
