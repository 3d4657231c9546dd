"""Rules for program sessions: listing, recurrence, occurrence edits and conflicts."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from piccolo.columns.combination import WhereRaw
from piccolo.query.functions.aggregate import Count

from server import clock, privacy
from server.db import transaction
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.programs import services as programs
from server.programs.tables import TeamMember
from server.schedule import recurrence
from server.schedule.tables import ProgramSession, Series, SessionFacilitator
from server.web.access import CurrentStaff

STATUSES = ("scheduled", "cancelled", "held")
AGENDA_DAYS = {"week": 7, "month": 31}



def new_uid() -> str:
    return f"{uuid.uuid4()}@gotong"


# --- what a form hands to the rules ----------------------------------------------------------------

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


@dataclass(frozen=True)
class Conflict:
    """Someone or somewhere already booked at an overlapping time; a warning, never a refusal."""

    kind: str  # "facilitator" | "location"
    subject: str  # the facilitator's name, or the location as written on this session
    session_id: int
    starts_at: datetime
    other_session_id: int
    other_starts_at: datetime
    other_ends_at: datetime
    other_program_id: int
    other_program_slug: str
    other_program_title: str  # the real title; show it through visible_conflicts
    other_program_public_title: str = ""
    other_program_discreet: bool = False


@dataclass
class _Booking:
    session_id: int
    starts_at: datetime
    ends_at: datetime
    location: str  # as written on the session
    staff_ids: set[int] = field(default_factory=set)

    @property
    def place(self) -> str:
        """The location as compared: the same place whatever its spelling's case or spaces around it."""
        return self.location.strip().lower()


# --- reading ---------------------------------------------------------------------------------------

_SESSION_COLUMNS = (
    ProgramSession.id, ProgramSession.program, ProgramSession.series, ProgramSession.uid, ProgramSession.sequence,
    ProgramSession.status, ProgramSession.starts_at, ProgramSession.ends_at, ProgramSession.original_start,
    ProgramSession.detached, ProgramSession.topic, ProgramSession.location, ProgramSession.online_link,
    ProgramSession.cancel_reason, ProgramSession.notes,
)


async def _session_rows(where: Any, facilitators_where: Any = None) -> list[dict[str, Any]]:
    """Sessions with their series rule and facilitators, in two queries whatever their number."""
    rows = (
        await ProgramSession.select(*_SESSION_COLUMNS, ProgramSession.series.rrule.as_alias("series_rrule"))
        .where(where)
        .order_by(ProgramSession.starts_at)
        .order_by(ProgramSession.id)
        .run()
    )
    await _attach_facilitators(rows, facilitators_where)
    return rows


async def _attach_facilitators(rows: list[dict[str, Any]], where: Any = None) -> None:
    for row in rows:
        row["facilitators"] = []
        row["facilitator_ids"] = []
    if not rows:
        return
    if where is None:
        where = SessionFacilitator.session.is_in([row["id"] for row in rows])
    links = (
        await SessionFacilitator.select(
            SessionFacilitator.session, SessionFacilitator.staff, SessionFacilitator.staff.display_name.as_alias("name")
        )
        .where(where)
        .order_by(SessionFacilitator.staff.display_name)
        .run()
    )
    by_id = {row["id"]: row for row in rows}
    for link in links:
        row = by_id.get(link["session"])
        if row is not None:
            row["facilitators"].append({"staff_id": link["staff"], "name": link["name"]})
            row["facilitator_ids"].append(link["staff"])


def _month_groups(rows: list[dict[str, Any]], zone: ZoneInfo) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for row in rows:
        local = recurrence.to_local(row["starts_at"], zone)
        month = date(local.year, local.month, 1)
        if not groups or groups[-1]["month"] != month:
            groups.append({"month": month, "sessions": []})
        groups[-1]["sessions"].append(row)
    return groups


