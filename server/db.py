"""Database engine construction and the helpers that must behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from server.config import Settings


def make_engine(settings: Settings):
    if settings.is_postgres:
        return PostgresEngine(config={"dsn": settings.database_url}, log_queries=False)
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    # A busy timeout lets a second writer wait instead of failing at once.
    return SQLiteEngine(path=str(path), timeout=15)


def engine():
    return engine_finder()


def transaction():
    """One transaction around a service's writes: all saved or nothing."""
    return engine().transaction()


def contains_text(column, text: str):
    """Case-insensitive 'contains' on both engines (SQLite's LIKE already ignores ASCII case; it has no ILIKE)."""
    pattern = f"%{text.lower()}%"
    if engine().engine_type == "sqlite":
        return column.like(pattern)
    return column.ilike(pattern)


async def prepare_database() -> None:
    """SQLite in WAL mode: readers do not block the writer, and a crash loses no committed transaction."""
    if engine().engine_type == "sqlite":
        await engine().run_ddl("PRAGMA journal_mode=WAL")
