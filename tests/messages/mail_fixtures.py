"""A real SMTP server (aiosmtpd) in the test process, and senders pointed at it (fixtures the tests here import:
a conftest.py in this folder would shadow the root one that other tests import as `conftest`)."""

from __future__ import annotations

import dataclasses
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """Keeps every message the server accepted; `refuse` holds answers to give to the next deliveries instead."""

    def __init__(self) -> None:
        self.messages: list = []
        self.refuse: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse.pop(0)
        raw = envelope.original_content or envelope.content
        self.messages.append((envelope.rcpt_tos, raw, message_from_bytes(raw, policy=policy.default)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


@pytest.fixture
def channels(smtp):
    from server.config import load_settings
    from server.messages.email import EmailSender

    settings = dataclasses.replace(load_settings(), smtp_url=smtp.url, mail_from="Gotong <kabar@gotong.example>")
    return {"email": EmailSender(settings)}


@pytest.fixture
async def person(db):
    """A participant who gave an e-mail address and consent to be contacted, reading Indonesian."""
    from server.people.participants import create_participant

    values = {"display_name": "Siti Rahayu", "email": "siti@example.org", "preferred_locale": "id"}
    return await create_participant(None, values, ["participation", "data_collection", "contact"])
