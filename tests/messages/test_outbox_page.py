"""The admins' outbox page: each message by its kind and channel, filtered by status with links that keep the
filter, a failed message's last error, and a number of queries that does not grow with the outbox."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from querycount import count_queries

from server.i18n import use_locale
from server.messages import kinds
from server.messages.tables import OutboxMessage
from server.web.labels import LABELS

START = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
TEMPLATES = (
    "registration_received",
    "waitlist_position",
    "place_offered",
    "place_promoted",
    "approval_needed",
    "link_reissued",
    "session_reminder",
    "session_cancelled",
    "session_moved",
    "announcement",
    "survey_invitation",
    "survey_reminder",
    "password_reset",
    "warning_digest",
)


async def _messages(count: int, start: int = 0, **values) -> None:
    rows = [
        OutboxMessage(
            **{
                "address": f"person{number}@example.org",
                "channel": "email",
                "template": "session_reminder",
                "idempotency_key": f"test:{number}",
                "status": "queued",
                "subject": f"Subject {number}",
                "body_text": f"Body {number}",
                "created_at": START + timedelta(minutes=number),
                **values,
            }
        )
        for number in range(start, start + count)
    ]
    await OutboxMessage.insert(*rows).run()


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_every_kind_of_message_has_a_label_in_english_and_indonesian():
    assert set(TEMPLATES) <= set(kinds.KINDS)
    with use_locale("en"):
        assert LABELS.label("message_kind", "session_reminder") == "Session reminder"
    with use_locale("id"):
        for template in TEMPLATES:
            assert LABELS.label("message_kind", template) != LABELS.message("message_kind", template), template
        assert LABELS.label("message_channel", "sms") == "SMS/WhatsApp"


def test_a_template_without_a_label_is_shown_by_its_name():
    assert LABELS.label("message_kind", "something_new") == "something_new"


async def test_each_message_shows_its_kind_channel_and_status(admin_client):
    await _messages(1, template="session_cancelled", channel="sms", address="+6281234567890")
    await _messages(1, start=1, template="password_reset", status="sent", body_text="")
    page = await admin_client.get("/admin/outbox")
    assert page.status_code == 200
    newest, oldest = _rows(page.text)
    assert "<strong>Password reset</strong>" in newest and "Sent" in newest and "E-mail" in newest
    assert "<strong>Session cancelled</strong>" in oldest and "SMS/WhatsApp" in oldest and "Queued" in oldest


async def test_a_failed_message_shows_its_last_error(admin_client):
    await _messages(1, status="failed", attempts=5, last_error="SMTPRecipientsRefused: 550 No such mailbox")
    [row] = _rows((await admin_client.get("/admin/outbox")).text)
    assert "Failed" in row and "550 No such mailbox" in row


async def test_the_outbox_is_filtered_by_status(admin_client):
    await _messages(2, status="sent")
    await _messages(3, start=2, status="failed", last_error="refused")
    await _messages(1, start=5, status="cancelled")
    await _messages(4, start=6)
    for status, expected in (("sent", 2), ("failed", 3), ("cancelled", 1), ("queued", 4), ("", 10), ("bogus", 10)):
        rows = _rows((await admin_client.get(f"/admin/outbox?status={status}")).text)
        assert len(rows) == expected, status
    page = (await admin_client.get("/admin/outbox?status=failed")).text
    assert '<a href="/admin/outbox?status=failed" aria-current="page">Failed</a>' in page
    assert '<a href="/admin/outbox?status=sent">Sent</a>' in page and '<a href="/admin/outbox">All</a>' in page


async def test_an_empty_filter_says_so(admin_client):
    await _messages(1)
    assert "No messages with this status." in (await admin_client.get("/admin/outbox?status=failed")).text


async def test_the_pages_of_a_filtered_outbox_keep_the_filter(admin_client):
    await _messages(60, status="failed", last_error="refused")
    await _messages(5, start=60, status="sent")
    page = (await admin_client.get("/admin/outbox?status=failed")).text
    assert len(_rows(page)) == 50
    links = [unescape(link) for link in re.findall(r'href="([^"]*page=2[^"]*)"', page)]
    assert links and all(link == "?status=failed&page=2" for link in links)
    second = (await admin_client.get("/admin/outbox?status=failed&page=2")).text
    assert len(_rows(second)) == 10 and "Sent</td>" not in second


async def test_the_outbox_runs_as_many_queries_for_sixty_messages_as_for_two(admin_client):
    counts = []
    for number, count in enumerate((2, 60)):
        await OutboxMessage.delete(force=True).run()
        await _messages(count, start=number * 100, status="failed", last_error="refused")
        for url in ("/admin/outbox", "/admin/outbox?status=failed"):
            with count_queries() as counter:
                assert (await admin_client.get(url)).status_code == 200
            counts.append(counter["n"])
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
