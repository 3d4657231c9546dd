"""Test databases: one migrated template per run, copied fresh for every test (SQLite file copy or PostgreSQL
TEMPLATE)."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlparse, urlunparse

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER and TEST_DATABASE_URL.startswith(("postgres://", "postgresql://")):
    # Each xdist worker gets its own PostgreSQL databases; live servers derive their names from this URL too.
    _parsed = urlparse(TEST_DATABASE_URL)
    TEST_DATABASE_URL = urlunparse(_parsed._replace(path=f"{_parsed.path}_{_WORKER}"))
    os.environ["TEST_DATABASE_URL"] = TEST_DATABASE_URL
USING_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql://"))
_WORKDIR = Path(tempfile.mkdtemp(prefix="gotong-test-"))


def configure_environment() -> str:
    """Points the app at the per-test database before any table module is imported."""
    url = TEST_DATABASE_URL if USING_POSTGRES else f"sqlite:///{_WORKDIR / 'test.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["PICCOLO_CONF"] = "piccolo_conf"
    os.environ.setdefault("GOTONG_DEFAULT_LOCALE", "en")
    # Tests look at a feed right after changing it; the short in-process feed cache would hide that.
    os.environ["GOTONG_FEED_CACHE_SECONDS"] = "0"
    # Each test drops and recreates its PostgreSQL database, which a pool would outlive.
    os.environ["GOTONG_DB_POOL"] = "0"
    return url


def _pg_parts(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    return admin, parsed.path.lstrip("/")


async def _pg_admin(sql: list[str]) -> None:
    import asyncpg

    admin_url, _name = _pg_parts(TEST_DATABASE_URL)
    connection = await asyncpg.connect(admin_url)
    try:
        for statement in sql:
            await connection.execute(statement)
    finally:
        await connection.close()


def _template_name() -> str:
    return _pg_parts(TEST_DATABASE_URL)[1] + "_template"


async def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all")
    assert result.success, result.message
    for connection in _IDLE.pop(asyncio.get_running_loop(), []):
        await asyncpg_close(connection)


def build_template() -> None:
    import contextlib
    import io

    if USING_POSTGRES:
        name = _pg_parts(TEST_DATABASE_URL)[1]
        asyncio.run(_pg_admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"']))
    else:
        (_WORKDIR / "test.sqlite3").unlink(missing_ok=True)
    with contextlib.redirect_stdout(io.StringIO()):
        asyncio.run(_migrate())
    if USING_POSTGRES:
        name = _pg_parts(TEST_DATABASE_URL)[1]
        template = _template_name()
        asyncio.run(
            _pg_admin(
                [
                    f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
                    # PostgreSQL copies a template only when no one is connected to it.
                    f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
                    f'CREATE DATABASE "{template}" TEMPLATE "{name}"',
                ]
            )
        )
    else:
        shutil.copyfile(_WORKDIR / "test.sqlite3", _WORKDIR / "template.sqlite3")


# --- reused PostgreSQL connections ------------------------------------------------------------------------------
# Without a pool (a pool belongs to one event loop, and the test client runs the app in another) Piccolo opens a new
# connection for every query: a backend fork and a handshake each time, which made the PostgreSQL suite twice as slow
# as SQLite's. Here a connection Piccolo "closes" goes back to an idle list for its event loop instead, and the next
# query on that loop takes it. Every reset throws them all away, since the database they point at is dropped.
_IDLE: dict[object, list] = {}


def _reuse_connections() -> None:
    import asyncpg
    from piccolo.engine.postgres import PostgresEngine

    class ReusedConnection(asyncpg.Connection):  # type: ignore[misc]
        async def close(self, *, timeout=None):
            if self.is_closed() or self.is_in_transaction():
                await super().close(timeout=timeout)
                return
            _IDLE.setdefault(asyncio.get_running_loop(), []).append(self)

    async def get_new_connection(self):
        idle = _IDLE.get(asyncio.get_running_loop())
        while idle:
            connection = idle.pop()
            if not connection.is_closed():
                return connection
        return await asyncpg.connect(**self.config, connection_class=ReusedConnection)

    PostgresEngine.get_new_connection = get_new_connection  # type: ignore[method-assign]


async def asyncpg_close(connection) -> None:
    import asyncpg

    await asyncpg.Connection.close(connection)


def _forget_connections() -> None:
    for connections in _IDLE.values():
        for connection in connections:
            try:
                connection.terminate()
            except Exception:  # its loop may be closed already; the server side goes with the database
                pass
    _IDLE.clear()


if USING_POSTGRES:
    _reuse_connections()


async def reset_database() -> None:
    if USING_POSTGRES:
        _forget_connections()
        name = _pg_parts(TEST_DATABASE_URL)[1]
        await _pg_admin(
            [
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                f'CREATE DATABASE "{name}" TEMPLATE "{_template_name()}"',
            ]
        )
    else:
        for suffix in ("-wal", "-shm"):
            (_WORKDIR / f"test.sqlite3{suffix}").unlink(missing_ok=True)
        shutil.copyfile(_WORKDIR / "template.sqlite3", _WORKDIR / "test.sqlite3")
