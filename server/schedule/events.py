"""Telling the features above schedule that staff cancelled, restored or moved a session, or retimed a series, inside
that change's transaction: notices (above) registers here to queue the messages, so that a change rolled back queues
nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

CANCELLED = "cancelled"
RESTORED = "restored"
MOVED = "moved"


@dataclass(frozen=True)
class SessionChange:
    """What happened to one session. `session` is its row after the change (id, starts_at, ends_at, location,
    online_link, cancel_reason, status); `previous_starts_at`/`previous_ends_at` its time before a move."""

    kind: str  # cancelled | restored | moved
    program: dict[str, Any]
    session: dict[str, Any]
    now: datetime
    previous_starts_at: datetime | None = None
    previous_ends_at: datetime | None = None


Handler = Callable[[SessionChange], Awaitable[None]]
_HANDLERS: dict[str, Handler] = {}


def on_session_changed(handler: Handler) -> Handler:
    """Registers `handler(change)`, run inside the transaction of every cancel, restore or move (registering the same
    function again replaces it: a module imported twice)."""
    _HANDLERS[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


async def session_changed(change: SessionChange) -> None:
    """Call inside the transaction, after the write: a handler that fails rolls the change back with it."""
    for handler in _HANDLERS.values():
        await handler(change)


@dataclass(frozen=True)
class SeriesChange:
    """Staff gave several sessions of a series new values at once (server/schedule/services/series_edits.py).
    `previous` maps each changed session's id to its (starts_at, ends_at) before the change; a handler reads what
    they are now itself (the same transaction sees the change)."""

    program: dict[str, Any]
    previous: dict[int, tuple[datetime, datetime]]
    now: datetime


SeriesHandler = Callable[[SeriesChange], Awaitable[None]]
_SERIES_HANDLERS: dict[str, SeriesHandler] = {}


def on_series_changed(handler: SeriesHandler) -> SeriesHandler:
    """Registers `handler(change)`, run inside the transaction of every change to a series' sessions."""
    _SERIES_HANDLERS[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


async def series_changed(change: SeriesChange) -> None:
    """Call inside the transaction, after the write: one call for the whole change, never one per session."""
    for handler in _SERIES_HANDLERS.values():
        await handler(change)