async def program_schedule(program: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """A program's sessions for its staff schedule: upcoming (soonest first) and past (latest first), by month.
    Cancelled sessions stay in the list, marked; the page runs the same queries whatever their number."""
    now = now or clock.now()
    rows = await _session_rows(
        ProgramSession.program == program["id"], SessionFacilitator.session.program == program["id"]
    )
    upcoming = [row for row in rows if row["ends_at"] >= now]
    past = [row for row in rows if row["ends_at"] < now]
    past.reverse()
    zone = ZoneInfo(program["timezone"])
    return {
        "upcoming": _month_groups(upcoming, zone),
        "past": _month_groups(past, zone),
        "upcoming_count": len(upcoming),
        "past_count": len(past),
        "cancelled_count": sum(1 for row in upcoming if row["status"] == "cancelled"),
    }


async def get_session(program: dict[str, Any], session_id: int) -> dict[str, Any]:
    """One session of this program; a session of another program is not found, whatever its id."""
    rows = await _session_rows((ProgramSession.id == session_id) & (ProgramSession.program == program["id"]))
    if not rows:
        raise NotFound("session")
    return rows[0]


async def get_series(series_id: int) -> dict[str, Any] | None:
    return await Series.select().where(Series.id == series_id).first().run()


async def staff_agenda(staff: CurrentStaff, days: int = 7, now: datetime | None = None) -> list[dict[str, Any]]:
    """The sessions of a staff member's programs (every program for organizers) in the next `days` days,
    with real titles: the agenda is a staff page. Sessions under way are included; cancelled ones are marked."""
    now = now or clock.now()
    program_ids = await programs.managed_program_ids(staff)
    if program_ids is not None and not program_ids:
        return []
    where = (
        (ProgramSession.ends_at >= now)
        & (ProgramSession.starts_at < now + timedelta(days=days))
        & (ProgramSession.program.archived == False)  # noqa: E712
    )
    if program_ids is not None:
        where &= ProgramSession.program.is_in(program_ids)
    rows = (
        await ProgramSession.select(
            *_SESSION_COLUMNS,
            ProgramSession.program.slug.as_alias("program_slug"),
            ProgramSession.program.title.as_alias("program_real_title"),
            ProgramSession.program.public_title.as_alias("program_public_title"),
            ProgramSession.program.discreet.as_alias("program_discreet"),
            ProgramSession.program.timezone.as_alias("timezone"),
        )
        .where(where)
        .order_by(ProgramSession.starts_at)
        .order_by(ProgramSession.id)
        .run()
    )
    await _attach_facilitators(rows)
    viewer = privacy.Viewer(privacy.TEAM)  # only the viewer's own programs, or every one for organizers
    for row in rows:
        row["program_title"] = privacy.title(
            {"title": row.pop("program_real_title"), "public_title": row.pop("program_public_title"), "discreet": row.pop("program_discreet")},
            viewer, privacy.PAGE,
        )
        row["mine"] = staff.id in row["facilitator_ids"]
    return rows


# --- checks shared by the writing rules ------------------------------------------------------------

def _zone(program: dict[str, Any]) -> ZoneInfo:
    return ZoneInfo(program["timezone"])


def _slot(day: date, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A local day and start/end times as UTC instants; a session ends on the day it starts."""
    if end <= start:
        raise DomainError("ends_before_starts", N_("The end time must be after the start time."), field="end_time")
    return (
        recurrence.to_utc(recurrence.local_datetime(day, start), zone),
        recurrence.to_utc(recurrence.local_datetime(day, end), zone),
    )


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


# Whitespace or a control character has no place in a link (a CR/LF would break every calendar feed).
_LINK_FORBIDDEN_RE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_MAX_ID = 2**31 - 1


async def _check_details(program_id: int, details: Details) -> Details:
    link = details.online_link.strip()
    # Only web links: the link becomes an href on staff and participant pages.
    if link and (not link.lower().startswith(("https://", "http://")) or _LINK_FORBIDDEN_RE.search(link)):
        raise DomainError("bad_link", N_("Enter a web address starting with https://."), field="online_link")
    staff_ids = tuple(dict.fromkeys(details.facilitator_ids))
    if any(not isinstance(i, int) or not 1 <= i <= _MAX_ID for i in staff_ids):
        raise DomainError("not_on_team", N_("Choose facilitators from the program's team."), field="facilitators")
    if staff_ids:
        rows = await TeamMember.select(TeamMember.staff).where(
            (TeamMember.program == program_id) & TeamMember.staff.is_in(list(staff_ids))
        ).run()
        if {row["staff"] for row in rows} != set(staff_ids):
            raise DomainError("not_on_team", N_("Choose facilitators from the program's team."), field="facilitators")
    return Details(details.topic.strip(), details.location.strip(), link, staff_ids)


async def _set_facilitators(session_ids: list[int], staff_ids: Iterable[int]) -> None:
    if not session_ids:
        return
    await SessionFacilitator.delete().where(SessionFacilitator.session.is_in(session_ids)).run()
    links = [SessionFacilitator(session=session_id, staff=staff_id) for session_id in session_ids for staff_id in staff_ids]
    if links:
        await SessionFacilitator.insert(*links).run()


async def _get_row(program: dict[str, Any], session_id: int) -> dict[str, Any]:
    row = await ProgramSession.select(*_SESSION_COLUMNS).where(
        (ProgramSession.id == session_id) & (ProgramSession.program == program["id"])
    ).first().run()
    if row is None:
        raise NotFound("session")
    return row


def _changes_calendar(row: dict[str, Any], starts_at: datetime, ends_at: datetime, details: Details) -> bool:
    """Time and place are what a calendar client must be told about (the SEQUENCE rule)."""
    return (
        row["starts_at"] != starts_at
        or row["ends_at"] != ends_at
        or row["location"] != details.location
        or row["online_link"] != details.online_link
    )


# --- adding ----------------------------------------------------------------------------------------

async def add_session(
    program: dict[str, Any], *, day: date, start: time, end: time, details: Details
) -> tuple[int, list[Conflict]]:
    """A one-off session at a local day and time; returns its id and the double bookings it makes."""
    programs.ensure_open(program)
    starts_at, ends_at = _slot(day, start, end, _zone(program))
    details = await _check_details(program["id"], details)
    async with transaction():
        session = ProgramSession(
            program=program["id"], uid=new_uid(), starts_at=starts_at, ends_at=ends_at,
            topic=details.topic, location=details.location, online_link=details.online_link,
        )
        await session.save().run()
        await _set_facilitators([session.id], details.facilitator_ids)
    return session.id, await conflicts_for(ProgramSession.id == session.id)


async def add_series(
    program: dict[str, Any], *, repeat: Repeat, start: time, end: time, details: Details
) -> tuple[int, list[Conflict]]:
    """A recurring series from the schedule form, in the program's timezone; nothing is saved on bad input."""
    programs.ensure_open(program)
    _slot(repeat.first_day, start, end, _zone(program))
    details = await _check_details(program["id"], details)
    rrule = recurrence.build_rrule(
        frequency=repeat.frequency, first_day=repeat.first_day, weekdays=list(repeat.weekdays),
        interval=repeat.interval, until=repeat.until, count=repeat.count,
    )
    series_id = await create_series(
        program_id=program["id"], rrule=rrule, local_start=recurrence.local_datetime(repeat.first_day, start),
        duration_minutes=_minutes(start, end), timezone_name=program["timezone"], topic=details.topic,
        location=details.location, online_link=details.online_link, facilitator_ids=details.facilitator_ids,
    )
    return series_id, await conflicts_for(ProgramSession.series == series_id)


async def create_series(
    *,
    program_id: int,
    rrule: str,
    local_start: datetime,
    duration_minutes: int,
    timezone_name: str,
    topic: str = "",
    location: str = "",
    online_link: str = "",
    facilitator_ids: Iterable[int] = (),
) -> int:
    """A recurring series and all its sessions, saved together or not at all."""
    occurrences = recurrence.expand(rrule, local_start, timezone_name, duration_minutes)
    async with transaction():
        series = Series(
            program=program_id,
            rrule=rrule,
            local_start=local_start,
            duration_minutes=duration_minutes,
            timezone=timezone_name,
            topic=topic,
            location=location,
            online_link=online_link,
        )
        await series.save().run()
        await ProgramSession.insert(
            *[
                ProgramSession(
                    program=program_id,
                    series=series.id,
                    uid=new_uid(),
                    starts_at=occ.starts_at,
                    ends_at=occ.ends_at,
                    original_start=occ.starts_at,
                    topic=topic,
                    location=location,
                    online_link=online_link,
                )
                for occ in occurrences
            ]
        ).run()
        staff_ids = list(facilitator_ids)
        if staff_ids:
            rows = await ProgramSession.select(ProgramSession.id).where(ProgramSession.series == series.id).run()
            await _set_facilitators([row["id"] for row in rows], staff_ids)
    return series.id


# --- changing one occurrence -----------------------------------------------------------------------

async def edit_occurrence(
    program: dict[str, Any], session_id: int, *, day: date, start: time, end: time, details: Details
) -> list[Conflict]:
    """Changes one session only; it leaves its series' later edits alone from now on (detached)."""
    programs.ensure_open(program)
    row = await _get_row(program, session_id)
    starts_at, ends_at = _slot(day, start, end, _zone(program))
    details = await _check_details(program["id"], details)
    changes: dict[Any, Any] = {
        ProgramSession.starts_at: starts_at,
        ProgramSession.ends_at: ends_at,
        ProgramSession.topic: details.topic,
        ProgramSession.location: details.location,
        ProgramSession.online_link: details.online_link,
        ProgramSession.detached: row["series"] is not None,
        ProgramSession.updated_at: clock.now(),
    }
    if _changes_calendar(row, starts_at, ends_at, details):
        changes[ProgramSession.sequence] = ProgramSession.sequence + 1
    async with transaction():
        await ProgramSession.update(changes).where(ProgramSession.id == session_id).run()
        await _set_facilitators([session_id], details.facilitator_ids)
    return await conflicts_for(ProgramSession.id == session_id)


async def move_occurrence(program: dict[str, Any], session_id: int, *, day: date, start: time, end: time) -> list[Conflict]:
    """A new day or time for one session, keeping what else it has."""
    row = await get_session(program, session_id)
    details = Details(row["topic"], row["location"], row["online_link"], tuple(row["facilitator_ids"]))
    return await edit_occurrence(program, session_id, day=day, start=start, end=end, details=details)


async def cancel_occurrence(program: dict[str, Any], session_id: int, reason: str) -> None:
    """Cancels one session; it stays listed as cancelled, with the reason, so nobody turns up in vain."""
    programs.ensure_open(program)
    row = await _get_row(program, session_id)
    reason = reason.strip()
    if not reason:
        raise DomainError("reason_required", N_("Give a reason for cancelling."), field="reason")
    if row["status"] == "cancelled":
        raise DomainError("already_cancelled", N_("This session is already cancelled."), field="reason")
    if row["status"] == "held":
        raise DomainError("already_held", N_("This session was held and can no longer be cancelled."), field="reason")
    await ProgramSession.update(
        {
            ProgramSession.status: "cancelled",
            ProgramSession.cancel_reason: reason,
            ProgramSession.sequence: ProgramSession.sequence + 1,
            ProgramSession.updated_at: clock.now(),
        }
    ).where((ProgramSession.id == session_id) & (ProgramSession.status == "scheduled")).run()


async def restore_occurrence(program: dict[str, Any], session_id: int) -> list[Conflict]:
    """Takes back a cancellation: the session is scheduled again (and may now double-book someone)."""
    programs.ensure_open(program)
    row = await _get_row(program, session_id)
    if row["status"] != "cancelled":
        raise DomainError("not_cancelled", N_("This session is not cancelled."))
    await ProgramSession.update(
        {
            ProgramSession.status: "scheduled",
            ProgramSession.cancel_reason: "",
            ProgramSession.sequence: ProgramSession.sequence + 1,
            ProgramSession.updated_at: clock.now(),
        }
    ).where((ProgramSession.id == session_id) & (ProgramSession.status == "cancelled")).run()
    return await conflicts_for(ProgramSession.id == session_id)


# --- changing a series -----------------------------------------------------------------------------

async def _series_edit_context(
    program: dict[str, Any], session_id: int, day: date | None, start: time, end: time, details: Details
) -> tuple[dict[str, Any], dict[str, Any], ZoneInfo, Details]:
    programs.ensure_open(program)
    row = await _get_row(program, session_id)
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
    _slot(recurrence.to_local(row["starts_at"], zone).date(), start, end, zone)
    details = await _check_details(program["id"], details)
    return row, series, zone, details


async def _series_members(series_id: int) -> list[dict[str, Any]]:
    return (
        await ProgramSession.select(*_SESSION_COLUMNS)
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
        new_original = recurrence.to_utc(recurrence.local_datetime(recurrence.to_local(original, zone).date(), start), zone)
        changes: dict[Any, Any] = {}
        if new_original != original:
            changes[ProgramSession.original_start] = new_original
        if member["id"] in targets:
            day = recurrence.to_local(member["starts_at"], zone).date()
            starts_at, ends_at = _slot(day, start, end, zone)
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
            if _changes_calendar(member, starts_at, ends_at, details):
                changes[ProgramSession.sequence] = ProgramSession.sequence + 1
        if changes:
            await ProgramSession.update(changes).where(ProgramSession.id == member["id"]).run()
    await _set_facilitators(sorted(targets), details.facilitator_ids)


async def edit_following(
    program: dict[str, Any], session_id: int, *, start: time, end: time, details: Details,
    day: date | None = None, now: datetime | None = None,
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
    series_values = {
        Series.topic: details.topic,
        Series.location: details.location,
        Series.online_link: details.online_link,
        Series.duration_minutes: _minutes(start, end),
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
                program=program["id"], rrule=tail, local_start=new_start, duration_minutes=_minutes(start, end),
                timezone=series["timezone"], topic=details.topic, location=details.location, online_link=details.online_link,
            )
            await rest.save().run()
            await ProgramSession.update({ProgramSession.series: rest.id}).where(
                ProgramSession.id.is_in([m["id"] for m in later])
            ).run()
        await _apply_to_members(later, targets, zone, start, end, details)
        # The edited session now follows the new series again, unless it sits on another day than its slot.
        moved = recurrence.to_local(row["starts_at"], zone).date() != boundary_local.date()
        await ProgramSession.update({ProgramSession.detached: moved}).where(ProgramSession.id == session_id).run()
    return await conflicts_for(ProgramSession.id.is_in(sorted(targets)))


async def edit_series(
    program: dict[str, Any], session_id: int, *, start: time, end: time, details: Details,
    day: date | None = None, now: datetime | None = None,
) -> list[Conflict]:
    """The whole series from now on: every future session not edited by hand (and the one being edited)."""
    now = now or clock.now()
    row, series, zone, details = await _series_edit_context(program, session_id, day, start, end, details)
    members = [m for m in await _series_members(series["id"]) if m["starts_at"] >= now]
    targets = {m["id"] for m in members if m["id"] == session_id or not m["detached"]}
    local_start = series["local_start"]
    async with transaction():
        await Series.update(
            {
                Series.topic: details.topic,
                Series.location: details.location,
                Series.online_link: details.online_link,
                Series.duration_minutes: _minutes(start, end),
                Series.local_start: recurrence.local_datetime(local_start.date(), start),
            }
        ).where(Series.id == series["id"]).run()
        await _apply_to_members(members, targets, zone, start, end, details)
    if not targets:
        return []
    return await conflicts_for(ProgramSession.id.is_in(sorted(targets)))


# --- conflicts -------------------------------------------------------------------------------------

async def conflicts_for(where: Any) -> list[Conflict]:
    """Double bookings of the selected sessions: one of their facilitators, or their location (same text,
    any case), already in another session of any program at an overlapping time. Four queries at most."""
    rows = await ProgramSession.select(
        ProgramSession.id, ProgramSession.starts_at, ProgramSession.ends_at, ProgramSession.location
    ).where(where & (ProgramSession.status != "cancelled")).run()
    if not rows:
        return []
    bookings = {row["id"]: _Booking(row["id"], row["starts_at"], row["ends_at"], row["location"]) for row in rows}
    links = await SessionFacilitator.select(SessionFacilitator.session, SessionFacilitator.staff).where(
        SessionFacilitator.session.is_in(list(bookings))
    ).run()
    for link in links:
        bookings[link["session"]].staff_ids.add(link["staff"])
    return await _find_conflicts(list(bookings.values()))


async def _other_sessions(*where: Any) -> list[dict[str, Any]]:
    return await ProgramSession.select(
        ProgramSession.id, ProgramSession.starts_at, ProgramSession.ends_at, ProgramSession.location,
        ProgramSession.program, ProgramSession.program.slug.as_alias("slug"), ProgramSession.program.title.as_alias("title"),
        ProgramSession.program.public_title.as_alias("public_title"), ProgramSession.program.discreet.as_alias("discreet"),
    ).where(*where).run()


async def _find_conflicts(bookings: list[_Booking]) -> list[Conflict]:
    lo = min(b.starts_at for b in bookings)
    hi = max(b.ends_at for b in bookings)
    own = {b.session_id for b in bookings}
    staff_ids = sorted({staff for b in bookings for staff in b.staff_ids})
    locations = sorted({b.place for b in bookings if b.place})
    window = (ProgramSession.starts_at < hi) & (ProgramSession.ends_at > lo) & (ProgramSession.status != "cancelled")
    # (kind, the facilitator's id and name or None, the other session)
    candidates: list[tuple[str, tuple[int, str] | None, dict[str, Any]]] = []
    if staff_ids:
        busy = await SessionFacilitator.select(
            SessionFacilitator.session, SessionFacilitator.staff, SessionFacilitator.staff.display_name.as_alias("name")
        ).where(
            SessionFacilitator.staff.is_in(staff_ids)
            & (SessionFacilitator.session.starts_at < hi)
            & (SessionFacilitator.session.ends_at > lo)
            & (SessionFacilitator.session.status != "cancelled")
        ).run()
        busy = [link for link in busy if link["session"] not in own]
        if busy:
            sessions = {row["id"]: row for row in await _other_sessions(ProgramSession.id.is_in(sorted({b["session"] for b in busy})))}
            candidates += [("facilitator", (link["staff"], link["name"]), sessions[link["session"]]) for link in busy]
    if locations:
        # Piccolo's is_in on a function renders a Python list, hence the raw condition (values stay parameters).
        # LOWER() folds ASCII only on SQLite, which is what Python's lower() gives for ASCII text too.
        markers = ", ".join(["{}"] * len(locations))
        same_place = await _other_sessions(
            window, WhereRaw(f'LOWER(TRIM("{ProgramSession._meta.tablename}"."location")) IN ({markers})', *locations)
        )
        candidates += [("location", None, row) for row in same_place if row["id"] not in own]
    conflicts: dict[tuple[int, int, str, str], Conflict] = {}
    for kind, facilitator, other_row in candidates:
        for booking in bookings:
            if not (other_row["starts_at"] < booking.ends_at and other_row["ends_at"] > booking.starts_at):
                continue
            if facilitator is not None:
                if facilitator[0] not in booking.staff_ids:
                    continue
                subject = facilitator[1]
            else:
                if other_row["location"].strip().lower() != booking.place:
                    continue
                subject = booking.location
            conflicts.setdefault(
                (booking.session_id, other_row["id"], kind, subject),
                Conflict(
                    kind=kind, subject=subject, session_id=booking.session_id, starts_at=booking.starts_at,
                    other_session_id=other_row["id"], other_starts_at=other_row["starts_at"],
                    other_ends_at=other_row["ends_at"], other_program_id=other_row["program"],
                    other_program_slug=other_row["slug"], other_program_title=other_row["title"],
                    other_program_public_title=other_row["public_title"], other_program_discreet=other_row["discreet"],
                ),
            )
    return sorted(conflicts.values(), key=lambda c: (c.starts_at, c.kind, c.subject))


async def visible_conflicts(viewer: CurrentStaff, conflicts: list[Conflict]) -> list[Conflict]:
    """Conflicts as this staff member may read them: a discreet program they do not work on keeps its
    neutral title, as it would on any page outside its team."""
    if not conflicts:
        return []
    managed = await programs.managed_program_ids(viewer)
    return [
        replace(
            conflict,
            other_program_title=privacy.title(
                {
                    "title": conflict.other_program_title,
                    "public_title": conflict.other_program_public_title,
                    "discreet": conflict.other_program_discreet,
                },
                privacy.staff_viewer(viewer, on_team=managed is None or conflict.other_program_id in managed),
                privacy.PAGE,
            ),
        )
        for conflict in conflicts
    ]


# --- public and summary reads used by other features -----------------------------------------------

async def upcoming_public_sessions(limit: int = 10, now: datetime | None = None) -> list[dict[str, Any]]:
    """Next scheduled sessions of public programs, with the public title only."""
    rows = (
        await ProgramSession.select(
            ProgramSession.id,
            ProgramSession.starts_at,
            ProgramSession.ends_at,
            ProgramSession.status,
            ProgramSession.topic,
            ProgramSession.location,
            ProgramSession.program.slug.as_alias("program_slug"),
            ProgramSession.program.title.as_alias("program_title"),
            ProgramSession.program.public_title.as_alias("program_public_title"),
            ProgramSession.program.discreet.as_alias("program_discreet"),
            ProgramSession.program.place_members_only.as_alias("program_place_members_only"),
            ProgramSession.program.timezone.as_alias("timezone"),
            ProgramSession.program.kind.as_alias("program_kind"),
        )
        .where(
            (ProgramSession.starts_at >= (now or clock.now()))
            & (ProgramSession.status == "scheduled")
            & (ProgramSession.program.visibility == "public")
            & (ProgramSession.program.archived == False)  # noqa: E712
        )
        .order_by(ProgramSession.starts_at)
        .limit(limit)
        .run()
    )
    return [_public_row(row) for row in rows]


def _public_row(row: dict[str, Any]) -> dict[str, Any]:
    program = {
        "title": row.pop("program_title"), "public_title": row.pop("program_public_title"),
        "discreet": row.pop("program_discreet"), "place_members_only": row.pop("program_place_members_only"),
    }
    row = privacy.session_view(row, program, privacy.ANYONE, privacy.PAGE)
    row["program_title"] = privacy.public_title(program)
    return row


async def upcoming_counts(program_ids: list[int], now: datetime | None = None) -> dict[int, int]:
    """Scheduled future sessions per program, counted in SQL."""
    if not program_ids:
        return {}
    rows = (
        await ProgramSession.select(ProgramSession.program, Count(ProgramSession.id, alias="n"))
        .where(
            ProgramSession.program.is_in(program_ids)
            & (ProgramSession.status == "scheduled")
            & (ProgramSession.starts_at >= (now or clock.now()))
        )
        .group_by(ProgramSession.program)
        .run()
    )
    return {row["program"]: row["n"] for row in rows}


async def next_public_session_by_program(program_ids: list[int], now: datetime | None = None) -> dict[int, dict[str, Any]]:
    """The next scheduled session of each program, in one query."""
    if not program_ids:
        return {}
    rows = (
        await ProgramSession.select(
            ProgramSession.program, ProgramSession.id, ProgramSession.starts_at, ProgramSession.ends_at,
            ProgramSession.topic, ProgramSession.program.timezone.as_alias("timezone"),
        )
        .where(
            ProgramSession.program.is_in(program_ids)
            & (ProgramSession.status == "scheduled")
            & (ProgramSession.starts_at >= (now or clock.now()))
        )
        .order_by(ProgramSession.starts_at)
        .run()
    )
    first: dict[int, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["program"], row)
    return first


async def public_program_sessions(program: dict[str, Any], limit: int = 10, now: datetime | None = None) -> list[dict[str, Any]]:
    """A program's coming sessions as the public may see them (its page): cancelled ones marked, without the reason."""
    rows = await upcoming_sessions_for_program(program["id"], limit=limit, now=now)
    return [privacy.session_view(row, program, privacy.ANYONE, privacy.PAGE) for row in rows]


async def upcoming_sessions_for_program(program_id: int, limit: int = 10, now: datetime | None = None, include_cancelled: bool = True) -> list[dict[str, Any]]:
    """A program's coming sessions with every detail (cancelled ones included); pass them through the privacy policy."""
    statuses = ["scheduled", "cancelled"] if include_cancelled else ["scheduled"]
    return (
        await ProgramSession.select(
            ProgramSession.id, ProgramSession.starts_at, ProgramSession.ends_at, ProgramSession.status,
            ProgramSession.topic, ProgramSession.location, ProgramSession.online_link, ProgramSession.cancel_reason,
        )
        .where(
            (ProgramSession.program == program_id)
            & ProgramSession.status.is_in(statuses)
            & (ProgramSession.ends_at >= (now or clock.now()))
        )
        .order_by(ProgramSession.starts_at)
        .limit(limit)
        .run()
    )
