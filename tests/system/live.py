"""Starting real server processes for system tests (several workers, crashes)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database_url(workdir: Path, name: str) -> str:
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / (name + '.sqlite3')}"
    import asyncpg

    parsed = urlparse(test_url)
    database = parsed.path.lstrip("/") + "_" + name

    async def recreate() -> None:
        connection = await asyncpg.connect(urlunparse(parsed._replace(path="/postgres")))
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{database}"')
        finally:
            await connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, recreate()).result()
    return urlunparse(parsed._replace(path="/" + database))


def server_env(database_url: str, port: int, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GOTONG_DEFAULT_LOCALE": "en",
    }
    env.pop("GOTONG_DB_POOL", None)
    env.update(extra)
    return env


def run_cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def start_server(env: dict[str, str], workers: int = 1, log: Path | None = None) -> subprocess.Popen:
    """A `python -m server serve` process; with `log`, not quiet and its whole output (access log included) goes
    there."""
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (the child keeps it open)
    quiet = [] if log else ["--quiet"]
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", *quiet, "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )
    if log:
        output.close()
    base = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")
