"""One pure builder from sessions to an iCalendar document; a policy decides what each kind of viewer may see."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from icalendar.enums import STATUS
from icalendar.prop.conference import Conference

from server import privacy
from server.i18n import format_date, format_number
from server.i18n import gettext as _

PRODID = "-//Gotong//Community programs//EN"
REFRESH = timedelta(hours=1)
# Google Calendar stops reading a subscribed feed at about 1 MB, so no feed may reach it, whatever the organisation's
# size. A typical event (title, topic, place, online link, page link) measures about 500 bytes, so at most
# MAX_EVENTS events (chosen in SQL, nearest to today first) make about half the limit; events with unusually long
# texts (up to 2.4 kB each) are trimmed further by size, farthest from today first, to stay under FEED_BYTES.
FEED_BYTES = 1_000_000
MAX_EVENTS = 1000
_SIZE_MARGIN = 4_000  # for the description, which names the first and last date kept, and the time zones
# Control characters (CR and LF above all) in stored text could end a property early and inject lines; whatever
# the forms let through, the builder never passes them on. Line and paragraph separators count as breaks too.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Links:
    """Absolute addresses of the pages a feed links to; the routes make them from route names."""

    base_url: str
    catalogue: str  # the public catalogue
    home: str  # a participant's start page
    dashboard: str  # a staff member's start page
    public_program: Callable[[str], str]  # a program's public page, by its slug
    staff_schedule: Callable[[str], str]  # a program's staff schedule, by its slug


@dataclass(frozen=True)
class FeedInfo:
    name: str
    description: str
    url: str
    first_date: date
    last_date: date
    # Where the sessions a capped feed leaves out can be found (a sentence with its address); empty for a feed
    # that never says how far it reaches (one session).
    more: str = ""


def clean_text(value: Any) -> str:
    """Stored text as one safe line: every control character becomes a space."""
    return _CONTROL.sub(" ", str(value or "")).strip()


def clean_url(value: Any) -> str | None:
    """A stored URL, or None when it holds a control character or a space: a broken link is dropped, not repaired."""
    text = str(value or "").strip()
    if not text or _CONTROL.search(text) or " " in text:
        return None
    return text


def session_event(row: dict[str, Any], viewer: privacy.Viewer, links: Links) -> Event:
    """One session as a VEVENT, as the privacy policy lets this viewer see it through a feed.
    The UID never changes; SEQUENCE is the session's revision counter."""
    program = {
        "title": row["program_title"],
        "public_title": row["program_public_title"],
        "discreet": row["program_discreet"],
        "place_members_only": row.get("program_place_members_only", False),
    }
    title = clean_text(privacy.title(program, viewer, privacy.FEED))
    row = privacy.session_view(row, program, viewer, privacy.FEED)
    cancelled = row["status"] == "cancelled"
    topic = clean_text(row["topic"])
    reason = clean_text(row.get("cancel_reason"))
    summary = title + (f" — {topic}" if topic else "")
    lines = []
    if topic:
        lines.append(topic)
    if cancelled:
        lines.append(_("Cancelled") + (f": {reason}" if reason else ""))
    link = clean_url(row["online_link"]) if not cancelled else None
    if link:
        lines.append(_("Join online: %(link)s", link=link))
    if viewer.is_staff:
        url = clean_url(links.staff_schedule(row["program_slug"]))
    elif row["program_visibility"] in ("public", "unlisted"):
        url = clean_url(links.public_program(row["program_slug"]))
    else:
        url = None
    tz = row["timezone"]
    event = Event.new(
        uid=clean_text(row["uid"]),
        summary=(_("Cancelled") + ": " + summary) if cancelled else summary,
        start=row["starts_at"].astimezone(_zone(tz)),
        end=row["ends_at"].astimezone(_zone(tz)),
        stamp=row["updated_at"],
        last_modified=row["updated_at"],
        sequence=row["sequence"],
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        location=clean_text(row["location"]) or None,
        description="\n".join(lines) or None,
        url=url,
        conferences=[Conference(uri=link, feature="VIDEO", label=_("Join online"))] if link else None,
    )
    return event


