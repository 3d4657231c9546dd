"""Benchmark of the pages (part of `make bench`): seeds the large organisation (seed_large.seed) on a fresh SQLite
database, adds a year of attendance (about 330,000 marks), goals, an organizer and case files (bench/seed_cases.py),
serves it as production would (uvicorn, one worker), signs in and measures with wrk on loopback, in one run, every
page of issue 13's table and issue 16's case and breakdown pages (bench/pages.py) and an attendance-mark POST,
each as a ratio to GET /healthz and to a static file of the same server measured in the same run.

    .venv/bin/python bench/reports.py
        BENCH_PAGE_DURATION=4s      wrk time per path (18 paths; a slow page gets up to 20 s)
        BENCH_PAGE_CONNECTIONS=4    connections (1 for a page slower than a second: one worker answers one
                                    request at a time, so more would only queue)
        BENCH_PAGES_DATABASE_URL    another (empty) database instead of a fresh SQLite file, e.g. PostgreSQL
        BENCH_SEEDED=1              that database is already seeded (--seed-only): measure without seeding
        BENCH_SCALE=10              seed ten times the organisation (with --seed-only; bench/seed_large.py)

    DATABASE_URL=... .venv/bin/python bench/reports.py --seed-only    seeds that database and stops (for
                                                                       bench/explain.py)
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from pages import ORGANIZER, mark_path, pages, targets  # noqa: E402
from run import _free_port  # noqa: E402

DURATION = os.environ.get("BENCH_PAGE_DURATION", "4s")
CONNECTIONS = os.environ.get("BENCH_PAGE_CONNECTIONS", "4")

PASSWORD = "bench-password-123"
REPORT_SLUG = "program-12"


async def seed_reports() -> None:
    """The large organisation, then what reports read: enrolment dates, held sessions with attendance
    (about 330,000 marks), goals, an organizer to sign in as, the participants' "about you" answers and case
    files (bench/seed_cases.py), some of them the organizer's."""
    from piccolo.engine import engine_finder
    from seed_cases import seed_cases, seed_profiles
    from seed_large import _insert, seed

    from server.attendance import stats
    from server.db import refresh_planner_statistics
    from server.people.staff import create_staff
    from server.programs.tables import Goal, Program
    from server.reports import checks_kept

    await seed()
    engine = engine_finder()
    # seed() enrols without dates: everyone joined before the first session, so every past session counts.
    await engine.run_ddl("UPDATE enrolment SET enrolled_at = '2020-01-01 00:00:00+00:00' WHERE enrolled_at IS NULL")
    now = time.strftime("%Y-%m-%d %H:%M:%S+00:00", time.gmtime())
    await engine.run_ddl(
        f"UPDATE program_session SET status = 'held' WHERE status = 'scheduled' AND starts_at < '{now}'"
    )
    # One mark per member per held session: mostly present, some late, some absent.
    await engine.run_ddl(
        """
        INSERT INTO attendance ("session", participant, guest_label, status, note, recorded_at)
        SELECT s.id, e.participant, '',
               CASE (s.id + e.participant) % 7
                    WHEN 0 THEN 'absent' WHEN 1 THEN 'absent' WHEN 2 THEN 'late' ELSE 'present' END,
               '', s.ends_at
        FROM program_session s JOIN enrolment e ON e.program = s.program
        WHERE s.status = 'held'
        """
    )
    programs = await Program.select(Program.id).order_by(Program.id).run()
    # In batches: one INSERT of every goal would pass PostgreSQL's 32,767 parameters at BENCH_SCALE=10.
    await _insert(
        Goal,
        [
            Goal(
                program=row["id"],
                statement=f"Goal {n}",
                baseline=0.0,
                target=10.0,
                current_value=float(n % 11) if n % 3 else None,
                position=n,
            )
            for row in programs[::2]
            for n in range(3)
        ],
    )
    # The seed writes around the services, as an import would: the kept figures are made once, as `migrate` does.
    await stats.rebuild_all()
    await checks_kept.rebuild_all()
    if engine.engine_type == "postgres":
        # After a bulk load, as an operator would (autovacuum gets there later): plans from real statistics.
        await engine.run_ddl("ANALYZE")
    else:
        # What `migrate` and the delivery loop's upkeep do for SQLite (server.db.refresh_planner_statistics).
        await refresh_planner_statistics()
    organizer = await create_staff(
        username=ORGANIZER,
        email="bench-organizer@example.org",
        password=PASSWORD,
        display_name="Bench Organizer",
        role="organizer",
    )
    other_worker = await create_staff(
        username="bench-caseworker",
        email="bench-caseworker@example.org",
        password=PASSWORD,
        display_name="Bench Case Worker",
        role="facilitator",
    )
    await seed_profiles()
    await seed_cases(organizer, other_worker)


def _sign_in(base: str) -> tuple[str, str]:
    """Signs in through the real form (CSRF token and all); returns the Cookie header and the CSRF token."""
    with httpx.Client(base_url=base) as client:
        token = re.search(r'name="_csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        response = client.post(
            "/login",
            data={"username": ORGANIZER, "password": PASSWORD, "_csrf_token": token},
            headers={"x-csrftoken": token},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.status_code
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items()), token


@dataclass
class Measure:
    label: str
    path: str
    size: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    connections: str


