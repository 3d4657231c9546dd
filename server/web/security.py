"""Security headers on every response: a strict Content-Security-Policy the app's own pages satisfy, and friends."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

# No inline scripts or styles anywhere: htmx is configured by a meta tag (no eval, no injected styles).
# Pico's icons are data: URIs in CSS, hence img-src data:.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


PRIVATE_NO_STORE = "private, no-store"
# Static assets (and the organisation's logo) are the same for everyone and keep their caching when a signed-in
# staff member loads them.
STATIC_PREFIX = "/static/"
SHARED_ASSETS = (STATIC_PREFIX, "/organisation/logo")


def security_headers_hook(production: bool):
    """A before_send hook, so that every response gets the headers, 404s of unknown paths included."""

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Secret links (/my/…, /feeds/…, /s/…) must never leak to other sites through Referer.
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if scope.get("user") is not None and not scope.get("path", "").startswith(SHARED_ASSETS):
            # Whatever a signed-in staff member receives — pages, fragments, exports, prints, certificates, errors —
            # is kept by no cache: not the browser's disk cache of a shared computer, not a proxy.
            headers["Cache-Control"] = PRIVATE_NO_STORE

    return add_headers


class SecretLinkHeaders(ASGIMiddleware):
    """Pages reached through a secret link (/my/…, /s/…): no Referer passes the link on, no cache keeps a copy.
    Used as route middleware, so error answers of those routes (a 404 for a dead link) get the headers too."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cache-Control"] = PRIVATE_NO_STORE
            await send(message)

        await next_app(scope, receive, send_private)
