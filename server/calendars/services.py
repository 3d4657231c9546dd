"""Which sessions a feed holds, its version for conditional requests, and its bytes (built once per version)."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count, Max
from piccolo.querystring import QueryString

from server import clock, privacy
from server.calendars.builder import MAX_EVENTS, FeedInfo, Links, build_calendar, window
from server.config import SUPPORTED_LOCALES, settings
from server.enrolment.tables import Enrolment
from server.errors import NotFound
from server.i18n import gettext as _
from server.i18n import use_locale
from server.organisation import services as organisation
from server.people.tables import AccessToken, Participant, Staff
from server.people.tokens import plausible, same_hash, token_hash
from server.programs import services as programs
from server.programs.tables import TeamMember
from server.schedule.tables import ProgramSession
from server.web.labels import LABELS

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
    ProgramSession.program.place_members_only.as_alias("program_place_members_only"),
    ProgramSession.program.visibility.as_alias("program_visibility"),
    ProgramSession.program.timezone.as_alias("timezone"),
    ProgramSession.program.id.as_alias("program_id"),
)


@dataclass(frozen=True)
class Feed:
    """A resolved feed: whose sessions (all public ones, or these programs, or one session), for whom (the privacy
    policy's viewer; `member_program_ids` are the programs the reader is enrolled in), and in which language."""

    key: str
    name: str
    description: str
    url: str
    viewer: privacy.Viewer
    locale: str
    public_programs: bool = False
    # The catalogue's filters (kind, mode, area) narrowing a public feed, as (name, value) pairs in a fixed order.
    filters: tuple[tuple[str, str], ...] = ()
    program_ids: tuple[int, ...] = ()
    member_program_ids: frozenset[int] = frozenset()
    session_id: int | None = None
    shared_cache: bool = False  # a proxy may cache it (public feeds only)
    more: str = ""  # where to find the sessions a capped feed leaves out (see builder.MAX_EVENTS)

    def viewer_of(self, row: dict[str, Any]) -> privacy.Viewer:
        if row["program_id"] in self.member_program_ids:
            return privacy.participant_viewer(enrolled=True)
        return self.viewer


async def public_feed(links: Links, locale: str, filters: dict[str, str] | None = None) -> Feed:
    """All public sessions, or those of the programs the catalogue lists with the same `filters`
    (`CatalogueFilter.feed_filters()`); a filtered feed says so in its name and description."""
    org = await organisation.load()
    chosen = tuple((name, value) for name, value in (filters or {}).items() if value)
    with use_locale(locale):
        # Whose programs these are, once the organisation has a name (its settings page).
        name = org.calendar_name if org.name else _("Gotong — public sessions")
        description = _("Upcoming public sessions of our programs.")
        if chosen:
            narrowed = filters_summary(dict(chosen))
            name = f"{name} — {narrowed}"
            description = f"{description} {narrowed}."
        return Feed(
            key=public_key(dict(chosen), locale),
            name=name,
            description=description,
            url=links.catalogue,
            viewer=privacy.ANYONE,
            locale=locale,
            public_programs=True,
            filters=chosen,
            shared_cache=True,
            more=_more_programs(links),
        )


def public_key(filters: dict[str, str], locale: str) -> str:
    """A public feed's cache key: each set of filters is its own feed (never served another's cached bytes)."""
    return "public:" + "".join(f"{name}={value}&" for name, value in filters.items() if value) + locale


def filters_summary(filters: dict[str, str]) -> str:
    """How a public feed's filters read in its name: the kind's and mode's translated names, the area as written."""
    groups = {"kind": "kind", "mode": "delivery"}
    return ", ".join(LABELS.label(groups.get(name, ""), value) for name, value in filters.items() if value)


async def program_feed(slug: str, links: Links, locale: str) -> Feed:
    program = await programs.public_program(slug)  # private and unknown are the same 404
    org = await organisation.load()
    with use_locale(locale):
        return Feed(
            key=f"program:{program['id']}:{locale}",
            # A public program's calendar says whose program it is, as the public feed does. Personal and staff
            # feeds keep their plain names: a participant's calendar app is seen by others, and an organisation's
            # name can say what kind of help someone gets.
            name=f"{program['title']} — {org.short_name or org.name}" if org.name else program["title"],
            description=_("Sessions of %(title)s.", title=program["title"]),
            url=links.public_program(slug),
            viewer=privacy.ANYONE,
            locale=locale,
            program_ids=(program["id"],),
            shared_cache=True,
            more=_("For the other sessions, see the program's page: %(url)s", url=links.public_program(slug)),
        )


async def feed_owner(token: str) -> dict[str, Any]:
    """Whose private feed a token opens: checked on every request (a cached feed must not outlive its link);
    unknown, revoked and malformed tokens, and feeds of inactive staff accounts, are all NotFound."""
    if not plausible(token):
        raise NotFound("feed")
    row = (
        await AccessToken.select(
            AccessToken.token,
            AccessToken.kind,
            AccessToken.participant,
            AccessToken.staff,
            AccessToken.staff.user.active.as_alias("staff_active"),  # type: ignore[union-attr]
        )
        .where(
            (AccessToken.token == token_hash(token))
            & AccessToken.revoked_at.is_null()
            & AccessToken.kind.is_in(["participant_feed", "staff_feed"])
        )
        .first()
        .run()
    )
    if row is None or not same_hash(row["token"], token):
        raise NotFound("feed")
    # Deactivation revokes the feed, and this check holds even for a feed revoked by nobody.
    if row["kind"] == "staff_feed" and not row["staff_active"]:
        raise NotFound("feed")
    return row


async def owner_feed(row: dict[str, Any], links: Links) -> Feed:
    """A participant's or staff member's private feed, from the token `feed_owner` found."""
    if row["kind"] == "participant_feed":
        enrolments = (
            await Enrolment.select(Enrolment.program, Enrolment.status)
            .where(
                (Enrolment.participant == row["participant"])
                & Enrolment.status.is_in(["enrolled", "completed", "offered"])
            )
            .run()
        )
        owner = (
            await Participant.select(Participant.preferred_locale)
            .where(Participant.id == row["participant"])
            .first()
            .run()
        )
        locale = _saved_locale(owner["preferred_locale"] if owner else None)
        with use_locale(locale):
            return Feed(
                key=f"participant:{row['participant']}:{locale}",
                name=_("My sessions"),
                description=_("Sessions of the programs I take part in."),
                url=links.home,
                # Offered a place or finished: they read the program as any participant elsewhere would.
                viewer=privacy.participant_viewer(enrolled=False),
                locale=locale,
                program_ids=tuple(sorted(r["program"] for r in enrolments)),
                member_program_ids=frozenset(r["program"] for r in enrolments if r["status"] == "enrolled"),
                more=_more_programs(links),
            )
    staff = (
        await Staff.select(Staff.role, Staff.locale, Staff.feed_real_details)
        .where(Staff.id == row["staff"])
        .first()
        .run()
    )
    if staff is None:
        raise NotFound("feed")
    team = await TeamMember.select(TeamMember.program).where(TeamMember.staff == row["staff"]).run()
    # The feed holds only the programs they work on; real titles of discreet ones only if they chose so.
    viewer = privacy.Viewer(
        privacy.ADMIN if staff["role"] == "admin" else privacy.TEAM, real_details=bool(staff["feed_real_details"])
    )
    locale = _saved_locale(staff["locale"])
    with use_locale(locale):
        return Feed(
            key=f"staff:{row['staff']}:{'real' if viewer.real_details else 'neutral'}:{locale}",
            name=_("My programs (Gotong)"),
            description=_("Sessions of the programs I work on."),
            url=links.dashboard,
            viewer=viewer,
            locale=locale,
            program_ids=tuple(sorted({r["program"] for r in team})),
            more=_("For the other sessions, see each program's schedule in Gotong: %(url)s", url=links.dashboard),
        )


def _more_programs(links: Links) -> str:
    return _(
        "For the other sessions, subscribe to a single program's calendar from the catalogue: %(url)s",
        url=links.catalogue,
    )


def _saved_locale(locale: str | None) -> str:
    """A feed is read by a calendar app, whose Accept-Language says nothing about the person: their saved choice."""
    return locale if locale in SUPPORTED_LOCALES else settings.default_locale


async def session_feed(session_id: int, staff: Any, links: Links, locale: str) -> Feed:
    """One session to add to a calendar: staff who manage it see the real title, others only public sessions."""
    row = (
        await ProgramSession.select(
            ProgramSession.program.id.as_alias("program_id"),
            ProgramSession.program.visibility.as_alias("visibility"),
            ProgramSession.program.archived.as_alias("archived"),
            ProgramSession.program.title.as_alias("title"),
            ProgramSession.program.public_title.as_alias("public_title"),
            ProgramSession.program.discreet.as_alias("discreet"),
            ProgramSession.program.place_members_only.as_alias("place_members_only"),
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
    # Whoever else downloads it (other staff included) gets what the public may see. The file goes into a
    # calendar service like a feed does, so the team's own choice about real titles there applies.
    viewer = privacy.ANYONE
    if staff_view:
        real = await Staff.select(Staff.feed_real_details).where(Staff.id == staff.id).first().run()
        viewer = privacy.staff_viewer(staff, on_team=True, real_details=bool(real and real["feed_real_details"]))
    title = privacy.title(row, viewer, privacy.FEED)
    return Feed(
        key=f"session:{session_id}:{viewer.role}:{viewer.real_details}:{locale}",
        name=title,
        description=title,
        url=links.base_url,
        viewer=viewer,
        locale=locale,
        session_id=session_id,
        shared_cache=not staff_view,
    )


def _today(now: datetime) -> datetime:
    """Feeds are chosen from the start of the day (UTC): a feed's sessions change with the day, as its version does."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _where(feed: Feed, now: datetime):
    start, end = window(_today(now))
    condition = (ProgramSession.starts_at >= start) & (ProgramSession.starts_at <= end)
    if feed.session_id is not None:
        return ProgramSession.id == feed.session_id
    if feed.public_programs:
        condition &= (ProgramSession.program.visibility == "public") & (ProgramSession.program.archived == False)  # noqa: E712
        if feed.filters:
            # The catalogue's own condition, so that a filtered feed holds exactly the programs it lists.
            condition &= ProgramSession.program.is_in(programs.public_program_ids(**dict(feed.filters)))
        return condition
    return condition & ProgramSession.program.is_in(list(feed.program_ids) or [-1])


async def feed_version(feed: Feed, now: datetime | None = None) -> tuple[str, datetime]:
    """An ETag and Last-Modified from one aggregate query: what changes whenever any event in the feed changes.
    It covers the whole time window, not only the MAX_EVENTS sessions chosen from it: the sessions chosen for a day
    change only when a session in the window is added, removed or changed, which the count and latest change see."""
    now = now or clock.now()
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
    assert row is not None  # an aggregate always answers one row
    changed = [_as_utc(value) for value in (row["sessions_changed"], row["programs_changed"]) if value is not None]
    last_modified = max(changed) if changed else datetime(2000, 1, 1, tzinfo=UTC)
    # The day is part of the version: the window moves daily, so old sessions leave the feed.
    fingerprint = (
        f"{feed.key}|{feed.locale}|{feed.viewer}|{feed.program_ids}|{sorted(feed.member_program_ids)}|{row['n']}|"
        f"{last_modified.isoformat()}|{_today(now).date().isoformat()}|{feed.name}|{MAX_EVENTS}"
    )
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32], last_modified.replace(microsecond=0)


def _as_utc(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite aggregates come back as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def feed_rows(feed: Feed, now: datetime | None = None) -> tuple[list[dict[str, Any]], bool]:
    """The feed's sessions nearest to today first (upcoming ones from the earliest, then past ones from the latest),
    at most MAX_EVENTS of them, and whether the window held more."""
    today = _today(now or clock.now())
    starts = ProgramSession.starts_at._meta.get_full_name(with_alias=False)
    rows = (
        await ProgramSession.select(*_SESSION_COLUMNS)
        .where(_where(feed, today))
        .order_by(
            QueryString(f"CASE WHEN {starts} >= {{}} THEN 0 ELSE 1 END", today),
            QueryString(f"CASE WHEN {starts} >= {{}} THEN {starts} END", today),
        )
        .order_by(ProgramSession.starts_at, ascending=False)
        .order_by(ProgramSession.id)
        .limit(MAX_EVENTS + 1)
        .run()
    )
    return rows[:MAX_EVENTS], len(rows) > MAX_EVENTS


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


async def feed_bytes(feed: Feed, etag: str, links: Links, now: datetime | None = None) -> bytes:
    key = (f"{feed.key}|{feed.locale}", etag)
    body = BUILT.get(key)
    if body is None:
        now = now or clock.now()
        start, end = window(_today(now))
        info = FeedInfo(
            name=feed.name,
            description=feed.description,
            url=feed.url,
            first_date=start.date(),
            last_date=end.date(),
            more=feed.more,
        )
        rows, capped = await feed_rows(feed, now)
        with use_locale(feed.locale):
            body = build_calendar(info, [(row, feed.viewer_of(row)) for row in rows], links, capped)
        BUILT.put(key, body)
    return body
