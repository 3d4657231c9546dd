"""Who calls the API: the key a request carries, its scope, its rate limit, and errors answered as JSON."""

from __future__ import annotations

import math
from collections import OrderedDict
from datetime import datetime
from typing import Any

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from server import clock
from server.api import keys
from server.errors import DomainError, Forbidden, NotFound

# Requests per key per minute. Counted in this process's memory: with several workers each counts on its own, so
# the limit a key meets is this times the number of workers (docs/api.md says so).
REQUESTS_PER_MINUTE = 60
WINDOW_SECONDS = 60
_MAX_TRACKED = 10_000


class TooManyRequests(HTTPException):
    status_code = 429


class _Limiter:
    """A fixed one-minute window per key id."""

    def __init__(self) -> None:
        self.windows: OrderedDict[int, tuple[float, int]] = OrderedDict()

    def reset(self) -> None:
        self.windows.clear()

    def wait(self, key_id: int, now: datetime) -> int:
        """0 if the request may go ahead (and counts it), else the seconds until the key's window ends."""
        instant = now.timestamp()
        start, count = self.windows.get(key_id, (instant, 0))
        if instant - start >= WINDOW_SECONDS:
            start, count = instant, 0
        if count >= REQUESTS_PER_MINUTE:
            return max(1, math.ceil(start + WINDOW_SECONDS - instant))
        self.windows[key_id] = (start, count + 1)
        self.windows.move_to_end(key_id)
        while len(self.windows) > _MAX_TRACKED:
            self.windows.popitem(last=False)
        return 0


limiter = _Limiter()


def presented_key(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return connection.headers.get("x-api-key", "").strip()


async def api_key_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """A live key with the handler's scope (opt "scope"), within its rate limit; the key goes to scope["api_key"]."""
    presented = presented_key(connection)
    key = await keys.find_key(presented) if presented else None
    if key is None:
        raise NotAuthorizedException("A valid API key is required.")
    wait = limiter.wait(key.id, clock.now())
    if wait:
        raise TooManyRequests("Too many requests for this key.", headers={"Retry-After": str(wait)})
    if handler.opt.get("scope") not in key.scopes:
        raise PermissionDeniedException("This key may not read this.")
    connection.scope["api_key"] = key  # type: ignore[typeddict-unknown-key]


def current_key(request: Request[Any, Any, Any]) -> keys.Key:
    return request.scope["api_key"]  # type: ignore[typeddict-item]


def check_program(key: keys.Key, program_id: int) -> None:
    """403 for a program outside the key's list (a program that does not exist answers 404 before this)."""
    if not key.may_read(program_id):
        raise PermissionDeniedException("This key may not read this program.")


def _json_error(status: int, detail: str, headers: dict[str, str] | None = None) -> Response[dict[str, Any]]:
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="gotong-api"'
    return Response({"status_code": status, "detail": detail}, status_code=status, headers=headers)


def http_error(_request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    return _json_error(exc.status_code, exc.detail, dict(exc.headers or {}))


def domain_error(_request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    if isinstance(exc, NotFound):
        return _json_error(404, "Not found.")
    if isinstance(exc, Forbidden):
        return _json_error(403, "Forbidden.")
    return _json_error(400, "Bad request.")


EXCEPTION_HANDLERS: dict[Any, Any] = {HTTPException: http_error, DomainError: domain_error}
