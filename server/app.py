"""Builds the Litestar app: plugins, templates, middleware and each feature's routes — nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.stores.registry import StoreRegistry
from litestar.template.config import TemplateConfig

from server import notices  # noqa: F401 - registers the periodic jobs (reminders, digest) and the schedule hook
from server.api import admin_routes as api_key_routes
from server.api import docs as api_docs
from server.api import routes as api_routes
from server.attendance import routes as attendance_routes
from server.calendars import routes as calendar_routes
from server.cases import moved_goal_routes, referral_routes
from server.cases import plan_routes as case_plan_routes
from server.cases import routes as case_routes
from server.config import ConfigError, Settings
from server.config import settings as default_settings
from server.db import engine, start_pool
from server.enrolment import routes as enrolment_routes
from server.imports import routes as import_routes
from server.messages import delivery, password_routes
from server.messages import routes as message_routes
from server.notices import routes as notice_routes
from server.pages import about_you
from server.pages import catalogue as catalogue_pages
from server.pages import dashboard as dashboard_page
from server.pages import home as home_page
from server.pages import participants as participant_pages
from server.pages import personal as personal_page
from server.pages import poster as poster_page
from server.people import account_routes, organisation_routes, participant_routes, staff_routes
from server.people.identity import IdentityMiddleware, identify_unrouted
from server.programs import routes as program_routes
from server.reports import breakdown_routes
from server.reports import routes as report_routes
from server.schedule import routes as schedule_routes
from server.surveys import routes as survey_routes
from server.web import routes as web_routes
from server.web import static as static_files
from server.web import urls as route_urls
from server.web.access import access_guard, undeclared_routes
from server.web.compression import compression_config
from server.web.csrf import CSRF_COOKIE, MaskedCSRFMiddleware
from server.web.csrf import HEADER as CSRF_HEADER
from server.web.errors import exception_handlers
from server.web.forms import path_ids_guard
from server.web.logs import install_redaction
from server.web.proxies import TrustedProxyMiddleware
from server.web.security import security_headers_hook
from server.web.sessions import SessionConfig
from server.web.static import assets
from server.web.store import DatabaseStore
from server.web.templating import make_environment

ROUTE_GROUPS: list[Sequence[Any]] = [
    web_routes.ROUTES,
    static_files.ROUTES,
    home_page.ROUTES,
    account_routes.ROUTES,
    staff_routes.ROUTES,
    organisation_routes.ROUTES,
    catalogue_pages.ROUTES,
    poster_page.ROUTES,
    program_routes.ROUTES,
    schedule_routes.ROUTES,
    participant_routes.ROUTES,
    import_routes.ROUTES,
    participant_pages.ROUTES,
    enrolment_routes.ROUTES,
    personal_page.ROUTES,
    about_you.ROUTES,
    attendance_routes.ROUTES,
    calendar_routes.ROUTES,
    report_routes.ROUTES,
    breakdown_routes.ROUTES,
    dashboard_page.ROUTES,
    survey_routes.ROUTES,
    message_routes.ROUTES,
    notice_routes.ROUTES,
    case_routes.ROUTES,
    case_plan_routes.ROUTES,
    moved_goal_routes.ROUTES,
    referral_routes.ROUTES,
    password_routes.ROUTES,
    api_routes.ROUTES,
    api_key_routes.ROUTES,
]
# The same for everyone: no session is loaded, no CSRF cookie is set (they are cached publicly).
SITE_FILES = ["^/static/", r"^/favicon\.ico$", r"^/manifest\.webmanifest$"]


def _login_attempt(request) -> bool:
    return request.method == "POST" and request.scope["path"] in ("/login", "/password/forgot")


async def _open_pool() -> None:
    await start_pool(min_size=2, max_size=20)


async def _close_pool() -> None:
    await engine().close_connection_pool()


def _delivery_loop() -> tuple[Any, Any]:
    """Startup and shutdown hooks running one delivery loop (server/messages/delivery.py) in this process."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def start() -> None:
        tasks.append(asyncio.create_task(delivery.run(stop)))

    async def finish() -> None:
        stop.set()
        for task in tasks:
            await task

    return start, finish


def serve_app() -> Litestar:
    """The app `python -m server serve` runs: with a delivery loop unless GOTONG_DELIVERY_IN_PROCESS=0 (separate
    `python -m server worker` processes deliver). Tests build `create_app`, which delivers nothing by itself."""
    return create_app(default_settings, deliver=default_settings.delivery_in_process)


def create_app(settings: Settings | None = None, *, deliver: bool = False) -> Litestar:
    settings = settings or default_settings
    # Before anything can log: no secret link token ever reaches a log line (uvicorn's access log included).
    install_redaction()
    problems = settings.problems()
    if problems:
        raise ConfigError(" ".join(problems))

    templates = JinjaTemplateEngine.from_environment(make_environment())
    # url_for without Litestar's search of the routes on every call (server/web/urls.py).
    templates.engine.globals["url_for"] = route_urls.url_for
    template_config = TemplateConfig(engine=templates)
    session_config = SessionConfig(
        store="sessions",
        max_age=settings.session_max_age,
        secure=settings.production,
        httponly=True,
        samesite="lax",
        key="gotong_session",
        exclude=[*SITE_FILES, r"^/calendar\.ics", "^/feeds/", "^/healthz", "^/api/"],
    )
    rate_limit = RateLimitConfig(
        rate_limit=("minute", settings.login_attempts_per_minute),
        check_throttle_handler=_login_attempt,
        store="rate_limit",
    )
    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_secure=settings.production,
        cookie_samesite="lax",
        exclude=["^/healthz", "^/api/", *SITE_FILES],
        exclude_from_csrf_key="exclude_from_csrf",
    )
    # Read and fingerprint the static files now, not on the first request.
    assets()
    handlers = [handler for group in ROUTE_GROUPS for handler in group]
    pool = [_open_pool, _close_pool] if settings.db_pool else []
    loop = list(_delivery_loop()) if deliver else []
    app = Litestar(
        route_handlers=handlers,
        guards=[access_guard, path_ids_guard],
        middleware=[
            # First: every later step (the per-address sign-in limit above all) sees the real client address.
            TrustedProxyMiddleware(settings.trusted_proxies),
            session_config.middleware,
            IdentityMiddleware(),
            rate_limit.middleware,
            # Litestar's csrf_config would use the unmasked middleware; this one is that check with BREACH masking.
            DefineMiddleware(MaskedCSRFMiddleware, config=csrf),
        ],
        template_config=template_config,
        compression_config=compression_config(),
        plugins=[HTMXPlugin(), FlashPlugin(config=FlashConfig(template_config=template_config))],
        stores=StoreRegistry(default_factory=lambda name: DatabaseStore(name)),
        exception_handlers=exception_handlers(),
        after_exception=[identify_unrouted(session_config)],
        request_max_body_size=1024 * 1024,
        debug=False,
        # Only the read API is documented: the API router sets include_in_schema=True, everything else inherits this.
        openapi_config=api_docs.openapi_config(),
        include_in_schema=False,
        before_send=[security_headers_hook(settings.production)],
        on_startup=[*pool[:1], *loop[:1]],
        on_shutdown=[*loop[1:], *pool[1:]],
    )
    missing = undeclared_routes(app)
    if missing:
        raise ConfigError("Routes without an access declaration: " + ", ".join(missing))
    app.state.settings = settings
    return app
