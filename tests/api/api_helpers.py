"""Helpers for API tests: a key made through the service, and the header that carries it."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parent.parent
for folder in ("attendance", "surveys", "reports"):
    if str(_TESTS / folder) not in sys.path:
        sys.path.insert(0, str(_TESTS / folder))

from server.api import keys  # noqa: E402


async def make_key(actor, scopes=("programs", "reports"), programs=(), name="Funder dashboard") -> tuple[int, str]:
    return await keys.create_key(actor, name, list(scopes), list(programs))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