def build_calendar(
    info: FeedInfo, entries: Iterable[tuple[dict[str, Any], privacy.Viewer]], links: Links, capped: bool = False
) -> bytes:
    """The feed's bytes from (session row, who reads it) pairs, nearest to today first: one feed may mix programs
    the reader is enrolled in with others. `capped` says that the query left sessions out (MAX_EVENTS); the
    events farthest from today are dropped too while the feed would reach FEED_BYTES."""
    events = [(row, session_event(row, viewer, links)) for row, viewer in entries]
    # Each event is serialised once, then joined into the calendar's shell (header, description, time zones).
    sized = [(row, event, event.to_ical()) for row, event in events]
    shell = _shell(info, events, capped)
    room, keep = FEED_BYTES - _SIZE_MARGIN - len(shell), 0
    for _row, _event, ical in sized:
        if len(ical) > room:
            break
        room, keep = room - len(ical), keep + 1
    if keep < len(sized):
        capped = True
        shell = _shell(info, events[:keep], capped)
    kept = sorted(sized[:keep], key=lambda item: (item[0]["starts_at"], item[0]["id"]))
    return shell.removesuffix(_END) + b"".join(ical for _row, _event, ical in kept) + _END


_END = b"END:VCALENDAR\r\n"


def _shell(info: FeedInfo, events: list[tuple[dict[str, Any], Event]], capped: bool) -> bytes:
    """The calendar without its events: properties, a description of how far it reaches, and the time zones
    the events use (VTIMEZONEs come first in the calendar, events after them)."""
    ordered = sorted(events, key=lambda pair: (pair[0]["starts_at"], pair[0]["id"]))
    calendar = Calendar.new(
        uid=uuid.uuid5(uuid.NAMESPACE_URL, info.url),
        prodid=PRODID,
        name=clean_text(info.name),
        description=clean_text(" ".join(filter(None, [info.description, _reach(info, ordered, capped)]))),
        url=clean_url(info.url),
        refresh_interval=REFRESH,
        subcomponents=[event for _row, event in ordered],
    )
    # RFC 7986 wants the value type spelled out; Outlook reads only X-PUBLISHED-TTL.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("X-PUBLISHED-TTL", "PT1H")
    calendar.add_missing_timezones(first_date=info.first_date, last_date=info.last_date)
    calendar.subcomponents = [component for component in calendar.subcomponents if component.name != "VEVENT"]
    for zone in calendar.walk("VTIMEZONE"):
        _split_rdates(zone)
    body: bytes = calendar.to_ical()
    assert body.endswith(_END)
    return body


def _reach(info: FeedInfo, ordered: list[tuple[dict[str, Any], Event]], capped: bool) -> str:
    """How far the feed reaches, in its language; a capped feed also says where the other sessions are."""
    if not info.more:
        return ""
    if not capped or not ordered:
        return _(
            "Sessions from %(first)s to %(last)s.", first=format_date(info.first_date), last=format_date(info.last_date)
        )
    first, last = ordered[0][0], ordered[-1][0]
    reach = _(
        "Only the %(count)s sessions nearest to today, from %(first)s to %(last)s.",
        count=format_number(len(ordered)),
        first=format_date(first["starts_at"], tz=first["timezone"]),
        last=format_date(last["starts_at"], tz=last["timezone"]),
    )
    return f"{reach} {info.more}"


def _split_rdates(zone: Any) -> None:
    """One observance per onset, without RDATE: ical.js (Thunderbird) ignores an observance's DTSTART when it
    also has RDATEs, which shifts every event until the next listed change by an hour."""
    observances = []
    for observance in zone.subcomponents:
        rdates = observance.pop("RDATE", None)
        observances.append(observance)
        if rdates is None:
            continue
        for rdate_list in rdates if isinstance(rdates, list) else [rdates]:
            for onset in rdate_list.dts:
                copy = observance.copy()
                copy["DTSTART"] = onset
                observances.append(copy)
    zone.subcomponents = observances


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def window(now: datetime) -> tuple[datetime, datetime]:
    """Feeds hold at most the last 90 days and the next 12 months, so they stay small however old a program is
    (and at most MAX_EVENTS of those sessions, however many programs it holds)."""
    return now - timedelta(days=90), now + timedelta(days=366)
