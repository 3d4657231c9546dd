"""Server-side sessions in the shared store, with the session id rotated on sign-in."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty

from server.web.identity import ROTATE_KEY

# Session data as loaded at the start of a request (a copy), to tell at the end whether it changed.
LOADED_KEY = "gotong_session_loaded"
# The hour in which the stored session was last written: the store's expiry slides at most once an hour.
WRITTEN_HOUR = "_written_hour"


class RotatingSessionBackend(ServerSideSessionBackend):
    """Rotates the session id on sign-in, and writes the store only when the session changed or its hour passed:
    every signed-in page view used to rewrite its unchanged session row, a write on every read (on SQLite the one
    writer's lock, taken for nothing)."""

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope.setdefault("state", {})[LOADED_KEY] = dict(data)
        return data

    def get_session_id(self, connection: ASGIConnection) -> str:
        new_id = connection.scope.get("state", {}).get(ROTATE_KEY)
        return new_id or super().get_session_id(connection)

    async def store_in_message(self, scope_session, message, connection) -> None:
        state = connection.scope.get("state", {})
        rotating = bool(state.get(ROTATE_KEY))
        if rotating and not state.get("gotong_old_session_dropped"):
            old_id = connection.cookies.get(self.config.key)
            if old_id and old_id != "null":
                await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
            state["gotong_old_session_dropped"] = True
        if isinstance(scope_session, dict) and not scope_session and not rotating:
            if not state.get(LOADED_KEY):
                # Nothing stored and nothing to store (a visitor who never signed in): no row, no cookie. Litestar
                # would store an empty session for every anonymous page view, a write per public page.
                return
            scope_session = Empty  # emptied: the stored row goes and the cookie is cleared
        if isinstance(scope_session, dict) and scope_session:
            hour = int(time.time() // 3600)
            if not rotating and scope_session == state.get(LOADED_KEY) and scope_session.get(WRITTEN_HOUR) == hour:
                return
            scope_session[WRITTEN_HOUR] = hour
        await super().store_in_message(scope_session, message, connection)


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class: type[ServerSideSessionBackend] = field(default=RotatingSessionBackend)
