"""Quiet hours: when a non-urgent message queued in the evening or at night may go out."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.config import parse_quiet_hours


def _inside(moment: time, start: time, end: time) -> bool:
    if start <= end:  # e.g. 12:00-14:00
        return start <= moment < end
    return moment >= start or moment < end  # across midnight, e.g. 21:00-07:00


def release_time(now: datetime, timezone: str, quiet_hours: str) -> datetime:
    """`now` outside the quiet hours (in `timezone`), else the instant they end there. Empty `quiet_hours`: now."""
    hours = parse_quiet_hours(quiet_hours) if quiet_hours else None
    if hours is None:
        return now
    start, end = hours
    local = now.astimezone(ZoneInfo(timezone))
    if start == end or not _inside(local.time(), start, end):
        return now
    # Every part of the end, seconds too: dropping them would put a moment just before the end past it, a day later.
    release = local.replace(hour=end.hour, minute=end.minute, second=end.second, microsecond=0)
    if release <= local:
        release += timedelta(days=1)
    # Built from the local wall clock, so a jump in the zone's offset (none in Indonesia) is resolved by zoneinfo.
    return release.astimezone(now.tzinfo)
