"""Password reset by e-mail: the same answer whether or not an account matches, a one-time hashed link that works
for 30 minutes, and a reset that ends every session. (Not test_password_reset.py: tests/people has that name.)"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

from conftest import csrf_token, post_form, sign_in
from factories import PASSWORD, make_staff
from litestar.testing import AsyncTestClient
from mail_fixtures import channels, smtp  # noqa: F401  (fixtures)

from server import clock
from server.audit import AuditEvent
from server.messages import delivery
from server.messages.tables import OutboxMessage, PasswordReset
from server.people.staff import authenticate, update_staff
from server.people.tables import Staff
from server.web.logs import redact

LINK_RE = re.compile(r"https?://\S+/password/reset/([A-Za-z0-9_-]+)")
CSRF_VALUE_RE = re.compile(r"[A-Za-z0-9_.=+/-]{40,}")
NEW_PASSWORD = "a-new-long-password"


async def _ask(client, identifier: str):
    return await post_form(client, "/password/forgot", {"identifier": identifier})


async def _emailed_token(smtp, channels) -> str:
    await delivery.deliver_due(channels=channels)
    _to, _raw, email = smtp.messages[-1]
    match = LINK_RE.search(email.get_body(("plain",)).get_content())
    assert match, "no reset link in the e-mail"
    return match.group(1)


async def _reset(client, token: str, password: str = NEW_PASSWORD, repeat: str | None = None):
    data = {"new_password": password, "repeat_password": password if repeat is None else repeat}
    return await post_form(client, f"/password/reset/{token}", data)


def _plain(text: str) -> str:
    """A page without its per-response values (masked CSRF tokens)."""
    return CSRF_VALUE_RE.sub("", text)


async def test_the_sign_in_page_links_to_the_forgotten_password_form(client, db):
    page = await client.get("/login")
    assert 'href="/password/forgot"' in page.text
    assert (await client.get("/password/forgot")).status_code == 200


async def test_the_link_in_the_email_sets_a_new_password_and_ends_every_other_session(app, client, smtp, channels):
    rina = await make_staff(username="rina", display_name="Rina Wulandari")
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as laptop:
        await sign_in(laptop, "rina")
        assert (await laptop.get("/dashboard", follow_redirects=False)).status_code == 200

        answer = await _ask(client, "Rina")
        assert answer.status_code == 200 and "If an account matches" in answer.text
        token = await _emailed_token(smtp, channels)
        [(recipients, _raw, email)] = smtp.messages
        assert recipients == ["rina@example.org"]
        assert "Rina Wulandari" in email.get_body(("plain",)).get_content()

        form = await client.get(f"/password/reset/{token}")
        assert form.status_code == 200 and form.headers["cache-control"].startswith("private")
        done = await _reset(client, token)
        assert done.status_code == 303 and done.headers["location"] == "/login"

        # The laptop's session ended with the reset; the new password signs in, the old one does not.
        assert (await laptop.get("/dashboard", follow_redirects=False)).headers["location"].startswith("/login")
    assert await authenticate("rina", NEW_PASSWORD) is not None
    assert await authenticate("rina", PASSWORD) is None
    stored = await PasswordReset.select().run()
    assert [row["token_hash"] for row in stored] != [token] and token not in str(stored)
    assert stored[0]["used_at"] is not None
    assert await AuditEvent.exists().where((AuditEvent.subject_id == rina.id) & (AuditEvent.action == "password")).run()
    message = await OutboxMessage.select().first().run()
    assert message["staff"] == rina.id and message["template"] == "password_reset"


async def test_an_unknown_account_gets_the_same_answer_and_queues_nothing(client, db):
    await make_staff(username="rina")
    known = await _ask(client, "rina@example.org")
    unknown = await _ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert _plain(known.text) == _plain(unknown.text)
    assert await OutboxMessage.count().run() == 1
    assert await PasswordReset.count().run() == 1


async def test_an_inactive_account_is_sent_nothing(client, db):
    admin = await make_staff("admin")
    gone = await make_staff(username="gone")
    await update_staff(gone.id, actor=admin, role="facilitator", active=False, display_name="Gone")
    assert (await _ask(client, "gone")).status_code == 200
    assert await OutboxMessage.count().run() == 0


async def test_the_message_is_in_the_staff_members_language(client, smtp, channels):
    nur = await make_staff(username="nur")
    await Staff.update({Staff.locale: "id"}).where(Staff.id == nur.id).run()
    await _ask(client, "nur")
    await delivery.deliver_due(channels=channels)
    [(_to, _raw, email)] = smtp.messages
    assert email["Subject"] == "Atur kata sandi baru untuk Gotong"


async def test_expired_reused_unknown_and_malformed_links_get_the_same_plain_404(client, smtp, channels):
    await make_staff(username="rina")
    asked_at = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    with clock.frozen(asked_at):
        await _ask(client, "rina")
        expired = await _emailed_token(smtp, channels)
    with clock.frozen(asked_at + timedelta(minutes=29)):
        assert (await client.get(f"/password/reset/{expired}")).status_code == 200
    with clock.frozen(asked_at + timedelta(minutes=31)):
        answers = {"expired": await client.get(f"/password/reset/{expired}")}
        answers["expired, posted"] = await _reset(client, expired)

    await _ask(client, "rina")
    reused = await _emailed_token(smtp, channels)
    assert (await _reset(client, reused)).status_code == 303
    await client.get("/login")  # shows (and so clears) the "new password is set" flash
    answers["reused"] = await client.get(f"/password/reset/{reused}")
    answers["reused, posted"] = await _reset(client, reused, "yet-another-password")
    answers["unknown"] = await client.get("/password/reset/" + "x" * 43)
    answers["malformed"] = await client.get("/password/reset/" + "x" * 300)

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 404)
    assert len({_plain(answer.text) for answer in answers.values()}) == 1
    assert await authenticate("rina", NEW_PASSWORD) is not None


async def test_using_one_link_revokes_the_persons_other_links(client, smtp, channels):
    await make_staff(username="rina")
    await _ask(client, "rina")
    first = await _emailed_token(smtp, channels)
    await _ask(client, "rina@example.org")
    second = await _emailed_token(smtp, channels)
    assert (await _reset(client, second)).status_code == 303
    assert (await client.get(f"/password/reset/{first}")).status_code == 404


async def test_the_password_rules_of_the_password_page_hold_and_keep_the_link_usable(client, smtp, channels):
    await make_staff(username="rina")
    await _ask(client, "rina")
    token = await _emailed_token(smtp, channels)
    differ = await _reset(client, token, NEW_PASSWORD, "something-else")
    assert differ.status_code == 400 and "The two new passwords differ." in differ.text
    short = await _reset(client, token, "short")
    assert short.status_code == 400 and "8 to 128 characters" in short.text
    assert await authenticate("rina", PASSWORD) is not None
    assert (await _reset(client, token)).status_code == 303


async def test_a_person_gets_at_most_three_open_links_however_often_someone_asks(client, db):
    await make_staff(username="rina")
    for _ in range(5):
        assert (await _ask(client, "rina")).status_code == 200
    assert await OutboxMessage.count().run() == 3


async def test_asking_is_limited_per_address_like_signing_in(db, settings):
    from server.app import create_app

    limited = create_app(dataclasses.replace(settings, login_attempts_per_minute=2))
    async with AsyncTestClient(app=limited, base_url="http://testserver.local") as client:
        token = await csrf_token(client)
        statuses = [
            (
                await client.post("/password/forgot", data={"identifier": "rina"}, headers={"x-csrftoken": token})
            ).status_code
            for _ in range(3)
        ]
    assert statuses == [200, 200, 429]


def test_a_reset_link_never_reaches_a_log_line():
    assert redact('"GET /password/reset/AbC-12_x HTTP/1.1" 200') == '"GET /password/reset/[redacted] HTTP/1.1" 200'
