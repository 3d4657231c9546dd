"""The outbox: queueing once per key, claiming, consent at send time, retries, failures, e-mail as it arrives."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from mail_fixtures import channels, person, smtp  # noqa: F401  (fixtures)

from server import clock
from server.db import transaction
from server.messages import delivery
from server.messages.outbox import queue
from server.messages.tables import OutboxMessage
from server.people.consent import withdraw_consent

TITLE = "Kelompok Dukungan Ibu — Pekalongan"


async def _queue(participant_id: int, key: str = "test:1", **overrides) -> bool:
    values = dict(
        key=key,
        template="registration_received",
        language="id",
        address="siti@example.org",
        participant_id=participant_id,
        urgent=True,  # due at once whatever the hour the suite runs (quiet hours: test_quiet_hours.py)
        context={
            "name": "Siti Rahayu",
            "program_title": TITLE,
            "status": "enrolled",
            "personal_url": "https://gotong.example/my/secret-link",
        },
    )
    values.update(overrides)
    return await queue(**values)


async def _rows() -> list[dict]:
    return await OutboxMessage.select().order_by(OutboxMessage.id).run()


async def test_queueing_the_same_key_twice_keeps_one_message(person):
    assert await _queue(person) is True
    assert await _queue(person) is False
    assert len(await _rows()) == 1


async def test_a_message_queued_in_a_refused_change_is_not_kept(person):
    with pytest.raises(RuntimeError):
        async with transaction():
            await _queue(person)
            raise RuntimeError("the change was refused")
    assert await _rows() == []


async def test_email_arrives_with_both_parts_in_indonesian_and_one_click_unsubscribe(person, smtp, channels):
    await _queue(person)
    assert await delivery.deliver_due(channels=channels) == 1
    [(recipients, raw, email)] = smtp.messages
    assert recipients == ["siti@example.org"]
    assert email["Subject"] == f"Tempat Anda di {TITLE} sudah pasti"
    assert email["From"] == "Gotong <kabar@gotong.example>"
    assert email["Message-ID"].endswith("@gotong.example>")
    assert email["List-Unsubscribe"].strip().startswith(f"<http://127.0.0.1:8000/unsubscribe/{person}.")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "Halo Siti Rahayu," in text and TITLE in text and "https://gotong.example/my/secret-link" in text
    assert '<a href="https://gotong.example/my/secret-link">' in html and TITLE in html
    assert b"utf-8" in raw.lower()
    [row] = await _rows()
    assert row["status"] == "sent" and row["provider_id"] == email["Message-ID"] and row["sent_at"] is not None
    # The personal link was in the bodies: once sent they are not kept.
    assert row["body_text"] == "" and row["body_html"] == ""


async def test_two_workers_at_once_send_a_message_once(person, smtp, channels):
    for number in range(5):
        await _queue(person, key=f"test:{number}")
    claimed = await asyncio.gather(delivery.deliver_due(channels=channels), delivery.deliver_due(channels=channels))
    assert sum(claimed) == 5
    assert len(smtp.messages) == 5
    assert {row["status"] for row in await _rows()} == {"sent"}


async def test_a_message_whose_worker_died_is_claimed_again_after_its_lease(person, smtp, channels):
    await _queue(person)
    start = clock.now()
    with clock.frozen(start):
        assert len(await delivery.claim(10, ["email"], start)) == 1  # the worker dies here
        assert await delivery.deliver_due(channels=channels) == 0
    with clock.frozen(start + delivery.LEASE + timedelta(seconds=1)):
        assert await delivery.deliver_due(channels=channels) == 1
    assert len(smtp.messages) == 1
    [row] = await _rows()
    assert row["status"] == "sent" and row["attempts"] == 2


async def test_nobody_is_sent_a_message_without_consent_to_be_contacted(db, smtp, channels):
    from server.people.participants import create_participant

    values = {"display_name": "Budi", "preferred_locale": "id"}
    silent = await create_participant(None, values, ["participation", "data_collection"])
    await _queue(silent, address="budi@example.org")
    await delivery.deliver_due(channels=channels)
    assert smtp.messages == []
    [row] = await _rows()
    assert row["status"] == "cancelled" and "consent" in row["last_error"]
    assert row["address"] == "" and row["body_text"] == ""


async def test_consent_withdrawn_between_queueing_and_sending_stops_the_message(person, smtp, channels):
    await _queue(person)
    await withdraw_consent(person, "contact", actor=None)
    await delivery.deliver_due(channels=channels)
    assert smtp.messages == []
    [row] = await _rows()
    assert row["status"] == "cancelled"


async def test_a_temporary_refusal_is_retried_later_then_sent(person, smtp, channels):
    smtp.refuse.append("451 4.3.0 Try again later")
    await _queue(person)
    start = clock.now()
    with clock.frozen(start):
        await delivery.deliver_due(channels=channels)
        [row] = await _rows()
        assert row["status"] == "queued" and row["attempts"] == 1 and "451" in row["last_error"]
        assert row["next_attempt_at"] >= start + delivery.backoff(1)
        assert await delivery.deliver_due(channels=channels) == 0  # not before its time
    with clock.frozen(start + delivery.backoff(1) + timedelta(seconds=1)):
        assert await delivery.deliver_due(channels=channels) == 1
    assert len(smtp.messages) == 1
    [row] = await _rows()
    assert row["status"] == "sent" and row["attempts"] == 2 and row["last_error"] == ""


async def test_temporary_failures_end_in_failed_after_the_last_attempt(person, smtp, channels):
    smtp.refuse.extend(["451 busy"] * delivery.MAX_ATTEMPTS)
    await _queue(person)
    at = clock.now()
    for _attempt in range(delivery.MAX_ATTEMPTS):
        with clock.frozen(at):
            await delivery.deliver_due(channels=channels)
        at += timedelta(days=1)
    [row] = await _rows()
    assert row["status"] == "failed" and row["attempts"] == delivery.MAX_ATTEMPTS
    # Never to be sent: the live personal link it held is not kept (nor shown on the outbox page).
    assert row["body_text"] == "" and row["body_html"] == ""


async def test_a_permanent_refusal_fails_at_once_and_is_shown_in_the_outbox(person, smtp, channels, admin_client):
    smtp.refuse.append("550 5.1.1 No such mailbox")
    await _queue(person)
    await delivery.deliver_due(channels=channels)
    [row] = await _rows()
    assert row["status"] == "failed" and row["attempts"] == 1
    assert row["body_text"] == "" and row["body_html"] == ""
    page = await admin_client.get("/admin/outbox")
    assert page.status_code == 200
    assert "No such mailbox" in page.text and "Failed" in page.text
    assert "secret-link" not in page.text


async def test_without_an_smtp_server_messages_stay_queued_and_admins_read_them(person, admin_client):
    await _queue(person)
    assert await delivery.deliver_due() == 0  # the test settings name no SMTP server
    [row] = await _rows()
    assert row["status"] == "queued"
    page = await admin_client.get("/admin/outbox")
    assert "https://gotong.example/my/secret-link" in page.text and "Queued" in page.text


async def test_organizers_may_not_see_the_outbox(organizer_client):
    assert (await organizer_client.get("/admin/outbox")).status_code == 403


async def test_facilitators_may_not_see_the_outbox(facilitator_client):
    assert (await facilitator_client.get("/admin/outbox")).status_code == 403
