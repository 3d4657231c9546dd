"""A real SMTP server (aiosmtpd) in the browser tests' process: the live server sends its e-mail there (conftest.py
points GOTONG_SMTP_URL at it), and a story waits for the message it expects."""

from __future__ import annotations

import re
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

MAIL_FROM = "Gotong <kabar@gotong.example>"
# The server's delivery loop looks at the outbox every few seconds (server/messages/delivery.py IDLE_SECONDS).
WAIT_SECONDS = 20


class MailSink:
    """Keeps every message accepted; the SMTP server's thread appends, the test's thread reads."""

    def __init__(self) -> None:
        self.url = ""
        self._messages: list[tuple[list[str], EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        with self._lock:
            self._messages.append((list(envelope.rcpt_tos), message_from_bytes(raw, policy=policy.default)))
        return "250 Message accepted for delivery"

    def messages_to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [message for recipients, message in self._messages if address in recipients]

    def wait_for(self, address: str, subject: str, timeout: float = WAIT_SECONDS) -> EmailMessage:
        """The first message to `address` whose subject contains `subject`, once it has arrived."""
        deadline = time.monotonic() + timeout
        while True:
            found = [message for message in self.messages_to(address) if subject in str(message["Subject"])]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                subjects = [str(message["Subject"]) for message in self.messages_to(address)]
                raise AssertionError(f"no message to {address} about {subject!r} within {timeout}s; got {subjects}")
            time.sleep(0.2)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the message has no text part"
    return part.get_content()


def links_in(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", text_of(message))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def mail_sink():
    sink = MailSink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.url = f"smtp://127.0.0.1:{port}"
    yield sink
    controller.stop()
