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
from server.web.logs import redact

TIMEOUT_SECONDS = 30.0
# What a template's `sms` block should stay within: a sentence, a time and a personal link fit in two SMS parts.
# The sender never cuts a text (a cut would break the link at its end); tests hold every template to it.
MAX_LENGTH = 300


class SmsGatewaySender:
    def __init__(self, settings: Settings, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = settings.sms_webhook_url
        self.headers = {"Authorization": f"Bearer {settings.sms_webhook_token}"} if settings.sms_webhook_token else {}
        self.timeout = timeout

    async def __call__(self, message: dict[str, Any], to: str) -> str:
        payload = {
            "to": to,
            "text": message["body_text"].strip(),
            "idempotency_key": message["idempotency_key"],
            "message_id": message["id"],
        }
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            answer = await client.post(self.url, json=payload, headers=self.headers)
        if answer.is_success:
            return _provider_id(answer)
        if 400 <= answer.status_code < 500 and answer.status_code not in (408, 429):
            # The error is kept and shown in the outbox after the bodies are cleared: a gateway that echoes the
            # text back must not leave the personal link there.
            raise PermanentFailure(f"gateway refused: {answer.status_code} {redact(answer.text[:200])}")
        raise RuntimeError(f"gateway answered {answer.status_code}")


def _provider_id(answer: httpx.Response) -> str:
    """The gateway's own id for the message: the `id` of a JSON object answer; "" for any other answer."""
    try:
        body = answer.json()
    except ValueError:
        return ""
    found = body.get("id") if isinstance(body, dict) else None
    return "" if found is None else str(found)
