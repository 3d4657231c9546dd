"""Announcements: a program's team writes to everyone enrolled — who it would reach, the preview, and the sending."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server import audit, clock, privacy
from server.config import settings
from server.db import transaction
from server.enrolment.tables import Enrolment
from server.errors import DomainError
from server.i18n import N_
from server.messages.outbox import render
from server.messages.recipients import Recipient, participant_recipients, queue_to
from server.messages.unsubscribe import PATH as UNSUBSCRIBE_PATH
from server.notices.tables import Announcement

TEMPLATE = "announcement"
MAX_SUBJECT = 120
MAX_TEXT = 1000
# What new_form_key makes (URL-safe base64 of 24 random bytes); anything else is not a preview's key.
FORM_KEY = re.compile(r"^[A-Za-z0-9_-]{32}$")


def new_form_key() -> str:
    """The one-time key a preview hands to its confirm button: the announcement sent from it keeps it, so a second
    press (or a browser resubmitting the form) sends nothing."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Audience:
    """Who an announcement would reach now: `recipients` (consent to be contacted and an address) of `enrolled`."""

    enrolled: int
    recipients: dict[int, Recipient]

    @property
    def count(self) -> int:
        return len(self.recipients)

    @property
    def unreachable(self) -> int:
        return self.enrolled - self.count

    def languages(self) -> list[str]:
        return sorted({recipient.language for recipient in self.recipients.values()})


async def audience(program: dict[str, Any]) -> Audience:
    """Everyone enrolled now (not waitlisted, withdrawn or completed), and who of them may be sent a message:
    three queries whatever their number."""
    rows = (
        await Enrolment.select(Enrolment.participant)
        .where((Enrolment.program == program["id"]) & (Enrolment.status == "enrolled"))
        .run()
    )
    ids = [row["participant"] for row in rows]
    return Audience(len(set(ids)), await participant_recipients(ids))


def check(program: dict[str, Any], subject: str, text: str) -> None:
    """The rules on what staff write (the form checks lengths first; a service called directly checks them too).
    A discreet program's real title may not be written into an announcement: the frame only ever names it by its
    neutral title, and the staff member's words are sent as they are."""
    if not subject.strip():
        raise DomainError("announcement_subject", N_("Write a subject."), field="subject")
    if len(subject) > MAX_SUBJECT:
        raise DomainError("announcement_subject", N_("At most %(n)s characters."), field="subject", n=MAX_SUBJECT)
    if not text.strip():
        raise DomainError("announcement_text", N_("Write the announcement."), field="text")
    if len(text) > MAX_TEXT:
        raise DomainError("announcement_text", N_("At most %(n)s characters."), field="text", n=MAX_TEXT)
    if program["discreet"]:
        real = (program["title"] or "").strip().casefold()
        neutral = (program["public_title"] or "").strip().casefold()
        if real and real != neutral:
            for field, value in (("subject", subject), ("text", text)):
                if real in value.casefold():
                    raise DomainError(
                        "announcement_discreet",
                        N_("This program is discreet: messages call it “%(title)s”. Do not write its real title."),
                        field=field,
                        title=program["public_title"],
                    )


def _context(program: dict[str, Any], subject: str, text: str) -> dict[str, Any]:
    # A message is read on a shared phone, in a notification preview: the title of a message, never the real one
    # of a discreet program.
    viewer = privacy.participant_viewer(enrolled=True)
    return {"program_title": privacy.title(program, viewer, privacy.MESSAGE), "subject": subject, "text": text}


@dataclass(frozen=True)
class Preview:
    language: str
    channel: str
    subject: str
    text: str
    html: str


def preview(program: dict[str, Any], subject: str, text: str, who: Audience) -> list[Preview]:
    """The message as it will be rendered: one e-mail and one text message in each language among the recipients
    (the organisation's default language when there are none). The name and unsubscribe link are samples: the
    preview is for staff, and a real unsubscribe link would withdraw someone's consent when clicked."""
    languages = who.languages() or [settings.default_locale]
    context = {
        **_context(program, subject, text),
        "name": "…",
        "unsubscribe_url": f"{settings.base_url}{UNSUBSCRIBE_PATH}…",
    }
    found = []
    for language in languages:
        for channel in ("email", "sms"):
            rendered = render(TEMPLATE, language, context, channel)
            found.append(Preview(language, channel, *rendered))
    return found


async def send_announcement(
    program: dict[str, Any],
    author: Any,
    subject: str,
    text: str,
    now: datetime | None = None,
    *,
    form_key: str | None = None,
) -> dict[str, Any]:
    """Records the announcement and queues it to everyone enrolled who may be contacted, in one transaction (a
    failure queues nothing), each in their own language; the staff member's words are not translated. Not urgent:
    quiet hours in the program's timezone apply.

    With the `form_key` of the preview it was sent from (the confirm button carries it), it is sent once: a second
    submit of that preview, even at the same moment, queues nothing and answers the first one's result with
    `repeated` true (the unique index on program and key decides between two concurrent submits)."""
    subject, text = subject.strip(), text.strip()
    check(program, subject, text)
    now = now or clock.now()
    async with transaction():
        if form_key and (first := await _sent_from(program, form_key)):
            return first
        who = await audience(program)
        row = Announcement(
            program=program["id"],
            author=author.id,
            subject=subject,
            text=text,
            recipients=who.count,
            created_at=now,
            form_key=form_key or None,
        )
        inserted = (
            await Announcement.insert(row)
            .on_conflict(target=(Announcement.program, Announcement.form_key), action="DO NOTHING")
            .returning(Announcement.id)
            .run()
        )
        if not inserted and form_key:  # the same preview, submitted at the same moment, won the race
            first = await _sent_from(program, form_key)
            if first:
                return first
        announcement_id = inserted[0]["id"]
        context = _context(program, subject, text)
        for participant_id, recipient in sorted(who.recipients.items()):
            await queue_to(
                recipient,
                key=f"announcement:{announcement_id}:{participant_id}",
                template=TEMPLATE,
                context=context,
                program_id=program["id"],
                timezone=program["timezone"],
                now=now,
            )
        await audit.record_audit(
            author,
            "announcement_sent",
            "program",
            program["id"],
            N_("Announcement %(announcement)s queued to %(count)s of %(enrolled)s enrolled participants"),
            announcement=announcement_id,
            count=who.count,
            enrolled=who.enrolled,
        )
    return {"id": announcement_id, "recipients": who.count, "enrolled": who.enrolled, "repeated": False}


async def _sent_from(program: dict[str, Any], form_key: str) -> dict[str, Any] | None:
    row = (
        await Announcement.select(Announcement.id, Announcement.recipients)
        .where((Announcement.program == program["id"]) & (Announcement.form_key == form_key))
        .first()
        .run()
    )
    if row is None:
        return None
    return {"id": row["id"], "recipients": row["recipients"], "enrolled": None, "repeated": True}


async def list_announcements(program_id: int) -> list[dict[str, Any]]:
    """A program's announcements, newest first, with their author's name."""
    return (
        await Announcement.select(
            Announcement.id,
            Announcement.subject,
            Announcement.text,
            Announcement.recipients,
            Announcement.created_at,
            Announcement.author.display_name.as_alias("author_name"),
        )
        .where(Announcement.program == program_id)
        .order_by(Announcement.id, ascending=False)
        .run()
    )
