"""Backups: SQLite through its online backup API (consistent while the server runs), PostgreSQL through pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from server.config import Settings
from server.db import SecureDeleteConnection, private_directory, private_file


def backup(settings: Settings, target: Path) -> Path:
    """A backup holds every person's data: it is written 0600 into a 0700 directory (created so if missing)."""
    private_directory(target.parent)
    private_file(target)
    if settings.is_postgres:
        _require("pg_dump")
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", settings.database_url], check=True
        )
        private_file(target)
        return target
    source = sqlite3.connect(settings.sqlite_path, factory=SecureDeleteConnection)
    destination = sqlite3.connect(target, factory=SecureDeleteConnection)
    try:
        # The backup API copies a consistent snapshot page by page, even while other connections write.
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    private_file(target)
    return target


def restore(settings: Settings, source: Path) -> None:
    """Replaces the database's contents with the backup's. Stop the server first."""
    if not source.exists():
        raise FileNotFoundError(source)
    if settings.is_postgres:
        _require("pg_restore")
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={settings.database_url}",
                str(source),
            ],
            check=True,
        )
        return
    backup_db = sqlite3.connect(source)
    live = sqlite3.connect(settings.sqlite_path, factory=SecureDeleteConnection)
    try:
        backup_db.backup(live)
    finally:
        live.close()
        backup_db.close()


def _require(command: str) -> None:
    if shutil.which(command) is None:
        raise RuntimeError(f"{command} is not installed (Debian package postgresql-client)")
