"""Benchmark of the reports: seeds the large organisation (seed_large.seed) on a fresh SQLite database, adds a year
of attendance, goals and an organizer, serves it as production would (uvicorn, one worker), signs in and measures
GET /reports (the organisation dashboard) and one program's evaluation report with wrk on loopback, each against a
static file of the same bytes from the same server.

    .venv/bin/python bench/reports.py          (BENCH_DURATION=10s, BENCH_REPORT_CONNECTIONS=2 by default)

A report page takes far longer than a feed, and one worker answers one request at a time: with many connections
wrk's 5-second timeout would count queued requests as errors. The page and the static file are measured with the
same (small) number of connections, so the ratio compares like with like.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (the same wrk helpers as make bench)
from run import _free_port, _wrk  # noqa: E402

run.CONNECTIONS = os.environ.get("BENCH_REPORT_CONNECTIONS", "2")

ORGANIZER = "bench-organizer"
PASSWORD = "bench-password-123"
REPORT_SLUG = "program-12"


async def seed_reports() -> None:
    """The large organisation, then what reports read: enrolment dates, held sessions with attendance
    (about 330,000 marks), goals, and an organizer to sign in as."""
    from piccolo.engine import engine_finder
    from seed_large import seed

    from server.people.staff import create_staff
    from server.programs.tables import Goal, Program

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
    await Goal.insert(
        *[
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
        ]
    ).run()
    await create_staff(
        username=ORGANIZER,
        email="bench-organizer@example.org",
        password=PASSWORD,
        display_name="Bench Organizer",
        role="organizer",
    )


def _sign_in(base: str) -> str:
    """Signs in through the real form (CSRF token and all); returns the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": ORGANIZER, "password": PASSWORD, "next": "/reports", "_csrf_token": token}
    ).encode()
    opener.open(urllib.request.Request(base + "/login", data=data, headers={"x-csrftoken": token})).read()
    session = next(cookie.value for cookie in jar if cookie.name == "gotong_session")
    return f"Cookie: gotong_session={session}"


def _fetch(url: str, cookie: str) -> bytes:
    name, value = cookie.split(": ", 1)
    with urllib.request.urlopen(urllib.request.Request(url, headers={name: value})) as response:
        assert response.status == 200, (url, response.status)
        return response.read()


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("bench needs wrk (apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="gotong-bench-reports-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}"}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    started = time.monotonic()
    from server.cli import migrate

    with contextlib.redirect_stdout(io.StringIO()):
        asyncio.run(migrate())
    asyncio.run(seed_reports())
    print(f"seeded in {time.monotonic() - started:.0f} s (sqlite)")

    port = _free_port()
    server_env = {**env, "PORT": str(port), "HOST": "127.0.0.1", "GOTONG_BASE_URL": f"http://127.0.0.1:{port}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--quiet", "--workers", "1"],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    static_dir = ROOT / "static" / "bench-reports"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        cookie = _sign_in(base)
        static_dir.mkdir(exist_ok=True)
        print(f"--- one uvicorn worker, signed in as an organizer, {run.CONNECTIONS} connections, {run.DURATION}")
        for label, path, name in (
            ("organisation dashboard /reports", "/reports", "reports.html"),
            (
                f"program report /manage/programs/{REPORT_SLUG}/report",
                f"/manage/programs/{REPORT_SLUG}/report",
                "report.html",
            ),
        ):
            body = _fetch(base + path, cookie)
            (static_dir / name).write_bytes(body)
            page = _wrk(base + path, [cookie])
            static = _wrk(f"{base}/static/bench-reports/{name}", [])
            print(f"{label}: {len(body)} bytes")
            print(f"  (a) page       : {page['rps']:8.1f} req/s  p99 {page['p99_ms']:7.1f} ms")
            print(f"  (b) static file: {static['rps']:8.1f} req/s  p99 {static['p99_ms']:7.1f} ms")
            print(f"  ratio a/b = {page['rps'] / static['rps']:.3f}")
            if page["non_2xx"] or static["non_2xx"]:
                print(f"  warning: {page['non_2xx'] + static['non_2xx']:.0f} error responses")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()  # still answering queued requests
            server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(static_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