def _ms(output: str, percent: str) -> float:
    match = re.search(rf"{percent}%\s+([\d.]+)(us|ms|s)\b", output)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def _wrk(
    url: str,
    script: Path | None = None,
    headers: tuple[str, ...] = (),
    duration: str = DURATION,
    connections: str = CONNECTIONS,
) -> dict[str, float]:
    # A generous timeout: with one worker and several connections a slow page's requests queue, and wrk would
    # count them as errors; the rate is what is compared.
    args = ["wrk", "-t1", f"-c{connections}", f"-d{duration}", "--latency", "--timeout", "60s"]
    for header in headers:
        args += ["-H", header]
    if script is not None:
        args += ["-s", str(script)]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(output, "50"),
        "p99_ms": _ms(output, "99"),
        "errors": int(errors.group(1) if errors else 0) + int(timeouts.group(1) if timeouts else 0),
    }


MAX_SECONDS = 20


def _seconds(duration: str) -> int:
    return int(duration.rstrip("s"))


MARK_LUA = """
local statuses = {"present", "late", "excused", "absent"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, nil, "status=" .. statuses[(n % 4) + 1])
end
"""


def _measure_all(base: str, workdir: Path) -> list[Measure]:
    cookie, token = _sign_in(base)
    found = asyncio.run(targets())
    measured: list[Measure] = []

    def measure(label: str, path: str, size: int, **options: Any) -> None:
        result = _wrk(base + path, **options)
        connections = options.get("connections", CONNECTIONS)
        measured.append(
            Measure(label, path, size, result["rps"], result["p50_ms"], result["p99_ms"], result["errors"], connections)
        )
        print(f"  {label}: {result['rps']:.2f} req/s", flush=True)

    with httpx.Client(base_url=base, headers={"Cookie": cookie}, timeout=120) as client:
        measure("/healthz", "/healthz", len(client.get("/healthz").content))
        # The static file: the stylesheet every page links, as the same server serves it (from memory, read at start).
        stylesheet = client.get("/static/app.css")
        assert stylesheet.status_code == 200, stylesheet.status_code
        measure("static file", "/static/app.css", len(stylesheet.content))
        for label, path in pages(found):
            started = time.monotonic()
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            # A slow page gets enough time for about ten answers (at most MAX_SECONDS) and, slower than a second,
            # one connection: one worker answers one request at a time, so more connections would only queue
            # (its throughput, the figure compared, is the same) and might see no answer at all in the time.
            elapsed = time.monotonic() - started
            seconds = max(_seconds(DURATION), min(MAX_SECONDS, math.ceil(10 * elapsed)))
            measure(
                label,
                path,
                len(response.content),
                headers=(f"Cookie: {cookie}",),
                duration=f"{seconds}s",
                connections="1" if elapsed > 1 else CONNECTIONS,
            )
            client.get("/healthz")  # waits until the worker has answered the requests still queued
    script = workdir / "mark.lua"
    script.write_text(MARK_LUA)
    measure(
        "attendance mark POST (htmx)",
        mark_path(found),
        0,
        script=script,
        headers=(
            f"Cookie: {cookie}",
            f"x-csrftoken: {token}",
            "HX-Request: true",
            "Content-Type: application/x-www-form-urlencoded",
        ),
    )
    return measured


def _table(measured: list[Measure]) -> str:
    healthz = next(m for m in measured if m.label == "/healthz").rps
    static = next(m for m in measured if m.label == "static file").rps
    lines = [
        "| page | bytes | connections | req/s | p50 | p99 | ratio to /healthz | ratio to static | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in measured:
        lines.append(
            f"| {m.label} | {m.size:,} | {m.connections} | {m.rps:,.2f} | {_fmt_ms(m.p50_ms)} | {_fmt_ms(m.p99_ms)} "
            f"| {m.rps / healthz:.3f} | {m.rps / static:.3f} | {m.errors} |"
        )
    return "\n".join(lines)


def _fmt_ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _seed(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    from server.cli import migrate

    with contextlib.redirect_stdout(io.StringIO()):
        asyncio.run(migrate())
    asyncio.run(seed_reports())


async def _refresh_stale_figures() -> int:
    """What a running installation's delivery loop does every minute (server/attendance/refresh.py), all at once:
    a database seeded hours ago has figures made stale by sessions that started since."""
    from server import clock
    from server.attendance import refresh

    total = 0
    while refreshed := await refresh.refresh_stale_figures(clock.now(), limit=500):
        total += refreshed
    return total


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if "--seed-only" in sys.argv:
        _seed(os.environ["DATABASE_URL"])
        return
    if shutil.which("wrk") is None:
        sys.exit("bench needs wrk (apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="gotong-bench-pages-"))
    database_url = os.environ.get("BENCH_PAGES_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    started = time.monotonic()
    if os.environ.get("BENCH_SEEDED"):
        # A database already seeded with --seed-only (BENCH_SCALE=10 takes minutes to seed): measure it as it is.
        os.environ["DATABASE_URL"] = database_url  # what this process reads (the targets) is there too
        from server.cli import migrate

        with contextlib.redirect_stdout(io.StringIO()):
            asyncio.run(migrate())
        refreshed = asyncio.run(_refresh_stale_figures())
        print(f"measuring the already seeded {database_url.split(':', 1)[0]} database ({refreshed} programs refreshed)")
    else:
        _seed(database_url)
        print(f"seeded in {time.monotonic() - started:.0f} s ({database_url.split(':', 1)[0]})")

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url}
    server_env = {**env, "PORT": str(port), "HOST": "127.0.0.1", "GOTONG_BASE_URL": f"http://127.0.0.1:{port}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--quiet", "--workers", "1"],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # start-up migrates and checks the kept figures first: slow on a large database
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        print(f"--- pages: one uvicorn worker, signed in as an organizer, wrk {CONNECTIONS} connections, {DURATION}")
        measured = _measure_all(base, workdir)
        print(_table(measured))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()  # still answering queued requests
            server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
