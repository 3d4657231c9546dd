"""The signed-in session and the request's language: session keys, starting and ending a session, choosing the
locale. Loading the staff member behind a session is the people feature's (server/people/identity.py)."""

from __future__ import annotations

import secrets
from typing import Any

from litestar.connection import ASGIConnection

from server.config import SUPPORTED_LOCALES
from server.i18n import negotiate
from server.organisation import services as organisation
from server.web.access import CurrentStaff

LOCALE_COOKIE = "gotong_lang"
SESSION_STAFF_KEY = "staff_id"
SESSION_VERSION_KEY = "v"
ROTATE_KEY = "gotong_new_session_id"


def choose_locale(connection: ASGIConnection, staff: CurrentStaff | None) -> str:
    chosen = connection.cookies.get(LOCALE_COOKIE)
    if chosen in SUPPORTED_LOCALES:
        return chosen
    if staff is not None and staff.locale in SUPPORTED_LOCALES:
        return staff.locale
    return negotiate(connection.headers.get("accept-language"), organisation.current().default_locale)


def sign_in(request: Any, staff: CurrentStaff, session_version: int) -> None:
    """Start a fresh session under a new id, so a session id planted before sign-in is worthless."""
    request.scope.setdefault("state", {})[ROTATE_KEY] = secrets.token_hex(32)
    request.set_session({SESSION_STAFF_KEY: staff.id, SESSION_VERSION_KEY: session_version})


def sign_out(request: Any) -> None:
    request.clear_session()
