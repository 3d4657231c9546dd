"""Browser tests: a real server process with demo data, driven by Playwright through Debian's Chromium."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from mail_sink import MAIL_FROM, mail_sink  # noqa: F401  (a fixture: the live server's e-mail goes there)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(workdir: Path) -> str:
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'browser.sqlite3'}"
    import asyncpg

    parsed = urlparse(test_url)
    name = parsed.path.lstrip("/") + "_browser"

    async def recreate() -> None:
        connection = await asyncpg.connect(urlunparse(parsed._replace(path="/postgres")))
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    # Playwright's sync API may already run an event loop in this thread; use another thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, recreate()).result()
    return urlunparse(parsed._replace(path="/" + name))


@pytest.fixture(scope="session")
def live_server(mail_sink):
    workdir = Path(tempfile.mkdtemp(prefix="gotong-browser-"))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(workdir),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GOTONG_DEFAULT_LOCALE": "en",
        # The stories sign in from one address far more often than people do (a dozen times a minute on a fast
        # machine); the limit itself is tested through the test client (tests/people).
        "GOTONG_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
        "PYTHONUNBUFFERED": "1",
        # E-mail goes to the SMTP server in this process (mail_sink.py), delivered by the server's own loop; at
        # once, whatever the hour in the programs' timezone.
        "GOTONG_SMTP_URL": mail_sink.url,
        "GOTONG_MAIL_FROM": MAIL_FROM,
        "GOTONG_DELIVERY_IN_PROCESS": "1",
        "GOTONG_QUIET_HOURS": "",
    }
    subprocess.run([sys.executable, "-m", "server", "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    with open(workdir / "server.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--quiet"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            process.terminate()
            raise RuntimeError("server did not start: " + (workdir / "server.log").read_text())
        yield base_url
        process.terminate()
        process.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}; install Debian's chromium package to run browser tests."
        if os.environ.get("GOTONG_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(live_server, browser):
    context = browser.new_context(base_url=live_server, locale="en-GB", viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = _watch(page)
    yield page
    context.close()
    assert not errors, f"JavaScript errors or CSP violations on the page: {errors}"


@pytest.fixture
def phone(live_server, browser):
    """A cheap phone: 360 px wide, touch, Indonesian."""
    context = browser.new_context(
        base_url=live_server, locale="id-ID", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = _watch(page)
    yield page
    context.close()
    assert not errors, f"JavaScript errors or CSP violations on the page: {errors}"


def _watch(page) -> list[str]:
    """Collects uncaught errors and Content-Security-Policy violations, which fail the test."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message) -> None:
        if message.type == "error" and (
            "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
        ):
            errors.append(message.text)

    page.on("console", on_console)
    return errors
