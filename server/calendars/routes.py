"""Calendar feed routes: conditional GET/HEAD with ETag and Last-Modified, the right content type, subscribe pages."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from litestar import HttpMethod, Request, Response, get, post, route
from litestar.params import FromPath

from server.calendars import services as feeds
from server.calendars.builder import Links
from server.calendars.forms import FeedDetailsForm
from server.config import SUPPORTED_LOCALES, settings
from server.errors import NotFound
from server.i18n import get_locale
from server.i18n import gettext as _
from server.people.links import has_staff_feed, reissue_staff_feed
from server.people.staff import feed_real_details, set_feed_real_details
from server.programs.forms import CatalogueFilter
from server.web.access import PUBLIC, STAFF, TOKEN
from server.web.forms import parse_id
from server.web.rendering import redirect, render

CALENDAR_TYPE = "text/calendar"
FEED_METHODS = [HttpMethod.GET, HttpMethod.HEAD]
# Feeds carry no session and never set cookies: calendar apps poll them for years.
FEED_OPT = {"skip_session": True, "exclude_from_csrf": True}


def _not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since; unparseable validators are ignored."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        candidates = {part.strip().removeprefix("W/").strip('"') for part in if_none_match.split(",")}
        return etag in candidates or "*" in candidates
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        if since is None or since.tzinfo is None:
            return False
        return last_modified <= since
    return False


def _links(request: Request) -> Links:
    """The pages a feed links to, as absolute addresses made from route names."""
    base, app = settings.base_url, request.app
    return Links(
        base_url=base,
        catalogue=base + app.route_reverse("catalogue"),
        home=base + app.route_reverse("home"),
        dashboard=base + app.route_reverse("dashboard"),
        public_program=lambda slug: base + app.route_reverse("public_program", slug=slug),
        staff_schedule=lambda slug: base + app.route_reverse("program_schedule", slug=slug),
    )


def _language(request: Request) -> tuple[str, str | None]:
    """A public feed's language: `?lang=` when given (a subscription URL fixes it), else the request's, which
    depends on the cookie and Accept-Language — then caches must know (the Vary header returned here)."""
    wanted = request.query_params.get("lang")
    if wanted in SUPPORTED_LOCALES:
        return wanted, None
    return get_locale(), "Accept-Language, Cookie"


async def serve(request: Request, cache_key: str, make_feed: Any, filename: str, vary: str | None = None) -> Response:
    resolved = await feeds.resolve(cache_key, make_feed, settings.feed_cache_seconds)
    feed, etag, last_modified = resolved.feed, resolved.etag, resolved.last_modified
    headers = {
        "ETag": f'"{etag}"',
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Cache-Control": ("public" if feed.shared_cache else "private") + ", max-age=900",
        "Content-Disposition": f'inline; filename="{filename}"',
        "Referrer-Policy": "no-referrer",
    }
    if vary:
        headers["Vary"] = vary
    if _not_modified(request, etag, last_modified):
        return Response(content=b"", status_code=304, headers=headers, media_type=CALENDAR_TYPE)
    body = await feeds.feed_bytes(feed, etag, _links(request))
    return Response(content=body, headers=headers, media_type=CALENDAR_TYPE)


@route("/calendar.ics", http_method=FEED_METHODS, opt={**PUBLIC, **FEED_OPT}, name="public_calendar")
async def public_calendar(request: Request) -> Response:
    """All public sessions, or with the catalogue's filters (`?kind=&mode=&area=`) those of the programs the
    catalogue lists. A value the catalogue would refuse is a plain 400: the catalogue can show the error next to its
    form, but a calendar app shows nothing, and an unfiltered feed under a filtered link would mislead for years."""
    filters = CatalogueFilter(request.query_params)
    if not filters.is_valid():
        problems = "; ".join(f"{name}: {message}" for name, message in sorted(filters.errors.items()))
        return Response(content=problems, status_code=400, media_type="text/plain; charset=utf-8")
    chosen = filters.feed_filters()
    locale, vary = _language(request)
    return await serve(
        request,
        feeds.public_key(chosen, locale),
        lambda: feeds.public_feed(_links(request), locale, chosen),
        "gotong.ics",
        vary,
    )


@route(
    "/programs/{slug:str}/calendar.ics", http_method=FEED_METHODS, opt={**PUBLIC, **FEED_OPT}, name="program_calendar"
)
async def program_calendar(request: Request, slug: FromPath[str]) -> Response:
    locale, vary = _language(request)
    return await serve(
        request,
        f"program:{slug}:{locale}",
        lambda: feeds.program_feed(slug, _links(request), locale),
        f"{slug}.ics",
        vary,
    )


@route("/feeds/{token:str}", http_method=FEED_METHODS, opt={**TOKEN, **FEED_OPT}, name="token_calendar")
async def token_calendar(request: Request, token: FromPath[str]) -> Response:
    if not token.endswith(".ics"):
        raise NotFound("feed")
    owner = await feeds.feed_owner(token.removesuffix(".ics"))
    key = f"{owner['kind']}:{owner['participant'] or owner['staff']}"
    return await serve(request, key, lambda: feeds.owner_feed(owner, _links(request)), "gotong.ics")


@route(
    "/sessions/{filename:str}",
    http_method=FEED_METHODS,
    opt={**PUBLIC, "exclude_from_csrf": True},
    name="session_calendar",
)
async def session_calendar(request: Request, filename: FromPath[str]) -> Response:
    number = filename.removesuffix(".ics")
    if not filename.endswith(".ics") or parse_id(number) is None:
        raise NotFound("session")
    session_id = int(number)
    viewer = request.scope.get("user")
    locale, _vary = _language(request)
    response = await serve(
        request,
        f"session:{session_id}:{viewer.id if viewer else 0}:{locale}",
        lambda: feeds.session_feed(session_id, viewer, _links(request), locale),
        f"session-{session_id}.ics",
        "Accept-Language, Cookie",  # who is signed in decides too
    )
    response.headers["Content-Disposition"] = f'attachment; filename="session-{session_id}.ics"'
    return response


@get("/account/calendar", opt=STAFF, name="staff_calendar")
async def staff_calendar(request: Request) -> Any:
    has_feed = await has_staff_feed(request.user.id)
    form = FeedDetailsForm(initial={"real_details": await feed_real_details(request.user.id)})
    return render(request, "calendars/staff_calendar.html", {"has_feed": has_feed, "feed_url": None, "form": form})


@post("/account/calendar/details", opt=STAFF, name="staff_calendar_details")
async def staff_calendar_details(request: Request) -> Any:
    form = FeedDetailsForm(await request.form())
    if not form.is_valid():
        has_feed = await has_staff_feed(request.user.id)
        context = {"has_feed": has_feed, "feed_url": None, "form": form}
        return render(request, "calendars/staff_calendar.html", context, status_code=400)
    await set_feed_real_details(request.user.id, form["real_details"])
    feeds.RECENT.clear()
    page = request.app.route_reverse("staff_calendar")
    if form["real_details"]:
        return redirect(request, page, _("Your calendar feed now shows real titles of discreet programs."))
    return redirect(request, page, _("Your calendar feed shows only neutral titles of discreet programs."))


@post("/account/calendar/reissue", opt=STAFF, name="staff_calendar_reissue")
async def staff_calendar_reissue(request: Request) -> Any:
    # Only a hash is stored, so the new link is shown in this answer and never again (no redirect: a flash
    # message would put it in the session store).
    token = await reissue_staff_feed(request.user, request.user.id)
    feeds.RECENT.clear()
    form = FeedDetailsForm(initial={"real_details": await feed_real_details(request.user.id)})
    feed_url = settings.base_url + request.app.route_reverse("token_calendar", token=f"{token}.ics")
    context = {"has_feed": True, "feed_url": feed_url, "form": form}
    response = render(request, "calendars/staff_calendar.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


ROUTES = [
    public_calendar,
    program_calendar,
    token_calendar,
    session_calendar,
    staff_calendar,
    staff_calendar_details,
    staff_calendar_reissue,
]
