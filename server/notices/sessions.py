"""Telling a session's members that staff cancelled or moved it, in the same transaction as the change (the
schedule's hook, server/schedule/events.py), and withdrawing reminders that no longer hold."""

from __future__ import annotations

from datetime import datetime, timedelta

from server.messages.outbox import withdraw_queued
from server.messages.recipients import participant_recipients, queue_to
from server.notices.audience import session_context, session_members
from server.notices.reminders import reminder_key
from server.schedule import events

# A change this close to the session goes out at once, quiet hours or not: the person may be on their way tomorrow.
URGENT_WITHIN = timedelta(hours=24)


def _urgent(now: datetime, *starts: datetime | None) -> bool:
    return any(start is not None and start - now <= URGENT_WITHIN for start in starts)


@events.on_session_changed
async def session_changed(change: events.SessionChange) -> None:
    """Cancelled: every member at its start is told (with the reason where the policy lets them read it), and
    reminders not yet sent are withdrawn. Moved: told the old and the new time, and reminders for the old time are
    withdrawn (the reminder job queues one for the new time when it is due). Only for sessions still to come; a
    restored session needs nothing here: its reminders are queued again when due, under the same key."""
    if change.kind not in (events.CANCELLED, events.MOVED):
        return
    session, program, now = change.session, change.program, change.now
    if change.kind == events.CANCELLED and session["starts_at"] <= now:
        return
    previous = change.previous_starts_at
    if change.kind == events.MOVED and session["starts_at"] <= now and (previous is None or previous <= now):
        return
    members = (await session_members([session["id"]])).get(session["id"], [])
    await withdraw_queued([reminder_key(session["id"], pid) for pid in members])
    if change.kind == events.MOVED and session["starts_at"] <= now:
        return  # moved into the past (a record corrected after the fact): nobody needs to come
    recipients = await participant_recipients(members)
    context = session_context(program, session)
    if change.kind == events.CANCELLED:
        template, key = "session_cancelled", f"cancelled:{session['id']}"
        urgent = _urgent(now, session["starts_at"])
    else:
        template, key = "session_moved", f"moved:{session['id']}:{session['starts_at'].isoformat()}"
        urgent = _urgent(now, session["starts_at"], previous)
        context["previous_starts_at"] = previous
        context["previous_ends_at"] = change.previous_ends_at
    for participant_id in members:
        recipient = recipients.get(participant_id)
        if recipient is None:
            continue
        await queue_to(
            recipient,
            key=f"{key}:{participant_id}",
            template=template,
            context=context,
            program_id=program["id"],
            session_id=session["id"],
            timezone=program["timezone"],
            urgent=urgent,
            now=now,
        )
