"""Who is signed in, checked against the staff accounts on every request, and which language to answer in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from server.i18n import set_locale
from server.organisation import services as organisation
from server.people.staff import active_staff
from server.web.access import CurrentStaff
from server.web.csrf import CSRF_COOKIE, mask
from server.web.identity import SESSION_STAFF_KEY, SESSION_VERSION_KEY, choose_locale
from server.web.sessions import RotatingSessionBackend, SessionConfig


class IdentityMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        connection: ASGIConnection = ASGIConnection(scope)
        # Static files and feeds carry no session; they never need to know who is asking.
        staff = None if "session" not in scope else await _load_staff(connection)
        if "session" in scope:
            # Pages show the organisation's name and follow its default language; static files and feeds skip it.
            await organisation.load()
        scope["user"] = staff
        set_locale(choose_locale(connection, staff))
        await next_app(scope, receive, send)


def identify_unrouted(session_config: SessionConfig) -> Callable[[Exception, Scope], Awaitable[None]]:
    """An after_exception hook: when no route matched (an unknown address, a wrong method), no middleware ran, so
    the error page would greet a signed-in staff member as a visitor. This reads who is signed in (without
    touching the session) and the CSRF token for the menu's sign-out form, before the error page renders."""
    backend = RotatingSessionBackend(config=session_config)

    async def identify(_error: Exception, scope: Scope) -> None:
        if scope["type"] != ScopeType.HTTP or "user" in scope:
            return
        connection: ASGIConnection = ASGIConnection(scope)
        session = await backend.load_from_connection(connection)
        staff = await _staff_of(session) if session else None
        scope["user"] = staff
        set_locale(choose_locale(connection, staff))
        csrf_cookie = connection.cookies.get(CSRF_COOKIE)
        if staff is not None and csrf_cookie:
            ScopeState.from_scope(scope).csrf_token = mask(csrf_cookie)

    return identify


async def _load_staff(connection: ASGIConnection) -> CurrentStaff | None:
    session = connection.scope.get("session")
    if not isinstance(session, dict):
        return None
    return await _staff_of(session)


async def _staff_of(session: dict[str, Any]) -> CurrentStaff | None:
    staff_id = session.get(SESSION_STAFF_KEY)
    if not isinstance(staff_id, int):
        return None
    staff = await active_staff(staff_id, session_version=session.get(SESSION_VERSION_KEY))
    if staff is None:
        # Deactivated, or signed out everywhere: the session ends now, not at expiry.
        session.clear()
    return staff
