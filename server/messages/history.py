"""What was sent to a participant and when, for their staff page: kinds, channels, statuses and times, no bodies."""

from __future__ import annotations

from typing import Any

from server.messages import kinds  # noqa: F401  (registers the labels the history is shown with)
from server.messages.tables import OutboxMessage

LATEST = 20


async def participant_messages(participant_id: int, limit: int = LATEST) -> tuple[list[dict[str, Any]], int]:
    """The person's latest `limit` messages, newest first, and how many they have in all: two queries, whatever
    the number. Neither body, subject nor address: the page says that a message went and when, not what it said."""
    where = OutboxMessage.participant == participant_id
    total = await OutboxMessage.count().where(where).run()
    if not total:
        return [], 0
    rows = (
        await OutboxMessage.select(
            OutboxMessage.id,
            OutboxMessage.template,
            OutboxMessage.channel,
            OutboxMessage.status,
            OutboxMessage.created_at,
            OutboxMessage.next_attempt_at,
            OutboxMessage.sent_at,
        )
        .where(where)
        .order_by(OutboxMessage.id, ascending=False)
        .limit(limit)
        .run()
    )
    return rows, total
