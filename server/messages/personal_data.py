"""What the messages feature holds about a participant: the messages sent or meant for them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server.messages.tables import OutboxMessage
from server.personal_data import PersonalData, Record, register


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def _messages(participant_id: int) -> list[Record]:
    rows = (
        await OutboxMessage.select(
            OutboxMessage.channel,
            OutboxMessage.address,
            OutboxMessage.subject,
            OutboxMessage.status,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
        )
        .where(OutboxMessage.participant == participant_id)
        .order_by(OutboxMessage.id)
        .run()
    )
    return [
        {
            "channel": row["channel"],
            "address": row["address"],
            "subject": row["subject"],
            "status": row["status"],
            "queued_at": _when(row["created_at"]),
            "sent_at": _when(row["sent_at"]),
        }
        for row in rows
    ]


async def _erase_messages(participant_id: int, now: datetime) -> None:
    # A message not yet sent must not go out to an erased person; the sent ones name them by address and subject.
    await OutboxMessage.delete().where(OutboxMessage.participant == participant_id).run()


MESSAGES = register(PersonalData("messages", (OutboxMessage,), _messages, _erase_messages))
