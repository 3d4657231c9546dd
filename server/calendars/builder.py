"""One pure builder from sessions to an iCalendar document; a policy decides what each kind of viewer may see."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable

from icalendar import Calendar, Event
from icalendar.prop.conference import Conference

from server.programs.privacy import displayed_title
from server.web.i18n import gettext as _

PRODID = "-//Gotong//Community programs//EN"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class FeedPolicy:
    """What a feed's reader may see: real titles and staff links only for staff."""

    real_titles: bool
    staff_links: bool

    @classmethod
    def public(cls) -> "FeedPolicy":
        return cls(real_titles=False, staff_links=False)

    @classmethod
    def participant(cls) -> "FeedPolicy":
        return cls(real_titles=False, staff_links=False)

    @classmethod
    def staff(cls) -> "FeedPolicy":
        return cls(real_titles=True, staff_links=True)


@dataclass(frozen=True)
class FeedInfo:
    name: str
    description: str
    url: str
    first_date: date
    last_date: date


def session_event(row: dict[str, Any], policy: FeedPolicy, base_url: str) -> Event:
    """One session as a VEVENT. The UID never changes; SEQUENCE is the session's revision counter."""
    program = {"title": row["program_title"], "public_title": row["program_public_title"], "discreet": row["program_discreet"]}
    title = displayed_title(program, real=policy.real_titles)
    cancelled = row["status"] == "cancelled"
    summary = title + (f" — {row['topic']}" if row["topic"] else "")
    lines = []
    if row["topic"]:
        lines.append(row["topic"])
    if cancelled:
        lines.append(_("Cancelled") + (f": {row['cancel_reason']}" if row["cancel_reason"] else ""))
    link = row["online_link"] if row["online_link"] and not cancelled else ""
    # Discreet groups keep their online room off public feeds: the link alone can reveal the group.
    if link and row["program_discreet"] and not (policy.real_titles or row.get("viewer_enrolled")):
        link = ""
    if link:
        lines.append(_("Join online: %(link)s", link=link))
    if policy.staff_links:
        url = f"{base_url}/manage/programs/{row['program_slug']}/schedule"
    elif row["program_visibility"] in ("public", "unlisted"):
        url = f"{base_url}/programs/{row['program_slug']}"
    else:
        url = None
    tz = row["timezone"]
    event = Event.new(
        uid=row["uid"],
        summary=(_("Cancelled") + ": " + summary) if cancelled else summary,
        start=row["starts_at"].astimezone(_zone(tz)),
        end=row["ends_at"].astimezone(_zone(tz)),
        stamp=row["updated_at"],
        last_modified=row["updated_at"],
        sequence=row["sequence"],
        status="CANCELLED" if cancelled else "CONFIRMED",
        location=row["location"] or None,
        description="\n".join(lines) or None,
        url=url,
        conferences=[Conference(uri=link, feature="VIDEO", label=_("Join online"))] if link else None,
    )
    return event


def build_calendar(info: FeedInfo, rows: Iterable[dict[str, Any]], policy: FeedPolicy, base_url: str) -> bytes:
    calendar = Calendar.new(
        uid=uuid.uuid5(uuid.NAMESPACE_URL, info.url),
        prodid=PRODID,
        name=info.name,
        description=info.description,
        url=info.url,
        refresh_interval=REFRESH,
        subcomponents=[session_event(row, policy, base_url) for row in rows],
    )
    # RFC 7986 wants the value type spelled out; Outlook reads only X-PUBLISHED-TTL.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("X-PUBLISHED-TTL", "PT1H")
    calendar.add_missing_timezones(first_date=info.first_date, last_date=info.last_date)
    for zone in calendar.walk("VTIMEZONE"):
        _split_rdates(zone)
    return calendar.to_ical()


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


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def window(now: datetime) -> tuple[datetime, datetime]:
    """Feeds hold the last 90 days and the next 12 months, so they stay small however old a program is."""
    return now - timedelta(days=90), now + timedelta(days=366)
