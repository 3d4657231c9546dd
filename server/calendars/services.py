"""Which sessions a feed holds, its version for conditional requests, and its bytes (built once per version)."""
from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

from piccolo.query.functions.aggregate import Count, Max

from server.calendars.builder import FeedInfo, FeedPolicy, build_calendar, window
from server.errors import NotFound
from server.people.tables import AccessToken
from server.people.tokens import plausible, same_hash, token_hash
from server.programs import services as programs
from server.programs.privacy import displayed_title
from server.programs.tables import TeamMember
from server.schedule.tables import ProgramSession
from server.web.i18n import gettext as _

_SESSION_COLUMNS = (
    ProgramSession.id,
    ProgramSession.uid,
    ProgramSession.sequence,
    ProgramSession.status,
    ProgramSession.starts_at,
    ProgramSession.ends_at,
    ProgramSession.topic,
    ProgramSession.location,
    ProgramSession.online_link,
    ProgramSession.cancel_reason,
    ProgramSession.updated_at,
    ProgramSession.program.slug.as_alias("program_slug"),
    ProgramSession.program.title.as_alias("program_title"),
    ProgramSession.program.public_title.as_alias("program_public_title"),
    ProgramSession.program.discreet.as_alias("program_discreet"),
    ProgramSession.program.visibility.as_alias("program_visibility"),
    ProgramSession.program.timezone.as_alias("timezone"),
)


@dataclass(frozen=True)
class Feed:
    """A resolved feed: whose sessions (all public ones, or these programs, or one session) and for whom."""

    key: str
    name: str
    description: str
    url: str
    policy: FeedPolicy
    public_programs: bool = False
    program_ids: tuple[int, ...] = ()
    session_id: int | None = None
    shared_cache: bool = False  # a proxy may cache it (public feeds only)
    enrolled_viewer: bool = False


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def public_feed(base_url: str) -> Feed:
    return Feed(
        key="public",
        name=_("Gotong — public sessions"),
        description=_("Upcoming public sessions of our programs."),
        url=f"{base_url}/programs",
        policy=FeedPolicy.public(),
        public_programs=True,
        shared_cache=True,
    )


async def program_feed(slug: str, base_url: str) -> Feed:
    program = await programs.public_program(slug)  # private and unknown are the same 404
    return Feed(
        key=f"program:{program['id']}",
        name=program["title"],
        description=_("Sessions of %(title)s.", title=program["title"]),
        url=f"{base_url}/programs/{slug}",
        policy=FeedPolicy.public(),
        program_ids=(program["id"],),
        shared_cache=True,
    )


async def feed_owner(token: str) -> dict[str, Any]:
    """Whose private feed a token opens: checked on every request (a cached feed must not outlive its link);
    unknown, revoked and malformed tokens, and feeds of inactive staff accounts, are all NotFound."""
    if not plausible(token):
        raise NotFound("feed")
    row = (
        await AccessToken.select(
            AccessToken.token, AccessToken.kind, AccessToken.participant, AccessToken.staff,
            AccessToken.staff.user.active.as_alias("staff_active"),
        )
        .where((AccessToken.token == token_hash(token)) & AccessToken.revoked_at.is_null() & AccessToken.kind.is_in(["participant_feed", "staff_feed"]))
        .first()
        .run()
    )
    if row is None or not same_hash(row["token"], token):
        raise NotFound("feed")
    # Deactivation revokes the feed, and this check holds even for a feed revoked by nobody.
    if row["kind"] == "staff_feed" and not row["staff_active"]:
        raise NotFound("feed")
    return row


async def token_feed(token: str, base_url: str) -> Feed:
    """A participant's or staff member's private feed."""
    return await owner_feed(await feed_owner(token), base_url)


async def owner_feed(row: dict[str, Any], base_url: str) -> Feed:
    if row["kind"] == "participant_feed":
        from server.enrolment.tables import Enrolment

        enrolled = await Enrolment.select(Enrolment.program).where(
            (Enrolment.participant == row["participant"]) & Enrolment.status.is_in(["enrolled", "completed", "offered"])
        ).run()
        return Feed(
            key=f"participant:{row['participant']}",
            name=_("My sessions"),
            description=_("Sessions of the programs I take part in."),
            url=f"{base_url}/",
            policy=FeedPolicy.participant(),
            program_ids=tuple(sorted(r["program"] for r in enrolled)),
            enrolled_viewer=True,
        )
    team = await TeamMember.select(TeamMember.program).where(TeamMember.staff == row["staff"]).run()
    return Feed(
        key=f"staff:{row['staff']}",
        name=_("My programs (Gotong)"),
        description=_("Sessions of the programs I work on."),
        url=f"{base_url}/dashboard",
        policy=FeedPolicy.staff(),
        program_ids=tuple(sorted({r["program"] for r in team})),
    )


