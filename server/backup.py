"""Backups: SQLite through its online backup API (consistent while the server runs), PostgreSQL through pg_dump."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from server.config import Settings


def backup(settings: Settings, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if settings.is_postgres:
        _require("pg_dump")
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", settings.database_url], check=True)
        return target
    source = sqlite3.connect(settings.sqlite_path)
    destination = sqlite3.connect(target)
    try:
        # The backup API copies a consistent snapshot page by page, even while other connections write.
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    return target


def restore(settings: Settings, source: Path) -> None:
    """Replaces the database's contents with the backup's. Stop the server first."""
    if not source.exists():
        raise FileNotFoundError(source)
    if settings.is_postgres:
        _require("pg_restore")
        subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={settings.database_url}", str(source)],
            check=True,
        )
        return
    backup_db = sqlite3.connect(source)
    live = sqlite3.connect(settings.sqlite_path)
    try:
        backup_db.backup(live)
    finally:
        live.close()
        backup_db.close()


def _require(command: str) -> None:
    if shutil.which(command) is None:
        raise RuntimeError(f"{command} is not installed (Debian package postgresql-client)")
