"""What a form hands to the schedule's rules, and the checks every change of a session shares."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from server.errors import DomainError, NotFound
from server.i18n import N_
from server.programs.tables import TeamMember
from server.schedule import recurrence
from server.schedule.services.sessions import SESSION_COLUMNS
from server.schedule.tables import ProgramSession, SessionFacilitator


@dataclass(frozen=True)
class Details:
    """What a staff member sets on a session besides its time."""

    topic: str = ""
    location: str = ""
    online_link: str = ""
    facilitator_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Repeat:
    """How a series repeats, as chosen on the form; exactly one of `until` and `count`."""

    frequency: str
    first_day: date
    weekdays: tuple[str, ...] = ()
    interval: int = 1
    until: date | None = None
    count: int | None = None


def program_zone(program: dict[str, Any]) -> ZoneInfo:
    return ZoneInfo(program["timezone"])


def check_times(start: time, end: time) -> None:
    """A session ends on the day it starts, after it starts."""
    if end <= start:
        raise DomainError("ends_before_starts", N_("The end time must be after the start time."), field="end_time")


def slot(day: date, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A local day and start/end times as UTC instants; a session ends on the day it starts."""
    check_times(start, end)
    return (
        recurrence.to_utc(recurrence.local_datetime(day, start), zone),
        recurrence.to_utc(recurrence.local_datetime(day, end), zone),
    )


def minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


# Whitespace or a control character has no place in a link (a CR/LF would break every calendar feed).
_LINK_FORBIDDEN_RE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_MAX_ID = 2**31 - 1


def check_link(online_link: str) -> str:
    """Only web links: the link becomes an href on staff and participant pages."""
    link = online_link.strip()
    if link and (not link.lower().startswith(("https://", "http://")) or _LINK_FORBIDDEN_RE.search(link)):
        raise DomainError("bad_link", N_("Enter a web address starting with https://."), field="online_link")
    return link


async def check_details(program_id: int, details: Details) -> Details:
    link = check_link(details.online_link)
    staff_ids = tuple(dict.fromkeys(details.facilitator_ids))
    if any(not isinstance(i, int) or not 1 <= i <= _MAX_ID for i in staff_ids):
        raise DomainError("not_on_team", N_("Choose facilitators from the program's team."), field="facilitators")
    if staff_ids:
        rows = (
            await TeamMember.select(TeamMember.staff)
            .where((TeamMember.program == program_id) & TeamMember.staff.is_in(list(staff_ids)))
            .run()
        )
        if {row["staff"] for row in rows} != set(staff_ids):
            raise DomainError("not_on_team", N_("Choose facilitators from the program's team."), field="facilitators")
    return Details(details.topic.strip(), details.location.strip(), link, staff_ids)


async def set_facilitators(session_ids: list[int], staff_ids: Iterable[int]) -> None:
    if not session_ids:
        return
    await SessionFacilitator.delete().where(SessionFacilitator.session.is_in(session_ids)).run()
    links = [
        SessionFacilitator(session=session_id, staff=staff_id) for session_id in session_ids for staff_id in staff_ids
    ]
    if links:
        await SessionFacilitator.insert(*links).run()


async def get_row(program: dict[str, Any], session_id: int) -> dict[str, Any]:
    row = (
        await ProgramSession.select(*SESSION_COLUMNS)
        .where((ProgramSession.id == session_id) & (ProgramSession.program == program["id"]))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("session")
    return row


def changes_calendar(row: dict[str, Any], starts_at: datetime, ends_at: datetime, details: Details) -> bool:
    """Time and place are what a calendar client must be told about (the SEQUENCE rule)."""
    return (
        row["starts_at"] != starts_at
        or row["ends_at"] != ends_at
        or row["location"] != details.location
        or row["online_link"] != details.online_link
    )
