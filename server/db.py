"""Database engine construction and the helpers that must behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import functools
import os
import re
import sqlite3
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, dict_factory
from piccolo.querystring import QueryString

from server.config import ROOT, Settings

PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700
# The directories Gotong owns (the default database's and backups'); a directory named in DATABASE_URL that already
# exists is the operator's and keeps its mode (it may be /tmp).
OWN_DIRECTORIES = (ROOT / "data", ROOT / "data" / "backups")
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


class SecureDeleteConnection(sqlite3.Connection):
    """Every SQLite connection overwrites deleted content with zeros (PRAGMA secure_delete): an erased person's
    data does not linger in free pages of the file, its WAL or a backup."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.execute("PRAGMA secure_delete = ON")


def private_directory(directory: Path) -> None:
    """Creates a directory readable only by its owner (0700); tightens it if it is one of Gotong's own."""
    if not directory.exists():
        directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
        directory.chmod(PRIVATE_DIRECTORY)
    elif directory.resolve() in {own.resolve() for own in OWN_DIRECTORIES}:
        directory.chmod(PRIVATE_DIRECTORY)


def private_file(path: Path) -> None:
    """Creates the file empty with mode 0600 if it is missing, and makes it 0600 if it exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass
    _tighten(path)


def secure_database_files(path: Path) -> None:
    """The SQLite database and its WAL, shared-memory and journal files readable only by the owner, in a private
    directory. SQLite creates its -wal and -shm files with the database file's mode, so a 0600 database keeps
    them 0600; existing files from before are tightened here at every start."""
    private_directory(path.parent)
    private_file(path)
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            _tighten(companion)


def _tighten(path: Path) -> None:
    if path.stat().st_mode & 0o777 != PRIVATE_FILE:
        path.chmod(PRIVATE_FILE)


class _ReusedConnection(aiosqlite.Connection):
    """An aiosqlite connection that goes back to its engine's idle list when closed while the pool runs."""

    engine: PooledSQLiteEngine | None = None

    async def close(self) -> None:
        if self.engine is not None and self.engine.keep(self):
            return
        await super().close()


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine opens a new connection for every query outside a transaction: a thread started, the
    file opened and its schema read each time, which costs more than most of Gotong's queries themselves. While the
    app's pool runs (start_connection_pool, as for PostgreSQL) this one keeps up to `max_size` idle connections and
    hands them out again; a connection is kept only outside a transaction. Tests leave the pool off (each test
    copies a fresh database file over the old one, which an open connection would not see)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[_ReusedConnection] = []
        self._max_idle = 0

    async def start_connection_pool(self, **kwargs: Any) -> None:
        self._max_idle = int(kwargs.get("max_size", 8))

    async def close_connection_pool(self) -> None:
        self._max_idle = 0
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.engine = None
            await connection.close()

    def keep(self, connection: _ReusedConnection) -> bool:
        """Takes a closed connection back if the pool runs, has room and the connection is outside a transaction."""
        if len(self._idle) >= self._max_idle or connection.in_transaction:
            return False
        self._idle.append(connection)
        return True

    async def get_connection(self) -> Any:
        if not self._max_idle:
            return await super().get_connection()
        if self._idle:
            return self._idle.pop()
        kwargs = dict(self.connection_kwargs)
        database = kwargs.pop("database")
        connection = _ReusedConnection(partial(sqlite3.connect, database, **kwargs), 64)
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        connection.engine = self
        return connection

    async def _run_in_new_connection(
        self, query: str, args: Any = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        if not self._max_idle:
            return await super()._run_in_new_connection(query, args, query_type, table)
        connection = await self.get_connection()
        try:
            # One trip to the connection's thread, not four (execute, commit, fetch, close the cursor): a read
            # opens no transaction, so only a write has one to commit.
            rows = await connection.execute_fetchall(query, args or [])
            if connection.in_transaction:
                await connection.commit()
            return rows
        except BaseException:
            if connection.in_transaction:
                await connection.rollback()
            raise
        finally:
            await connection.close()

    async def _run_in_existing_connection(
        self, connection: Any, query: str, args: Any = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        # Piccolo sets PRAGMA foreign_keys before every query of a transaction, a no-op inside one (and already set
        # on every connection this engine opens), then executes, fetches and closes the cursor: four trips to the
        # connection's thread where one does. A mark runs about twenty queries in its transaction.
        return await connection.execute_fetchall(query, args or [])


# Session settings of every PostgreSQL connection. random_page_cost: the planner's price of reading a page out of
# order, 4 by default (spinning disks); 1.1 is the usual figure for SSD and cloud volumes, where PostgreSQL runs
# today. With 4, a program report's "who was served" hash-joined all 50,000 participants to its 33 people at 10x
# (43 ms) instead of looking them up (1.6 ms); docs/performance.md, "Sixth session".
PG_SETTINGS = {"random_page_cost": "1.1"}


def pg_config(database_url: str) -> dict[str, Any]:
    """asyncpg's arguments for every connection and pool of the app: the address and the session settings."""
    return {"dsn": database_url, "server_settings": PG_SETTINGS}


def make_engine(settings: Settings):
    if settings.is_postgres:
        return PostgresEngine(config=pg_config(settings.database_url), log_queries=False)
    path = settings.sqlite_path
    secure_database_files(path)
    # A busy timeout lets a second writer wait instead of failing at once.
    return PooledSQLiteEngine(path=str(path), timeout=15, factory=SecureDeleteConnection)


def engine():
    return engine_finder()


async def _keep_session(connection: Any) -> None:
    """What the pool runs on a PostgreSQL connection given back, besides rolling back a transaction left open
    (asyncpg always does that): nothing. asyncpg's default sends "SELECT pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL" after every query, a second round trip that cost as much as most of Gotong's queries
    (0.30 → 0.17 ms a query, docs/performance.md, "Ninth session"). Gotong leaves nothing for it to undo: its locks
    are row locks held by transactions, it declares no cursors and listens to nothing, and its session settings
    (PG_SETTINGS) are set when the connection opens, never changed after."""


async def start_pool(*, min_size: int, max_size: int) -> None:
    """The engine's connection pool for a process that serves or delivers."""
    if engine().engine_type == "postgres":
        await engine().start_connection_pool(min_size=min_size, max_size=max_size, reset=_keep_session)
    else:
        await engine().start_connection_pool(min_size=min_size, max_size=max_size)


# SQLite has one writer at a time. Writers of one process waiting for it inside SQLite's busy handler retry after
# sleeps of up to 100 ms, in no order: under load some waited past the 15 s timeout ("database is locked") while
# others came and went. Queued here first (asyncio.Lock is first come, first served), at most one writer per
# process waits in SQLite, and the next one starts as soon as the last commits.
_WRITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()
_HOLDS_WRITER: ContextVar[bool] = ContextVar("gotong_holds_writer", default=False)


@asynccontextmanager
async def writer_turn() -> AsyncIterator[None]:
    """This process's turn to write on SQLite (re-entrant: a nested transaction keeps its caller's turn); nothing on
    PostgreSQL, whose row locks let writers of different programs pass each other."""
    if engine().engine_type != "sqlite" or _HOLDS_WRITER.get():
        yield
        return
    loop = asyncio.get_running_loop()
    lock = _WRITERS.get(loop)
    if lock is None:
        lock = _WRITERS[loop] = asyncio.Lock()
    async with lock:
        token = _HOLDS_WRITER.set(True)
        try:
            yield
        finally:
            _HOLDS_WRITER.reset(token)


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """One transaction around a service's writes: all saved or nothing."""
    async with writer_turn(), engine().transaction():
        yield


# --- the query planner's statistics ----------------------------------------------------------------
# SQLite's planner has no statistics until ANALYZE writes them, and without them it guesses: at 300 programs the
# staff program list counted each program's coming sessions through the status index instead of the program's
# (145 ms instead of 3.6 ms a view; docs/performance.md, "Eighth session"). PostgreSQL's autovacuum analyzes by
# itself. Rows read per index: enough for the planner to tell a selective index from another, bounded whatever
# the size of the database (50 ms at the large organisation).
ANALYSIS_LIMIT = 1000


async def refresh_planner_statistics() -> bool:
    """Writes SQLite's planner statistics afresh (ANALYZE, bounded by ANALYSIS_LIMIT rows per index); nothing on
    PostgreSQL. Returns whether it ran. `migrate` runs it and the delivery loop every few hours, so that plans
    follow the data as the organisation grows."""
    db = engine()
    if db.engine_type != "sqlite":
        return False
    # The limit is a setting of the connection: both statements on the transaction's one connection.
    async with transaction():
        await db.run_ddl(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        await db.run_ddl("ANALYZE")
    return True


# --- figures kept in step with writes --------------------------------------------------------------
# A feature that keeps figures derived from other features' rows (attendance's per-enrolment summary, derived from
# enrolments, sessions and marks) must update them in the same transaction as the write. The writers sit below it
# and may not import it, so they announce which program changed and the keeper registered here recomputes it
# (server/attendance/__init__.py registers attendance's, so any process that has loaded attendance keeps them).
_KEEPERS: dict[str, Callable[[int], Awaitable[None]]] = {}
# Marks are the most frequent write (a facilitator taps one person at a time): a keeper may say how to follow a
# change of some people's marks on one session more cheaply than by recomputing the whole program.
MarksKeeper = Callable[[int, int, Sequence[int]], Awaitable[None]]
_MARKS_KEEPERS: dict[str, MarksKeeper] = {}


def keep_figures(name: str, keeper: Callable[[int], Awaitable[None]], *, marks: MarksKeeper | None = None) -> None:
    """Registers `keeper(program_id)`, and optionally `marks(program_id, session_id, participant_ids)` for a write
    that changed only those people's marks on that session (without it, such a write calls `keeper`). Registering
    the same name again replaces both (a module imported twice)."""
    _KEEPERS[name] = keeper
    _MARKS_KEEPERS.pop(name, None)
    if marks is not None:
        _MARKS_KEEPERS[name] = marks


async def program_changed(program_id: int) -> None:
    """A write changed a program's enrolments, sessions or marks: every keeper recomputes, in the caller's
    transaction (call it inside the transaction, after the write)."""
    for keeper in _KEEPERS.values():
        await keeper(program_id)


async def marks_changed(program_id: int, session_id: int, participant_ids: Sequence[int]) -> None:
    """A write changed only some people's marks on one session of a program (nothing else): each keeper follows it
    its cheapest exact way, in the caller's transaction (call it inside the transaction, after the write)."""
    for name, keeper in _KEEPERS.items():
        marks = _MARKS_KEEPERS.get(name)
        if marks is None:
            await keeper(program_id)
        else:
            await marks(program_id, session_id, participant_ids)


_PERSON_KEEPERS: dict[str, Callable[[int], Awaitable[None]]] = {}
PeopleKeeper = Callable[[Sequence[int]], Awaitable[None]]
_PEOPLE_KEEPERS: dict[str, PeopleKeeper] = {}


def keep_person_figures(
    name: str, keeper: Callable[[int], Awaitable[None]], *, many: PeopleKeeper | None = None
) -> None:
    """Registers `keeper(participant_id)`, for figures derived from a person's details and consents (the data
    checks' kept counts), and optionally `many(participant_ids)` that follows many people's writes at once (an
    import); the same name again replaces both."""
    _PERSON_KEEPERS[name] = keeper
    _PEOPLE_KEEPERS.pop(name, None)
    if many is not None:
        _PEOPLE_KEEPERS[name] = many


async def participant_changed(participant_id: int) -> None:
    """A write changed a person's details or consents: every person keeper recomputes, in the caller's transaction
    (call it inside the transaction, after the write)."""
    for keeper in _PERSON_KEEPERS.values():
        await keeper(participant_id)


async def participants_changed(participant_ids: Sequence[int]) -> None:
    """A write changed many people's details or consents (an import): each keeper follows them its bulk way, or
    once per person when it has none, in the caller's transaction (call it inside the transaction, after the write)."""
    for name, keeper in _PERSON_KEEPERS.items():
        many = _PEOPLE_KEEPERS.get(name)
        if many is not None:
            await many(participant_ids)
        else:
            for participant_id in participant_ids:
                await keeper(participant_id)


# --- raw SQL, portable -----------------------------------------------------------------------------

_PARAM = re.compile(r":([a-z_]+)\b")


class _CompiledQuery(QueryString):
    """A statement raw() has already written in the engine's own placeholders: Piccolo's engines run it as it is,
    without parsing a template."""

    def __init__(self, sql: str, args: list[Any]) -> None:
        super().__init__("")
        self._sql, self._args = sql, args

    def compile_string(self, engine_type: str = "postgres") -> tuple[str, list[Any]]:
        return self._sql, self._args

    def __str__(self) -> str:
        return self._sql


@functools.lru_cache(maxsize=2048)
def _compile(sql: str, engine_type: str, lists: tuple[tuple[str, int], ...]) -> tuple[str, tuple[tuple[str, int], ...]]:
    """`sql` with its `:name` parameters in the engine's placeholders ($1… or ?), and the value of each placeholder
    in order: (name, -1) for a value, (name, i) for item i of a list (`lists`: each list parameter's length; an empty
    one is NULL). Kept: the pages run the same few statements over and over, and rewriting a long one on every view
    cost about as much as sending it."""
    lengths = dict(lists)
    slots: list[tuple[str, int]] = []

    def placeholder() -> str:
        return f"${len(slots)}" if engine_type == "postgres" else "?"

    def place(match: re.Match) -> str:
        name = match.group(1)
        if name not in lengths:
            slots.append((name, -1))
            return placeholder()
        if not lengths[name]:
            return "NULL"
        marks = []
        for index in range(lengths[name]):
            slots.append((name, index))
            marks.append(placeholder())
        return ", ".join(marks)

    return _PARAM.sub(place, sql), tuple(slots)


async def raw(sql: str, **params: Any) -> list[dict[str, Any]]:
    """SQL with named parameters (`:name`) on the current engine, inside the current transaction if any; a list
    becomes one bound parameter per item. Rows as dicts. Also cheaper than a Piccolo select, whose query is built
    in Python column by column (about half a millisecond each): the pages people open first use it."""
    current = engine()
    lists = tuple(sorted((name, len(value)) for name, value in params.items() if isinstance(value, (list, tuple))))
    compiled, slots = _compile(sql, current.engine_type, lists)
    args = [params[name] if index < 0 else params[name][index] for name, index in slots]
    rows = await current.run_querystring(_CompiledQuery(compiled, args))
    return current.transform_response_to_dicts(rows) if rows else []


def as_date(value: Any) -> date | None:
    """Dates from raw SQL come back as text on SQLite."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime | None:
    """Timestamps from raw SQL come back as text on SQLite."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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
