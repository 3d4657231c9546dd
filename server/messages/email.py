"""The e-mail channel: the SMTP server from GOTONG_SMTP_URL, building a message with both parts, sending it."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from server import clock
from server.config import Settings
from server.messages.unsubscribe import unsubscribe_url


class PermanentFailure(Exception):
    """The provider refused for good (an unknown mailbox): trying again would not help."""


@dataclass(frozen=True)
class SmtpServer:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # smtps://: TLS from the first byte
    start_tls: bool  # ?starttls=1: upgrade a plain connection


def smtp_server(url: str) -> SmtpServer:
    parts = urlsplit(url)
    implicit = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    return SmtpServer(
        hostname=parts.hostname or "localhost",
        port=parts.port or (465 if implicit else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=implicit,
        start_tls=not implicit and query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
    )


def build_email(message: dict[str, Any], *, mail_from: str, to: str) -> EmailMessage:
    """Plain text first, HTML as the alternative, UTF-8 (Indonesian names and titles travel intact); a participant's
    message carries the one-click unsubscribe headers of RFC 8058."""
    email = EmailMessage()
    email["Subject"] = message["subject"]
    email["From"] = mail_from
    email["To"] = to
    email["Date"] = format_datetime(clock.now())
    email["Message-ID"] = make_msgid(domain=parseaddr(mail_from)[1].rpartition("@")[2] or None)
    if message.get("participant"):
        email["List-Unsubscribe"] = f"<{unsubscribe_url(message['participant'])}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message["body_text"], charset="utf-8")
    if message["body_html"]:
        email.add_alternative(message["body_html"], subtype="html", charset="utf-8")
    return email


class EmailSender:
    """Sends outbox messages; returns each one's Message-ID as the provider id. Calling it sends one message on a
    connection of its own; `batch()` sends a batch of messages on one connection (the delivery loop's way)."""

    def __init__(self, settings: Settings) -> None:
        self.server = smtp_server(settings.smtp_url)
        self.mail_from = settings.mail_from

    async def __call__(self, message: dict[str, Any], to: str) -> str:
        async with self.batch() as send:
            return await send(message, to)

    def batch(self) -> SmtpBatch:
        return SmtpBatch(self)


class SmtpBatch:
    """One SMTP connection for a batch of messages: opened at the first message, closed (QUIT) after the last, opened
    afresh after a failure, so that a refusal or a dropped connection never spoils the next message."""

    def __init__(self, sender: EmailSender) -> None:
        self.sender = sender
        self.client: aiosmtplib.SMTP | None = None

    async def __aenter__(self) -> SmtpBatch:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.client is not None and self.client.is_connected:
            try:
                await self.client.quit()
            except aiosmtplib.SMTPException:
                self.client.close()
        self.client = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self.client is None or not self.client.is_connected:
            server = self.sender.server
            # Connecting also says EHLO, upgrades with STARTTLS and logs in, as configured.
            self.client = aiosmtplib.SMTP(
                hostname=server.hostname,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.use_tls,
                start_tls=server.start_tls,
                timeout=30,
            )
            await self.client.connect()
        return self.client

    async def __call__(self, message: dict[str, Any], to: str) -> str:
        email = build_email(message, mail_from=self.sender.mail_from, to=to)
        try:
            await (await self._connected()).send_message(email)
        except aiosmtplib.SMTPRecipientsRefused as error:
            self._drop()
            if all(refusal.code >= 500 for refusal in error.recipients):
                raise PermanentFailure(str(error)) from error
            raise
        except aiosmtplib.SMTPResponseException as error:
            self._drop()
            if error.code >= 500:
                raise PermanentFailure(f"{error.code} {error.message}") from error
            raise
        except BaseException:
            self._drop()
            raise
        return str(email["Message-ID"])

    def _drop(self) -> None:
        if self.client is not None:
            self.client.close()
        self.client = None
