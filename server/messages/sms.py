"""The SMS/WhatsApp channel: one JSON POST per message to the organisation's gateway (GOTONG_SMS_WEBHOOK_URL).

The gateway is the organisation's own small adapter to its Indonesian SMS or WhatsApp Business provider; the request
it receives is documented in docs/deployment.md:

    POST <GOTONG_SMS_WEBHOOK_URL>
    Authorization: Bearer <GOTONG_SMS_WEBHOOK_TOKEN>        (when set)
    {"to": "+6281234567890", "text": "…", "idempotency_key": "reminder:12:34", "message_id": 56}

A 2xx answer means accepted (its JSON `id`, if any, is kept as the provider id); 4xx other than 408/429 is a
permanent refusal; anything else is tried again later. A gateway that sees the same `idempotency_key` twice should
not send twice: that covers the one window in which Gotong can repeat a message (docs/deployment.md).
"""

from __future__ import annotations

from typing import Any

import httpx

from server.config import Settings
from server.messages.email import PermanentFailure

TIMEOUT_SECONDS = 30.0
# A text message: long enough for a sentence, a time and a personal link, short enough for two SMS parts.
MAX_LENGTH = 300


class SmsGatewaySender:
    def __init__(self, settings: Settings) -> None:
        self.url = settings.sms_webhook_url
        self.headers = {"Authorization": f"Bearer {settings.sms_webhook_token}"} if settings.sms_webhook_token else {}

    async def __call__(self, message: dict[str, Any], to: str) -> str:
        payload = {
            "to": to,
            "text": message["body_text"].strip()[:MAX_LENGTH],
            "idempotency_key": message["idempotency_key"],
            "message_id": message["id"],
        }
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            answer = await client.post(self.url, json=payload, headers=self.headers)
        if answer.is_success:
            try:
                body = answer.json()
            except ValueError:
                body = {}
            return str(body.get("id", "")) if isinstance(body, dict) else ""
        if 400 <= answer.status_code < 500 and answer.status_code not in (408, 429):
            raise PermanentFailure(f"gateway refused: {answer.status_code} {answer.text[:200]}")
        raise RuntimeError(f"gateway answered {answer.status_code}")
