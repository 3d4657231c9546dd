"""Per-request identity and language: who is signed in (checked against the database every time) and which locale to use."""
from __future__ import annotations

import secrets
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from server.config import SUPPORTED_LOCALES, settings
from server.i18n import negotiate, set_locale
from server.people import services as people
from server.web.access import CurrentStaff

LOCALE_COOKIE = "gotong_lang"
SESSION_STAFF_KEY = "staff_id"
SESSION_VERSION_KEY = "v"
ROTATE_KEY = "gotong_new_session_id"


class IdentityMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        connection: ASGIConnection = ASGIConnection(scope)
        # Static files and feeds carry no session; they never need to know who is asking.
        staff = None if "session" not in scope else await _load_staff(connection)
        scope["user"] = staff
        set_locale(choose_locale(connection, staff))
        await next_app(scope, receive, send)


async def _load_staff(connection: ASGIConnection) -> CurrentStaff | None:
    session = connection.scope.get("session")
    if not isinstance(session, dict):
        return None
    staff_id = session.get(SESSION_STAFF_KEY)
    if not isinstance(staff_id, int):
        return None
    staff = await people.active_staff(staff_id, session_version=session.get(SESSION_VERSION_KEY))
    if staff is None:
        # Deactivated, or signed out everywhere: the session ends now, not at expiry.
        session.clear()
    return staff


def choose_locale(connection: ASGIConnection, staff: CurrentStaff | None) -> str:
    chosen = connection.cookies.get(LOCALE_COOKIE)
    if chosen in SUPPORTED_LOCALES:
        return chosen
    if staff is not None and staff.locale in SUPPORTED_LOCALES:
        return staff.locale
    return negotiate(connection.headers.get("accept-language"), settings.default_locale)


def sign_in(request: Any, staff: CurrentStaff, session_version: int) -> None:
    """Start a fresh session under a new id, so a session id planted before sign-in is worthless."""
    request.scope.setdefault("state", {})[ROTATE_KEY] = secrets.token_hex(32)
    request.set_session({SESSION_STAFF_KEY: staff.id, SESSION_VERSION_KEY: session_version})


def sign_out(request: Any) -> None:
    request.clear_session()
