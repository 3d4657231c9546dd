"""Server-side sessions in the shared store, with the session id rotated on sign-in."""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig

from server.web.identity import ROTATE_KEY


class RotatingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection) -> str:
        new_id = connection.scope.get("state", {}).get(ROTATE_KEY)
        return new_id or super().get_session_id(connection)

    async def store_in_message(self, scope_session, message, connection) -> None:
        state = connection.scope.get("state", {})
        if state.get(ROTATE_KEY) and not state.get("gotong_old_session_dropped"):
            old_id = connection.cookies.get(self.config.key)
            if old_id and old_id != "null":
                await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
            state["gotong_old_session_dropped"] = True
        await super().store_in_message(scope_session, message, connection)


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class: type[ServerSideSessionBackend] = field(default=RotatingSessionBackend)
