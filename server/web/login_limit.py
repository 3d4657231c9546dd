"""The sign-in limit per account: at most N failed sign-ins per username within a window, from whatever addresses,
counted in the shared database store (all workers see the same count). The per-address limit is Litestar's
RateLimitConfig in server/app.py; this one stops a guesser who spreads attempts over many addresses.

While an account is over its limit even the right password is refused (else the limit would tell a guesser when they
are right). Unknown usernames are counted the same way, so the answer never tells whether an account exists. The
store keeps only a hash of the username."""

from __future__ import annotations

import hashlib
import json
import time

from litestar.stores.base import Store

STORE_NAME = "login_failures"


def _key(username: str) -> str:
    return "account:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


async def _read(store: Store, username: str) -> tuple[int, float]:
    raw = await store.get(_key(username))
    if not raw:
        return 0, 0.0
    try:
        data = json.loads(raw)
        return int(data["count"]), float(data["until"])
    except (ValueError, KeyError, TypeError):
        return 0, 0.0


async def is_locked(store: Store, username: str, limit: int) -> bool:
    count, until = await _read(store, username)
    return count >= limit and until > time.time()


async def record_failure(store: Store, username: str, window_minutes: int) -> None:
    """One more failure; the window runs from the first failure, so waiting it out always unlocks."""
    count, until = await _read(store, username)
    now = time.time()
    if until <= now:
        count, until = 0, now + window_minutes * 60
    await store.set(
        _key(username), json.dumps({"count": count + 1, "until": until}), expires_in=max(1, int(until - now) + 1)
    )


async def clear(store: Store, username: str) -> None:
    await store.delete(_key(username))
