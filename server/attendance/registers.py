"""The printed register (daftar hadir) of a program: members × sessions with their marks, and its CSV rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.attendance.rates import local_day_start
from server.attendance.rules import ever_member, is_member_at_start
from server.attendance.sheets import SESSION_COLUMNS
from server.attendance.tables import Attendance
from server.enrolment.tables import Enrolment
from server.schedule.tables import ProgramSession
from server.web.labels import LABELS


def local_range(
    program: dict[str, Any], start: date | None, end: date | None
) -> tuple[datetime | None, datetime | None]:
    """The UTC instants bounding whole local days in the program's timezone."""
    zone = ZoneInfo(program["timezone"])
    return (
        local_day_start(start, zone) if start else None,
        local_day_start(end + timedelta(days=1), zone) if end else None,
    )


async def register(program: dict[str, Any], start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """A grid of members × sessions (cancelled ones left out) with their marks, in three queries.
    A cell is a status, "" when not marked, or None when the person was not enrolled at that session."""
    lower, upper = local_range(program, start, end)
    where = (ProgramSession.program == program["id"]) & (ProgramSession.status != "cancelled")
    if lower:
        where &= ProgramSession.starts_at >= lower
    if upper:
        where &= ProgramSession.starts_at < upper
    sessions = (
        await ProgramSession.select(*SESSION_COLUMNS)
        .where(where)
        .order_by(ProgramSession.starts_at)
        .order_by(ProgramSession.id)
        .run()
    )
    session_ids = [s["id"] for s in sessions]
    enrolments = (
        await Enrolment.select(
            Enrolment.enrolled_at,
            Enrolment.ended_at,
            Enrolment.participant.as_alias("participant_id"),
            Enrolment.participant.display_name.as_alias("display_name"),
        )
        .where(ever_member(program["id"]))
        .order_by(Enrolment.participant.display_name)
        .order_by(Enrolment.participant)
        .run()
    )
    marks = (
        await Attendance.select(Attendance.session, Attendance.participant, Attendance.guest_label, Attendance.status)
        .where(Attendance.session.is_in(session_ids or [-1]))
        .run()
    )
    by_cell = {(m["session"], m["participant"]): m["status"] for m in marks if m["participant"] is not None}
    guests = {
        sid: [m["guest_label"] for m in marks if m["session"] == sid and m["participant"] is None]
        for sid in session_ids
    }
    people_rows = []
    for enrolment in enrolments:
        cells = []
        for s in sessions:
            marked = (s["id"], enrolment["participant_id"]) in by_cell
            member = is_member_at_start(enrolment, s["starts_at"], marked=marked)
            cells.append(by_cell.get((s["id"], enrolment["participant_id"]), "") if member else None)
        if any(cell is not None for cell in cells):
            people_rows.append(
                {
                    "participant_id": enrolment["participant_id"],
                    "display_name": enrolment["display_name"],
                    "cells": cells,
                }
            )
    return {"sessions": sessions, "people": people_rows, "guests": guests, "start": start, "end": end}


def register_rows(program: dict[str, Any], grid: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per person per session, for exports: display names only, statuses in the active language."""
    zone = ZoneInfo(program["timezone"])
    for index, s in enumerate(grid["sessions"]):
        local = s["starts_at"].astimezone(zone)
        base = {"date": local.date().isoformat(), "time": local.strftime("%H:%M"), "topic": s["topic"]}
        for person in grid["people"]:
            cell = person["cells"][index]
            if cell is None:
                continue
            yield {
                **base,
                "name": person["display_name"],
                "guest": False,
                "status": LABELS.label("attendance_status", cell) if cell else "",
            }
        for label in grid["guests"].get(s["id"], []):
            yield {**base, "name": label, "guest": True, "status": LABELS.label("attendance_status", "present")}
