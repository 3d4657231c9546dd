"""Which address a request comes from. X-Forwarded-For and X-Forwarded-Proto are believed only when the direct peer
is one of the reverse proxies named in GOTONG_TRUSTED_PROXIES (none by default): anyone else could send any address
and slip past the per-address sign-in limit. uvicorn's own proxy-header handling is switched off by `serve`, so this
middleware is the one place that decides."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str, forwarded_for: str | None, networks: tuple[Network, ...]) -> str:
    """The client's address: the peer itself unless it is a trusted proxy; then, reading X-Forwarded-For from
    the right (the part the trusted proxies added), the first address that is not a trusted proxy."""
    if not networks or not forwarded_for or not is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage from beyond the proxy: keep the proxy's address, never a made-up one
    return hops[0] if hops else peer


class TrustedProxyMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP, ScopeType.WEBSOCKET)

    def __init__(self, trusted: Iterable[str]) -> None:
        self.networks = trusted_networks(trusted)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        client = scope.get("client")
        if self.networks and client and is_trusted(client[0], self.networks):
            headers: dict[str, list[str]] = {}
            for name, value in scope.get("headers", []):
                headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
            forwarded_for = ",".join(headers.get("x-forwarded-for", [])) or None
            scope["client"] = (client_address(client[0], forwarded_for, self.networks), 0)
            proto = ",".join(headers.get("x-forwarded-proto", [])).split(",")[0].strip().lower()
            if proto in ("http", "https"):
                scope["scheme"] = proto if scope["type"] == "http" else {"http": "ws", "https": "wss"}[proto]
        await next_app(scope, receive, send)
