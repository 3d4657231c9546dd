"""The SQLite engine's kept connections (server/db.py PooledSQLiteEngine): reused outside transactions, never handed
out inside one, clean after a failed statement or a rolled-back transaction, and closed with the pool."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from litestar.testing import AsyncTestClient
from piccolo.querystring import QueryString

from server.app import create_app
from server.db import PooledSQLiteEngine, SecureDeleteConnection, engine


@pytest.fixture
async def pooled(tmp_path):
    engine = PooledSQLiteEngine(path=str(tmp_path / "pool.sqlite3"), timeout=5, factory=SecureDeleteConnection)
    await engine.start_connection_pool(max_size=3)
    await engine.run_ddl("CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
    yield engine
    await engine.close_connection_pool()


async def _labels(engine) -> list[str]:
    return [row["label"] for row in await engine.run_querystring(QueryString("SELECT label FROM item ORDER BY id"))]


async def test_a_connection_is_used_again_for_the_next_query(pooled):
    await pooled.run_querystring(QueryString("INSERT INTO item (label) VALUES ({})", "first"))
    kept = list(pooled._idle)
    assert len(kept) == 1
    assert await _labels(pooled) == ["first"]
    assert pooled._idle == kept


async def test_kept_connections_keep_foreign_keys_and_secure_delete_on(pooled):
    await pooled.run_querystring(QueryString("SELECT 1"))
    rows = await pooled.run_querystring(QueryString("PRAGMA foreign_keys"))
    assert rows[0]["foreign_keys"] == 1
    rows = await pooled.run_querystring(QueryString("PRAGMA secure_delete"))
    assert rows[0]["secure_delete"] == 1


async def test_concurrent_queries_each_get_their_own_connection_and_at_most_the_limit_is_kept(pooled):
    results = await asyncio.gather(*(pooled.run_querystring(QueryString("SELECT {} AS n", n)) for n in range(10)))
    assert [rows[0]["n"] for rows in results] == list(range(10))
    assert 1 <= len(pooled._idle) <= 3


async def test_a_failed_statement_leaves_a_clean_connection(pooled):
    with pytest.raises(Exception, match="no such table"):
        await pooled.run_querystring(QueryString("SELECT * FROM missing"))
    assert all(not connection.in_transaction for connection in pooled._idle)
    await pooled.run_querystring(QueryString("INSERT INTO item (label) VALUES ({})", "after"))
    assert await _labels(pooled) == ["after"]


async def test_a_rolled_back_transaction_saves_nothing_and_its_connection_is_reused_clean(pooled):
    with pytest.raises(RuntimeError):
        async with pooled.transaction():
            await pooled.run_querystring(QueryString("INSERT INTO item (label) VALUES ({})", "lost"))
            raise RuntimeError("the service refused")
    assert await _labels(pooled) == []
    assert pooled._idle and all(not connection.in_transaction for connection in pooled._idle)
    async with pooled.transaction():
        await pooled.run_querystring(QueryString("INSERT INTO item (label) VALUES ({})", "kept"))
    assert await _labels(pooled) == ["kept"]


async def test_a_write_is_visible_to_every_kept_connection(pooled):
    """Connections kept idle must not sit on an old snapshot."""
    await asyncio.gather(*(pooled.run_querystring(QueryString("SELECT 1")) for _ in range(3)))
    await pooled.run_querystring(QueryString("INSERT INTO item (label) VALUES ({})", "new"))
    seen = await asyncio.gather(*(_labels(pooled) for _ in range(3)))
    assert seen == [["new"]] * 3


async def test_closing_the_pool_closes_the_kept_connections_and_stops_keeping(pooled):
    await pooled.run_querystring(QueryString("SELECT 1"))
    await pooled.close_connection_pool()
    assert pooled._idle == []
    await pooled.run_querystring(QueryString("SELECT 1"))
    assert pooled._idle == []


async def test_the_app_serves_pages_with_its_pool_running_and_closes_it_when_it_stops(db, settings):
    """The production setting (GOTONG_DB_POOL on, the default): pages answer through the pool (kept SQLite
    connections, or asyncpg's pool on PostgreSQL), and the pool is closed again when the app stops."""
    app = create_app(dataclasses.replace(settings, db_pool=True))

    def pool_running() -> bool:
        return engine().pool is not None if settings.is_postgres else bool(engine()._idle)

    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        for path in ("/healthz", "/", "/programs", "/login"):
            assert (await client.get(path)).status_code == 200
        assert pool_running()
    assert not pool_running()
