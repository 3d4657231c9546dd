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
    """Sends one outbox message; returns its Message-ID as the provider id."""

    def __init__(self, settings: Settings) -> None:
        self.server = smtp_server(settings.smtp_url)
        self.mail_from = settings.mail_from

    async def __call__(self, message: dict[str, Any], to: str) -> str:
        email = build_email(message, mail_from=self.mail_from, to=to)
        server = self.server
        try:
            await aiosmtplib.send(
                email,
                hostname=server.hostname,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.use_tls,
                start_tls=server.start_tls,
                timeout=30,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            if all(refusal.code >= 500 for refusal in error.recipients):
                raise PermanentFailure(str(error)) from error
            raise
        except aiosmtplib.SMTPResponseException as error:
            if error.code >= 500:
                raise PermanentFailure(f"{error.code} {error.message}") from error
            raise
        return str(email["Message-ID"])
