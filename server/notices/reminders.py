"""Reminders before sessions: once per person per session, a program's `reminder_hours` ahead, run as a periodic
job of the delivery loop (registered in server/notices/__init__.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from server.config import settings
from server.enrolment.tables import Rsvp
from server.messages.outbox import queued_keys
from server.messages.quiet import release_time
from server.messages.recipients import participant_recipients, queue_to
from server.notices.audience import session_context, session_members
from server.schedule.tables import ProgramSession

TEMPLATE = "session_reminder"
# The longest reminder a program may set (its form allows 0-168 hours): bounds the due sessions' time window.
MAX_HOURS = 168
INTERVAL = timedelta(minutes=5)


def reminder_key(session_id: int, participant_id: int) -> str:
    return f"reminder:{session_id}:{participant_id}"


async def due_sessions(now: datetime) -> list[dict[str, Any]]:
    """Scheduled sessions not yet started that fall within their program's reminder window, with their program, in
    one query over a bounded range of the `starts_at` index. Cancelled sessions and programs without reminders
    (0 hours) or archived are left out."""
    program = ProgramSession.program
    rows = (
        await ProgramSession.select(
            ProgramSession.id,
            ProgramSession.starts_at,
            ProgramSession.ends_at,
            ProgramSession.location,
            ProgramSession.online_link,
            program.id.as_alias("program_id"),
            program.title.as_alias("program_title"),
            program.public_title.as_alias("program_public_title"),
            program.discreet.as_alias("program_discreet"),
            program.place_members_only.as_alias("program_place_members_only"),
            program.timezone.as_alias("program_timezone"),
            program.reminder_hours.as_alias("program_reminder_hours"),
        )
        .where(
            (ProgramSession.status == "scheduled")
            & (ProgramSession.starts_at > now)
            & (ProgramSession.starts_at <= now + timedelta(hours=MAX_HOURS))
            & (program.reminder_hours > 0)
            & (program.archived == False)  # noqa: E712 (a SQL comparison)
        )
        .order_by(ProgramSession.starts_at)
        .run()
    )
    return [row for row in rows if row["starts_at"] <= now + timedelta(hours=row["program_reminder_hours"])]


def _program(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["program_id"],
        "title": row["program_title"],
        "public_title": row["program_public_title"],
        "discreet": row["program_discreet"],
        "place_members_only": row["program_place_members_only"],
        "timezone": row["program_timezone"],
    }


async def queue_due_reminders(now: datetime) -> int:
    """Queues the reminders now due: every member at each due session's start, except those who answered that they
    cannot come, with consent to be contacted and an address. The same number of queries whatever the number of
    sessions (plus one insert per new message); a run that finds everything queued already renders nothing.

    Quiet hours in the program's timezone hold a reminder until the morning, unless that is after the session
    starts (a short reminder window, an early session, a worker that was down): then it is sent at once, marked
    urgent. A reminder after the start is useless, and a message in the night is the smaller harm than no reminder
    at all for someone who chose to be contacted. A session already started is never reminded of (`due_sessions`)."""
    sessions = await due_sessions(now)
    if not sessions:
        return 0
    ids = [row["id"] for row in sessions]
    members = await session_members(ids)
    declined = {
        (row["session"], row["participant"])
        for row in await Rsvp.select(Rsvp.session, Rsvp.participant)
        .where(Rsvp.session.is_in(ids) & (Rsvp.response == "not_going"))
        .run()
    }
    wanted = [
        (session, participant_id)
        for session in sessions
        for participant_id in members.get(session["id"], [])
        if (session["id"], participant_id) not in declined
    ]
    already = await queued_keys([reminder_key(session["id"], pid) for session, pid in wanted])
    wanted = [(session, pid) for session, pid in wanted if reminder_key(session["id"], pid) not in already]
    recipients = await participant_recipients([pid for _session, pid in wanted])
    queued = 0
    for session, participant_id in wanted:
        recipient = recipients.get(participant_id)
        if recipient is None:
            continue
        program = _program(session)
        held_until = release_time(now, program["timezone"], settings.quiet_hours)
        queued += await queue_to(
            recipient,
            key=reminder_key(session["id"], participant_id),
            template=TEMPLATE,
            context=session_context(program, session),
            program_id=program["id"],
            session_id=session["id"],
            timezone=program["timezone"],
            urgent=held_until >= session["starts_at"],
            now=now,
        )
    return queued
