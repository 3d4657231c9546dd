"""Changing a series: this session and the following ones, or the whole series from now on."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from server import clock
from server.db import program_changed, transaction
from server.errors import DomainError
from server.i18n import N_
from server.programs.rules import ensure_open
from server.schedule import events, recurrence
from server.schedule.services.conflicts import Conflict, conflicts_for
from server.schedule.services.details import (
    Details,
    changes_calendar,
    check_details,
    get_row,
    minutes,
    set_facilitators,
    slot,
)
from server.schedule.services.sessions import SESSION_COLUMNS, get_series
from server.schedule.tables import ProgramSession, Series


async def _series_edit_context(
    program: dict[str, Any], session_id: int, day: date | None, start: time, end: time, details: Details
) -> tuple[dict[str, Any], dict[str, Any], ZoneInfo, Details]:
    ensure_open(program)
    row = await get_row(program, session_id)
    if row["series"] is None:
        raise DomainError("not_in_series", N_("This session is not part of a series."), field="scope")
    series = await get_series(row["series"])
    if series is None:
        raise DomainError("not_in_series", N_("This session is not part of a series."), field="scope")
    zone = ZoneInfo(series["timezone"])
    if day is not None and day != recurrence.to_local(row["starts_at"], zone).date():
        raise DomainError(
            "series_day_change",
            N_("Several sessions cannot move to another day at once; change only this session, or keep its date."),
            field="date",
        )
    slot(recurrence.to_local(row["starts_at"], zone).date(), start, end, zone)
    details = await check_details(program["id"], details)
    return row, series, zone, details


async def _series_members(series_id: int) -> list[dict[str, Any]]:
    return (
        await ProgramSession.select(*SESSION_COLUMNS)
        .where(ProgramSession.series == series_id)
        .order_by(ProgramSession.starts_at)
        .run()
    )


async def _apply_to_members(
    members: list[dict[str, Any]], targets: set[int], zone: ZoneInfo, start: time, end: time, details: Details
) -> None:
    """Gives `targets` the new time of day and details, each on its own local day (so DST is respected);
    every member's original start follows the rule's new time, so it still names its slot in the rule."""
    now = clock.now()
    for member in members:
        original = member["original_start"] or member["starts_at"]
        new_original = recurrence.to_utc(
            recurrence.local_datetime(recurrence.to_local(original, zone).date(), start), zone
        )
        changes: dict[Any, Any] = {}
        if new_original != original:
            changes[ProgramSession.original_start] = new_original
        if member["id"] in targets:
            day = recurrence.to_local(member["starts_at"], zone).date()
            starts_at, ends_at = slot(day, start, end, zone)
            changes.update(
                {
                    ProgramSession.starts_at: starts_at,
                    ProgramSession.ends_at: ends_at,
                    ProgramSession.topic: details.topic,
                    ProgramSession.location: details.location,
                    ProgramSession.online_link: details.online_link,
                    ProgramSession.updated_at: now,
                }
            )
            if changes_calendar(member, starts_at, ends_at, details):
                changes[ProgramSession.sequence] = ProgramSession.sequence + 1
        if changes:
            await ProgramSession.update(changes).where(ProgramSession.id == member["id"]).run()
    await set_facilitators(sorted(targets), details.facilitator_ids)


async def edit_following(
    program: dict[str, Any],
    session_id: int,
    *,
    start: time,
    end: time,
    details: Details,
    day: date | None = None,
    now: datetime | None = None,
) -> list[Conflict]:
    """This session and the rest of its series: the series ends before it and a new series holds the rest
    with the new values. Sessions keep their uid; ones edited by hand keep their own values."""
    now = now or clock.now()
    row, series, zone, details = await _series_edit_context(program, session_id, day, start, end, details)
    if row["starts_at"] < now:
        raise DomainError("past_following", N_("Past sessions can only be changed one at a time."), field="scope")
    boundary = row["original_start"] or row["starts_at"]
    members = await _series_members(series["id"])
    earlier = [m for m in members if (m["original_start"] or m["starts_at"]) < boundary]
    later = [m for m in members if (m["original_start"] or m["starts_at"]) >= boundary]
    targets = {m["id"] for m in later if m["id"] == session_id or (not m["detached"] and m["starts_at"] >= now)}
    boundary_local = recurrence.to_local(boundary, zone)
    new_start = recurrence.local_datetime(boundary_local.date(), start)
    series_values: dict[Any, Any] = {
        Series.topic: details.topic,
        Series.location: details.location,
        Series.online_link: details.online_link,
        Series.duration_minutes: minutes(start, end),
    }
    async with transaction():
        if not earlier:
            # Nothing comes before it: the whole series changes in place rather than leaving an empty one.
            anchored = recurrence.local_datetime(series["local_start"].date(), start)
            await Series.update({**series_values, Series.local_start: anchored}).where(Series.id == series["id"]).run()
        else:
            head, tail = recurrence.split(series["rrule"], series["local_start"], boundary_local, new_start)
            await Series.update({Series.rrule: head}).where(Series.id == series["id"]).run()
            rest = Series(
                program=program["id"],
                rrule=tail,
                local_start=new_start,
                duration_minutes=minutes(start, end),
                timezone=series["timezone"],
                topic=details.topic,
                location=details.location,
                online_link=details.online_link,
            )
            await rest.save().run()
            await (
                ProgramSession.update({ProgramSession.series: rest.id})
                .where(ProgramSession.id.is_in([m["id"] for m in later]))
                .run()
            )
        await _apply_to_members(later, targets, zone, start, end, details)
        previous = {m["id"]: (m["starts_at"], m["ends_at"]) for m in later if m["id"] in targets}
        await events.series_changed(events.SeriesChange(program, previous, now))
        # The edited session now follows the new series again, unless it sits on another day than its slot.
        moved = recurrence.to_local(row["starts_at"], zone).date() != boundary_local.date()
        await ProgramSession.update({ProgramSession.detached: moved}).where(ProgramSession.id == session_id).run()
        await program_changed(program["id"])
    return await conflicts_for(ProgramSession.id.is_in(sorted(targets)))


async def edit_series(
    program: dict[str, Any],
    session_id: int,
    *,
    start: time,
    end: time,
    details: Details,
    day: date | None = None,
    now: datetime | None = None,
) -> list[Conflict]:
    """The whole series from now on: every future session not edited by hand (and the one being edited)."""
    now = now or clock.now()
    _row, series, zone, details = await _series_edit_context(program, session_id, day, start, end, details)
    members = [m for m in await _series_members(series["id"]) if m["starts_at"] >= now]
    targets = {m["id"] for m in members if m["id"] == session_id or not m["detached"]}
    local_start = series["local_start"]
    async with transaction():
        await (
            Series.update(
                {
                    Series.topic: details.topic,
                    Series.location: details.location,
                    Series.online_link: details.online_link,
                    Series.duration_minutes: minutes(start, end),
                    Series.local_start: recurrence.local_datetime(local_start.date(), start),
                }
            )
            .where(Series.id == series["id"])
            .run()
        )
        await _apply_to_members(members, targets, zone, start, end, details)
        previous = {m["id"]: (m["starts_at"], m["ends_at"]) for m in members if m["id"] in targets}
        await events.series_changed(events.SeriesChange(program, previous, now))
        await program_changed(program["id"])
    if not targets:
        return []
    return await conflicts_for(ProgramSession.id.is_in(sorted(targets)))
