"""Who may use a route: every handler declares one access level in its opt, and one guard enforces it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

# Access levels, from most to least open. "token" routes are public to the HTTP layer but
# answer only to a secret link, which the handler checks.
PUBLIC = {"access": "public"}
TOKEN = {"access": "token"}
STAFF = {"access": "staff"}
ORGANIZER = {"access": "organizer"}
ADMIN = {"access": "admin"}
LEVELS = ("public", "token", "staff", "organizer", "admin")
ROLES = ("admin", "organizer", "facilitator")
ROLE_RANK = {"facilitator": 1, "organizer": 2, "admin": 3}
LEVEL_RANK = {"staff": 1, "organizer": 2, "admin": 3}


@dataclass(frozen=True)
class CurrentStaff:
    id: int
    user_id: int
    username: str
    email: str
    display_name: str
    role: str
    locale: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_organizer(self) -> bool:
        """Organizers and admins plan and oversee every program."""
        return self.role in ("admin", "organizer")

    def at_least(self, role: str) -> bool:
        return ROLE_RANK.get(self.role, 0) >= ROLE_RANK[role]


def access_level(handler: BaseRouteHandler) -> str | None:
    if handler.handler_name == "options_handler":
        return "public"  # Litestar's automatic OPTIONS answer reveals only the allowed methods
    return handler.opt.get("access")


def access_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    level = access_level(handler)
    if level not in LEVELS:
        # A route without a declaration is refused rather than guessed open.
        raise PermissionDeniedException("route declares no access level")
    if level in ("public", "token"):
        return
    staff: CurrentStaff | None = connection.scope.get("user")
    if staff is None:
        raise NotAuthorizedException()
    if ROLE_RANK.get(staff.role, 0) < LEVEL_RANK[level]:
        raise PermissionDeniedException()


def undeclared_routes(app: Any) -> list[str]:
    """Paths of handlers that declare no access level; the app refuses to start with any."""
    missing = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if access_level(handler) not in LEVELS:
                missing.append(f"{route.path} ({handler.handler_name})")
    return missing
