"""Changing one session: its time and details, moving, cancelling and restoring it."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from server import clock
from server.db import program_changed, transaction
from server.errors import DomainError
from server.i18n import N_
from server.programs.rules import ensure_open
from server.schedule import events
from server.schedule.services.conflicts import Conflict, conflicts_for
from server.schedule.services.details import (
    Details,
    changes_calendar,
    check_details,
    get_row,
    program_zone,
    set_facilitators,
    slot,
)
from server.schedule.services.sessions import get_session
from server.schedule.tables import ProgramSession


async def edit_occurrence(
    program: dict[str, Any], session_id: int, *, day: date, start: time, end: time, details: Details
) -> list[Conflict]:
    """Changes one session only; it leaves its series' later edits alone from now on (detached)."""
    ensure_open(program)
    row = await get_row(program, session_id)
    starts_at, ends_at = slot(day, start, end, program_zone(program))
    details = await check_details(program["id"], details)
    now = clock.now()
    changes: dict[Any, Any] = {
        ProgramSession.starts_at: starts_at,
        ProgramSession.ends_at: ends_at,
        ProgramSession.topic: details.topic,
        ProgramSession.location: details.location,
        ProgramSession.online_link: details.online_link,
        ProgramSession.detached: row["series"] is not None,
        ProgramSession.updated_at: now,
    }
    if changes_calendar(row, starts_at, ends_at, details):
        changes[ProgramSession.sequence] = ProgramSession.sequence + 1
    async with transaction():
        await ProgramSession.update(changes).where(ProgramSession.id == session_id).run()
        await set_facilitators([session_id], details.facilitator_ids)
        # A held or marked session that moves may start counting earlier or later.
        await program_changed(program["id"])
        if (starts_at, ends_at) != (row["starts_at"], row["ends_at"]) and row["status"] == "scheduled":
            session = {**row, "starts_at": starts_at, "ends_at": ends_at, **_details_row(details)}
            change = events.SessionChange(events.MOVED, program, session, now, row["starts_at"], row["ends_at"])
            await events.session_changed(change)
    return await conflicts_for(ProgramSession.id == session_id)


def _details_row(details: Details) -> dict[str, Any]:
    return {"topic": details.topic, "location": details.location, "online_link": details.online_link}


async def move_occurrence(
    program: dict[str, Any], session_id: int, *, day: date, start: time, end: time
) -> list[Conflict]:
    """A new day or time for one session, keeping what else it has."""
    row = await get_session(program, session_id)
    details = Details(row["topic"], row["location"], row["online_link"], tuple(row["facilitator_ids"]))
    return await edit_occurrence(program, session_id, day=day, start=start, end=end, details=details)


async def cancel_occurrence(program: dict[str, Any], session_id: int, reason: str) -> None:
    """Cancels one session; it stays listed as cancelled, with the reason, so nobody turns up in vain."""
    ensure_open(program)
    row = await get_row(program, session_id)
    reason = reason.strip()
    if not reason:
        raise DomainError("reason_required", N_("Give a reason for cancelling."), field="reason")
    if row["status"] == "cancelled":
        raise DomainError("already_cancelled", N_("This session is already cancelled."), field="reason")
    if row["status"] == "held":
        raise DomainError("already_held", N_("This session was held and can no longer be cancelled."), field="reason")
    now = clock.now()
    async with transaction():
        cancelled = await (
            ProgramSession.update(
                {
                    ProgramSession.status: "cancelled",
                    ProgramSession.cancel_reason: reason,
                    ProgramSession.sequence: ProgramSession.sequence + 1,
                    ProgramSession.updated_at: now,
                }
            )
            .where((ProgramSession.id == session_id) & (ProgramSession.status == "scheduled"))
            .returning(ProgramSession.id)
            .run()
        )
        # A session marked in advance stops counting when cancelled.
        await program_changed(program["id"])
        if cancelled:
            session = {**row, "status": "cancelled", "cancel_reason": reason}
            await events.session_changed(events.SessionChange(events.CANCELLED, program, session, now))


async def restore_occurrence(program: dict[str, Any], session_id: int) -> list[Conflict]:
    """Takes back a cancellation: the session is scheduled again (and may now double-book someone)."""
    ensure_open(program)
    row = await get_row(program, session_id)
    if row["status"] != "cancelled":
        raise DomainError("not_cancelled", N_("This session is not cancelled."))
    now = clock.now()
    async with transaction():
        restored = await (
            ProgramSession.update(
                {
                    ProgramSession.status: "scheduled",
                    ProgramSession.cancel_reason: "",
                    ProgramSession.sequence: ProgramSession.sequence + 1,
                    ProgramSession.updated_at: now,
                }
            )
            .where((ProgramSession.id == session_id) & (ProgramSession.status == "cancelled"))
            .returning(ProgramSession.id)
            .run()
        )
        # A restored session with marks counts again.
        await program_changed(program["id"])
        if restored:
            session = {**row, "status": "scheduled", "cancel_reason": ""}
            await events.session_changed(events.SessionChange(events.RESTORED, program, session, now))
    return await conflicts_for(ProgramSession.id == session_id)
