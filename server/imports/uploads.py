"""The uploaded file between the steps (columns, preview, import): a private temporary file named by a random
token that only the uploader's session holds, deleted after the import or when it expires.

Why a file and not the session or the audit log: a spreadsheet of people is personal data; the session store is a
database table that backups copy, and the audit log keeps only that an import happened. A 0600 file in a 0700
directory that lives an hour at most is the smallest footprint, and asking to upload again at every step would make
a mapping mistake cost a new upload."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from server.db import private_directory

EXPIRES_SECONDS = 3600
TOKEN_RE_LENGTH = 43  # secrets.token_urlsafe(32)


def directory() -> Path:
    path = Path(os.environ.get("GOTONG_IMPORT_DIR") or Path(tempfile.gettempdir()) / f"gotong-imports-{os.getuid()}")
    private_directory(path)
    return path


def _paths(token: str) -> tuple[Path, Path] | None:
    if len(token) != TOKEN_RE_LENGTH or not token.replace("-", "").replace("_", "").isalnum():
        return None
    base = directory()
    return base / f"{token}.upload", base / f"{token}.json"


def keep(content: bytes, filename: str, staff_id: int) -> str:
    """Stores the upload and returns its token; older uploads past their hour are swept first."""
    sweep()
    token = secrets.token_urlsafe(32)
    paths = _paths(token)
    assert paths is not None
    _write(paths[0], content)
    _write(paths[1], json.dumps({"filename": filename, "staff": staff_id, "at": time.time()}).encode())
    return token


def _write(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def load(token: str, staff_id: int) -> tuple[bytes, dict[str, Any]] | None:
    """The upload and its details (file name, mapping once chosen), or None when gone, expired or someone else's."""
    paths = _paths(token or "")
    if paths is None or not paths[1].exists():
        return None
    try:
        meta = json.loads(paths[1].read_text())
        content = paths[0].read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("staff") != staff_id or time.time() - meta.get("at", 0) > EXPIRES_SECONDS:
        return None
    return content, meta


def remember(token: str, **details: Any) -> None:
    """Adds details (the chosen mapping) to the upload's record."""
    paths = _paths(token)
    if paths is None or not paths[1].exists():
        return
    meta = json.loads(paths[1].read_text())
    meta.update(details)
    paths[1].write_text(json.dumps(meta))


def forget(token: str) -> None:
    paths = _paths(token or "")
    if paths is not None:
        for path in paths:
            path.unlink(missing_ok=True)


def sweep() -> None:
    cutoff = time.time() - EXPIRES_SECONDS
    for path in directory().glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            pass
