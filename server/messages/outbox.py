"""Queueing messages: rendering a template in the recipient's language and adding it to the outbox, once per key."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from jinja2 import Environment

from server import clock
from server.config import settings
from server.i18n import use_locale
from server.messages.quiet import release_time
from server.messages.tables import OutboxMessage
from server.messages.unsubscribe import unsubscribe_url
from server.web.templating import make_environment

CHANNELS = ("email", "sms")
STATUSES = ("queued", "sending", "sent", "failed", "cancelled")


@functools.cache
def _environment() -> Environment:
    return make_environment()


def render(template: str, language: str, context: dict[str, Any], channel: str = "email") -> tuple[str, str, str]:
    """Subject, plain text and HTML of templates/messages/<template>.html in `language`: its blocks `subject`,
    `text` and `html` for an e-mail; its block `sms` (one short paragraph) as the text of an SMS/WhatsApp message."""
    page = _environment().get_template(f"messages/{template}.html")
    blocks = ("subject", "text", "html") if channel == "email" else ("sms",)
    with use_locale(language):
        parts = ["".join(page.blocks[block](page.new_context(dict(context)))).strip() for block in blocks]
    if channel != "email":
        return "", " ".join(parts[0].split()) + "\n", ""
    subject = " ".join(parts[0].split())  # one line, whatever the template's layout
    return subject, parts[1] + "\n", parts[2]


async def queue(
    *,
    key: str,
    template: str,
    language: str,
    address: str,
    context: dict[str, Any],
    participant_id: int | None = None,
    staff_id: int | None = None,
    channel: str = "email",
    program_id: int | None = None,
    session_id: int | None = None,
    now: datetime | None = None,
    urgent: bool = False,
    timezone: str | None = None,
) -> bool:
    """Adds a message inside the caller's transaction (a change refused and rolled back queues nothing). A key
    already in the outbox adds nothing: returns whether this call queued it.

    The message is rendered now, not at send time: its wording is what the privacy policy allowed when the change
    happened, and a personal link exists in plain text only at that moment (only its hash is kept). The bodies are
    cleared once the message is sent or cancelled (server/messages/delivery.py), so the outbox keeps no live link.

    A message that is not `urgent` and is queued in the quiet hours (GOTONG_QUIET_HOURS, in `timezone`, else the
    organisation's) waits until they end."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    now = now or clock.now()
    due = now if urgent else release_time(now, timezone or clock.organisation_timezone(), settings.quiet_hours)
    context = {**context, "unsubscribe_url": unsubscribe_url(participant_id) if participant_id else ""}
    subject, text, html = render(template, language, context, channel)
    inserted = (
        await OutboxMessage.insert(
            OutboxMessage(
                participant=participant_id,
                staff=staff_id,
                address=address,
                channel=channel,
                template=template,
                language=language,
                program_id=program_id,
                session_id=session_id,
                idempotency_key=key,
                status="queued",
                next_attempt_at=due,
                subject=subject,
                body_text=text,
                body_html=html,
                created_at=now,
            )
        )
        .on_conflict(target=OutboxMessage.idempotency_key, action="DO NOTHING")
        .returning(OutboxMessage.id)
        .run()
    )
    return bool(inserted)


def _with_status(status: str | None) -> Any:
    return OutboxMessage.status == status if status else OutboxMessage.id.is_not_null()


async def count_messages(status: str | None = None) -> int:
    return await OutboxMessage.count().where(_with_status(status)).run()


async def recent_messages(limit: int, offset: int, status: str | None = None) -> list[dict[str, Any]]:
    """The outbox newest first (only messages in `status`, when given), with what an admin needs to follow a
    message: status, attempts, last error."""
    return (
        await OutboxMessage.select(
            OutboxMessage.id,
            OutboxMessage.participant,
            OutboxMessage.staff,
            OutboxMessage.address,
            OutboxMessage.channel,
            OutboxMessage.template,
            OutboxMessage.language,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.next_attempt_at,
            OutboxMessage.last_error,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
        )
        .where(_with_status(status))
        .order_by(OutboxMessage.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )


async def queued_keys(keys: list[str]) -> set[str]:
    """Which of `keys` the outbox already holds: a periodic job renders only the messages it has not queued yet."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):  # well under every engine's limit on bound parameters
        chunk = keys[start : start + 500]
        rows = await OutboxMessage.select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.is_in(chunk)
        )
        found.update(row["idempotency_key"] for row in rows)
    return found


async def withdraw_queued(keys: list[str]) -> int:
    """Removes the messages under `keys` that are still waiting (e.g. reminders of a session just cancelled or
    moved): never sent, they leave no record, and their keys are free for a later message."""
    withdrawn = 0
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = await (
            OutboxMessage.delete()
            .where(OutboxMessage.idempotency_key.is_in(chunk) & (OutboxMessage.status == "queued"))
            .returning(OutboxMessage.id)
        )
        withdrawn += len(rows)
    return withdrawn
