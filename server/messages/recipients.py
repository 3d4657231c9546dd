"""Who a participant's message goes to: their channel, address and language, and only with consent to be contacted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server import phones
from server.messages.outbox import queue
from server.people.consent import active_consents
from server.people.tables import Participant


@dataclass(frozen=True)
class Recipient:
    participant_id: int
    name: str
    channel: str  # email | sms
    address: str
    language: str


async def participant_recipients(participant_ids: list[int]) -> dict[int, Recipient]:
    """The people among `participant_ids` that may be sent a message now, in two queries whatever their number:
    current consent to be contacted, not erased, and an address. E-mail when they gave one, else a text message to
    their phone (SMS or WhatsApp through the gateway). Delivery checks the consent again at send time."""
    ids = sorted(set(participant_ids))
    if not ids:
        return {}
    consents = await active_consents(ids)
    allowed = [pid for pid in ids if "contact" in consents.get(pid, set())]
    if not allowed:
        return {}
    rows = (
        await Participant.select(
            Participant.id, Participant.display_name, Participant.email, Participant.phone, Participant.preferred_locale
        )
        .where(Participant.id.is_in(allowed) & Participant.anonymised_at.is_null())
        .run()
    )
    found: dict[int, Recipient] = {}
    for row in rows:
        language = row["preferred_locale"] or "id"
        if row["email"]:
            found[row["id"]] = Recipient(row["id"], row["display_name"], "email", row["email"], language)
        elif number := phones.e164(row["phone"]):
            found[row["id"]] = Recipient(row["id"], row["display_name"], "sms", number, language)
    return found


async def queue_to(
    recipient: Recipient,
    *,
    key: str,
    template: str,
    context: dict[str, Any],
    program_id: int | None = None,
    session_id: int | None = None,
    timezone: str | None = None,
    urgent: bool = False,
    now: datetime | None = None,
) -> bool:
    """Queues one message to a participant on their channel, in their language; `name` is added to the context.
    The key says what the message is about (e.g. `reminder:{session}:{participant}`); one per person and event."""
    return await queue(
        key=key,
        template=template,
        language=recipient.language,
        address=recipient.address,
        channel=recipient.channel,
        participant_id=recipient.participant_id,
        program_id=program_id,
        session_id=session_id,
        context={"name": recipient.name, **context},
        timezone=timezone,
        urgent=urgent,
        now=now,
    )
