"""A Litestar store kept in the database, so sessions and sign-in limits survive restarts and are shared by workers."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from litestar.stores.base import NamespacedStore

from server import clock
from server.db import as_datetime, raw
from server.web.tables import StoredValue

T_STORED = StoredValue._meta.tablename

SWEEP_EVERY = 600.0  # seconds
_last_sweep = time.monotonic()


def _expiry(expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    return clock.now() + timedelta(seconds=seconds)


class DatabaseStore(NamespacedStore):
    def __init__(self, namespace: str = "gotong") -> None:
        self.namespace = namespace

    def with_namespace(self, namespace: str) -> DatabaseStore:
        return DatabaseStore(f"{self.namespace}:{namespace}")

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        full_key = self._key(key)
        expires_at = _expiry(expires_in)
        updated = (
            await StoredValue.update({StoredValue.value: data, StoredValue.expires_at: expires_at})
            .where(StoredValue.key == full_key)
            .returning(StoredValue.id)
            .run()
        )
        if not updated:
            await (
                StoredValue.insert(StoredValue(key=full_key, value=data, expires_at=expires_at))
                .on_conflict(
                    target=StoredValue.key,
                    action="DO UPDATE",
                    values=[StoredValue.value, StoredValue.expires_at],
                )
                .run()
            )
        # Sweep expired rows now and then instead of running a separate cleaner process.
        global _last_sweep
        if time.monotonic() - _last_sweep > SWEEP_EVERY:
            _last_sweep = time.monotonic()
            await StoredValue.delete().where(StoredValue.expires_at < clock.now()).run()

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        # Read on every signed-in request: in SQL rather than built by the ORM.
        rows = await raw(f'SELECT value, expires_at FROM "{T_STORED}" WHERE "key" = :key LIMIT 1', key=self._key(key))
        if not rows:
            return None
        row = rows[0]
        row["expires_at"] = as_datetime(row["expires_at"])
        if row["expires_at"] is not None and row["expires_at"] <= clock.now():
            await self.delete(key)
            return None
        if renew_for and row["expires_at"] is not None:
            await (
                StoredValue.update({StoredValue.expires_at: _expiry(renew_for)})
                .where(StoredValue.key == self._key(key))
                .run()
            )
        value = row["value"]
        return bytes(value) if value is not None else None

    async def delete(self, key: str) -> None:
        await StoredValue.delete().where(StoredValue.key == self._key(key)).run()

    async def delete_all(self) -> None:
        await StoredValue.delete().where(StoredValue.key.like(f"{self.namespace}:%")).run()

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await StoredValue.select(StoredValue.expires_at).where(StoredValue.key == self._key(key)).first().run()
        if row is None or row["expires_at"] is None:
            return None
        return max(0, int((row["expires_at"] - clock.now()).total_seconds()))
