"""Database engine construction and the helpers that must behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

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


def make_engine(settings: Settings):
    if settings.is_postgres:
        return PostgresEngine(config={"dsn": settings.database_url}, log_queries=False)
    path = settings.sqlite_path
    secure_database_files(path)
    # A busy timeout lets a second writer wait instead of failing at once.
    return SQLiteEngine(path=str(path), timeout=15, factory=SecureDeleteConnection)


def engine():
    return engine_finder()


def transaction():
    """One transaction around a service's writes: all saved or nothing."""
    return engine().transaction()


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
