"""One-click unsubscribe (RFC 8058): a signed link per participant that withdraws their consent to be contacted."""

from __future__ import annotations

import hashlib
import hmac

from server.config import settings
from server.people import consent

# The route (server/messages/routes.py) answers at this address; services build the absolute link without a
# request (a message is rendered by a worker), so the path is spelled once here.
PATH = "/unsubscribe/"


def _signature(participant_id: int) -> str:
    message = f"unsubscribe:{participant_id}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def unsubscribe_token(participant_id: int) -> str:
    """No expiry: a mail client may use the List-Unsubscribe link of an old message. It can only withdraw consent."""
    return f"{participant_id}.{_signature(participant_id)}"


def unsubscribe_url(participant_id: int) -> str:
    return f"{settings.base_url}{PATH}{unsubscribe_token(participant_id)}"


def token_participant(token: str) -> int | None:
    """The participant a token was made for; None for anything forged or malformed."""
    number, _, signature = token.partition(".")
    if not number.isascii() or not number.isdigit() or len(number) > 12:
        return None
    participant_id = int(number)
    if not hmac.compare_digest(signature, _signature(participant_id)):
        return None
    return participant_id


async def unsubscribe(token: str) -> bool:
    """Withdraws the person's consent to be contacted (which also removes their phone and e-mail). False for a bad
    token; True also when there was nothing left to withdraw (a second click)."""
    participant_id = token_participant(token)
    if participant_id is None:
        return False
    current = await consent.active_consents([participant_id])
    if "contact" in current.get(participant_id, set()):
        await consent.withdraw_consent(participant_id, "contact", actor=None)
    return True
