"""Telling a session's members that staff cancelled, restored or moved it, or retimed its series, in the same
transaction as the change (the schedule's hooks, server/schedule/events.py), and withdrawing reminders that no
longer hold."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from server.messages.outbox import withdraw_queued
from server.messages.recipients import participant_recipients, queue_to
from server.messages.tables import OutboxMessage
from server.notices.audience import session_context, session_members
from server.notices.reminders import reminder_key
from server.schedule import events
from server.schedule.tables import ProgramSession

# A change this close to the session goes out at once, quiet hours or not: the person may be on their way tomorrow.
URGENT_WITHIN = timedelta(hours=24)
# How many of a retimed series' new times one message lists; the personal page and calendar show them all.
SERIES_LISTED = 5


def _urgent(now: datetime, *starts: datetime | None) -> bool:
    return any(start is not None and start - now <= URGENT_WITHIN for start in starts)


def change_key(kind: str, session: dict[str, Any]) -> str:
    """What one change to a session is called in the outbox keys of its messages: the kind and the session's
    revision (`sequence`) as the change hands the row over. Every cancel, restore and retime raises it, so
    cancelled, restored, cancelled again are three changes, each told; the same change handled twice (a retry) is
    one key, queued once."""
    return f"{kind}:{session['id']}:{session['sequence']}"


@events.on_session_changed
async def session_changed(change: events.SessionChange) -> None:
    """Cancelled: every member at its start is told (with the reason where the policy lets them read it in a
    message), and reminders not yet sent are withdrawn. Moved: told the old and the new time, and reminders for the
    old time are withdrawn (the reminder job queues one for the new time when it is due). Restored: see
    `_restored`. Only for sessions still to come."""
    if change.kind == events.RESTORED:
        await _restored(change)
        return
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
    context = session_context(program, session)
    if change.kind == events.CANCELLED:
        template, key = "session_cancelled", change_key("cancelled", session)
        urgent = _urgent(now, session["starts_at"])
    else:
        # Keyed by the new time: the same move submitted twice is told once.
        template, key = "session_moved", f"moved:{session['id']}:{session['starts_at'].isoformat()}"
        urgent = _urgent(now, session["starts_at"], previous)
        context["previous_starts_at"] = previous
        context["previous_ends_at"] = change.previous_ends_at
    await _tell(members, template, key, context, program, session, urgent, now)


async def _restored(change: events.SessionChange) -> None:
    """A cancellation taken back. A cancellation message still waiting (quiet hours) is withdrawn, and whoever it
    was waiting for hears nothing: for them nothing changed. Everyone else is told the session takes place after all
    (key `restored:{session}:{revision}`). Reminders need nothing here: the cancellation withdrew the queued ones,
    and the reminder job queues them again when due."""
    session, program, now = change.session, change.program, change.now
    if session["starts_at"] <= now:
        return
    unheard = {
        row["participant"]
        for row in await OutboxMessage.delete()
        .where(
            (OutboxMessage.session_id == session["id"])
            & (OutboxMessage.template == "session_cancelled")
            & (OutboxMessage.status == "queued")
        )
        .returning(OutboxMessage.participant)
        .run()
    }
    members = [pid for pid in (await session_members([session["id"]])).get(session["id"], []) if pid not in unheard]
    key = change_key("restored", session)
    context = session_context(program, session)
    await _tell(members, "session_restored", key, context, program, session, _urgent(now, session["starts_at"]), now)


async def _tell(
    members: list[int],
    template: str,
    key: str,
    context: dict[str, Any],
    program: dict[str, Any],
    session: dict[str, Any],
    urgent: bool,
    now: datetime,
) -> None:
    recipients = await participant_recipients(members)
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


# --- a retimed series ------------------------------------------------------------------------------------------


@events.on_series_changed
async def series_changed(change: events.SeriesChange) -> None:
    """Several sessions of a series got new times at once: one "schedule changed" message per person, listing the
    next SERIES_LISTED of their sessions that moved (and how many more), not one message per session. Only sessions
    still to come, still scheduled, whose time really changed (new details alone tell nobody); their queued reminders
    are withdrawn. Keyed by the change: its first moved session's revision after it, so a later retime is told again
    and the same change handled twice once. Urgent when one of the person's old or new times is within a day."""
    now, program = change.now, change.program
    rows = (
        await ProgramSession.select(
            ProgramSession.id,
            ProgramSession.sequence,
            ProgramSession.status,
            ProgramSession.starts_at,
            ProgramSession.ends_at,
            ProgramSession.location,
            ProgramSession.online_link,
        )
        .where(ProgramSession.id.is_in(sorted(change.previous) or [0]))
        .order_by(ProgramSession.starts_at)
        .run()
    )
    moved = [
        row
        for row in rows
        if row["status"] == "scheduled"
        and row["starts_at"] > now
        and (row["starts_at"], row["ends_at"]) != change.previous[row["id"]]
    ]
    if not moved:
        return
    members = await session_members([row["id"] for row in moved])
    await withdraw_queued([reminder_key(sid, pid) for sid, pids in members.items() for pid in pids])
    theirs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in moved:  # in time order
        for participant_id in members.get(row["id"], []):
            theirs[participant_id].append(row)
    recipients = await participant_recipients(list(theirs))
    key = change_key("schedule", moved[0])
    for participant_id, sessions in sorted(theirs.items()):
        recipient = recipients.get(participant_id)
        if recipient is None:
            continue
        listed = [session_context(program, row) for row in sessions[:SERIES_LISTED]]
        starts = [row["starts_at"] for row in sessions] + [change.previous[row["id"]][0] for row in sessions]
        await queue_to(
            recipient,
            key=f"{key}:{participant_id}",
            template="schedule_changed",
            context={**listed[0], "sessions": listed, "more": len(sessions) - len(listed)},
            program_id=program["id"],
            timezone=program["timezone"],
            urgent=_urgent(now, *starts),
            now=now,
        )
