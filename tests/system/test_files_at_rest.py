"""Files at rest: the SQLite database, its WAL and shared-memory files and backups are 0600 in a 0700 directory,
whichever command makes them, and SQLite overwrites deleted content (secure_delete)."""

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from dbsetup import USING_POSTGRES
from live import ROOT

pytestmark = pytest.mark.skipif(USING_POSTGRES, reason="file modes and secure_delete concern the SQLite files")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def cli(database: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    result = subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_migrate_creates_the_database_0600_in_a_0700_directory(tmp_path):
    os.umask(0o022)  # an ordinary shell's umask: the command must not rely on the caller's
    database = tmp_path / "fresh" / "gotong.sqlite3"
    cli(database, "migrate")
    assert mode(database.parent) == 0o700
    assert mode(database) == 0o600
    # The WAL and shared-memory files SQLite makes next to it get the database file's mode.
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE probe (x)")
    try:
        for suffix in ("-wal", "-shm"):
            assert mode(database.with_name(database.name + suffix)) == 0o600, suffix
    finally:
        connection.close()


def test_existing_world_readable_database_files_are_tightened_at_start(tmp_path):
    os.umask(0o022)
    database = tmp_path / "gotong.sqlite3"
    cli(database, "migrate")
    companions = [database.with_name(database.name + suffix) for suffix in ("-wal", "-shm")]
    holder = sqlite3.connect(database)  # keeps the WAL and shared-memory files in place
    try:
        holder.execute("CREATE TABLE probe (x)")
        holder.commit()
        for path in [database, *companions]:
            path.chmod(0o644)  # as an older version left them
        cli(database, "migrate")
        for path in [database, *companions]:
            assert mode(path) == 0o600, path.name
    finally:
        holder.close()


def test_cli_backup_is_0600_in_a_new_0700_directory(tmp_path):
    os.umask(0o022)
    database = tmp_path / "gotong.sqlite3"
    cli(database, "migrate")
    target = tmp_path / "backups" / "nightly.sqlite3"
    cli(database, "backup", str(target))
    assert mode(target.parent) == 0o700
    assert mode(target) == 0o600
    assert target.stat().st_size > 0


def test_backup_into_an_existing_file_makes_it_0600(tmp_path, db):
    from server.backup import backup
    from server.config import load_settings

    target = tmp_path / "old.backup"
    target.write_bytes(b"")
    target.chmod(0o644)
    backup(load_settings(), target)
    assert mode(target) == 0o600


async def test_every_app_connection_has_secure_delete_on(db):
    from server.db import engine, transaction

    assert (await engine().run_ddl("PRAGMA secure_delete"))[0]["secure_delete"] == 1
    async with transaction():
        assert (await engine().run_ddl("PRAGMA secure_delete"))[0]["secure_delete"] == 1