async def session_feed(session_id: int, staff: Any, base_url: str) -> Feed:
    """One session to add to a calendar: staff who manage it see the real title, others only public sessions."""
    row = (
        await ProgramSession.select(
            ProgramSession.program.id.as_alias("program_id"),
            ProgramSession.program.visibility.as_alias("visibility"),
            ProgramSession.program.archived.as_alias("archived"),
            ProgramSession.program.title.as_alias("title"),
            ProgramSession.program.public_title.as_alias("public_title"),
            ProgramSession.program.discreet.as_alias("discreet"),
        )
        .where(ProgramSession.id == session_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("session")
    staff_view = staff is not None and await programs.can_manage(staff, row["program_id"])
    if not staff_view and (row["visibility"] not in ("public", "unlisted") or row["archived"]):
        raise NotFound("session")
    title = displayed_title(row, real=staff_view)
    return Feed(
        key=f"session:{session_id}:{'staff' if staff_view else 'public'}",
        name=title,
        description=title,
        url=base_url,
        policy=FeedPolicy.staff() if staff_view else FeedPolicy.public(),
        session_id=session_id,
        shared_cache=not staff_view,
    )


def _where(feed: Feed, now: datetime):
    start, end = window(now)
    condition = (ProgramSession.starts_at >= start) & (ProgramSession.starts_at <= end)
    if feed.session_id is not None:
        return ProgramSession.id == feed.session_id
    if feed.public_programs:
        return condition & (ProgramSession.program.visibility == "public") & (ProgramSession.program.archived == False)  # noqa: E712
    return condition & ProgramSession.program.is_in(list(feed.program_ids) or [-1])


async def feed_version(feed: Feed, now: datetime | None = None) -> tuple[str, datetime]:
    """An ETag and Last-Modified from one aggregate query: what changes whenever any event in the feed changes."""
    now = now or _now()
    row = (
        await ProgramSession.select(
            Count(ProgramSession.id, alias="n"),
            Max(ProgramSession.updated_at, alias="sessions_changed"),
            Max(ProgramSession.program.updated_at, alias="programs_changed"),
        )
        .where(_where(feed, now))
        .first()
        .run()
    )
    changed = [_as_utc(value) for value in (row["sessions_changed"], row["programs_changed"]) if value is not None]
    last_modified = max(changed) if changed else datetime(2000, 1, 1, tzinfo=timezone.utc)
    # The day is part of the version: the window moves daily, so old sessions leave the feed.
    fingerprint = f"{feed.key}|{feed.program_ids}|{row['n']}|{last_modified.isoformat()}|{now.date().isoformat()}|{feed.name}"
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32], last_modified.replace(microsecond=0)


def _as_utc(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite aggregates come back as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


async def feed_rows(feed: Feed, now: datetime | None = None) -> list[dict[str, Any]]:
    rows = await ProgramSession.select(*_SESSION_COLUMNS).where(_where(feed, now or _now())).order_by(ProgramSession.starts_at).run()
    for row in rows:
        row["viewer_enrolled"] = feed.enrolled_viewer
    return rows


class _BuiltFeeds:
    """Feed bytes by (feed, version): an unchanged feed is built once per worker, not on every poll."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.items: OrderedDict[tuple[str, str], bytes] = OrderedDict()

    def get(self, key: tuple[str, str]) -> bytes | None:
        body = self.items.get(key)
        if body is not None:
            self.items.move_to_end(key)
        return body

    def put(self, key: tuple[str, str], body: bytes) -> None:
        self.items[key] = body
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


BUILT = _BuiltFeeds()


@dataclass(frozen=True)
class Resolved:
    feed: Feed
    etag: str
    last_modified: datetime
    expires: float


class _RecentVersions:
    """A few seconds' memory of each feed's version, so a burst of polls costs no database work.
    Calendar apps poll every few minutes at most, so a change shows on their next refresh all the same."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.items: OrderedDict[str, Resolved] = OrderedDict()

    def get(self, key: str) -> Resolved | None:
        hit = self.items.get(key)
        if hit is None or hit.expires <= time.monotonic():
            return None
        return hit

    def put(self, key: str, resolved: Resolved) -> None:
        self.items[key] = resolved
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def clear(self) -> None:
        self.items.clear()


RECENT = _RecentVersions()


async def resolve(key: str, make_feed: Callable[[], Awaitable[Feed]], ttl: float) -> Resolved:
    hit = RECENT.get(key) if ttl > 0 else None
    if hit is not None:
        return hit
    feed = await make_feed()
    etag, last_modified = await feed_version(feed)
    resolved = Resolved(feed=feed, etag=etag, last_modified=last_modified, expires=time.monotonic() + ttl)
    if ttl > 0:
        RECENT.put(key, resolved)
    return resolved


async def feed_bytes(feed: Feed, etag: str, base_url: str, locale: str, now: datetime | None = None) -> bytes:
    key = (f"{feed.key}|{locale}", etag)
    body = BUILT.get(key)
    if body is None:
        now = now or _now()
        start, end = window(now)
        info = FeedInfo(name=feed.name, description=feed.description, url=feed.url, first_date=start.date(), last_date=end.date())
        body = build_calendar(info, await feed_rows(feed, now), feed.policy, base_url)
        BUILT.put(key, body)
    return body
