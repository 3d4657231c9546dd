"""A bounded soak on loopback: after a 10 s warm-up, 60 s of mixed traffic (feed polling, page views, attendance
taking) at 64 connections against several worker processes sharing one database. Reports errors, lost writes and
memory."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DURATION = os.environ.get("SOAK_DURATION", "60s")
CONNECTIONS = os.environ.get("SOAK_CONNECTIONS", "64")
WORKERS = os.environ.get("SOAK_WORKERS", "2")
WARMUP = os.environ.get("SOAK_WARMUP", "10s")

LUA = r"""
local feed, page, sheet, mark = "__FEED__", "__PAGE__", "__SHEET__", "__MARK__"
local cookie, token, people = "__COOKIE__", "__TOKEN__", {__PEOPLE__}
local statuses = {"present", "late", "excused", "absent"}
local n = 0
request = function()
  n = n + 1
  local kind = n % 10
  if kind < 6 then
    return wrk.format("GET", feed)
  elseif kind < 8 then
    return wrk.format("GET", (kind == 6) and page or sheet, {["Cookie"] = cookie})
  else
    local who = people[(n % #people) + 1]
    local body = "status=" .. statuses[(n % 4) + 1] .. "&_csrf_token=" .. token
    return wrk.format("POST", mark .. who, {["Cookie"] = cookie, ["x-csrftoken"] = token, ["HX-Request"] = "true",
      ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
  end
end
"""


def _wrk(script: Path, base: str, duration: str) -> str:
    return subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--latency", "--timeout", "10s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _summary(output: str) -> str:
    """One line of a wrk run: requests, p50, p99, errors."""
    requests = re.search(r"(\d+) requests in", output)
    p50 = re.search(r"50%\s+(\S+)", output)
    p99 = re.search(r"99%\s+(\S+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return (
        f"{requests.group(1) if requests else '?'} requests, p50 {p50.group(1) if p50 else '?'}, "
        f"p99 {p99.group(1) if p99 else '?'}, non-2xx/3xx {errors.group(1) if errors else 0}, "
        f"socket errors {socket_errors.group(1) if socket_errors else 'none'}"
    )


def _rss_kib(pid: int) -> int:
    total = 0
    for child in [pid] + [
        int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    ]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


async def _prepare(base_url: str) -> dict:
    from server.enrolment.tables import Enrolment
    from server.people.staff import create_staff
    from server.programs.tables import Program
    from server.schedule.tables import ProgramSession

    sys.path.insert(0, str(ROOT / "bench"))
    from seed_large import seed

    token = (await seed())["feed_token"]
    await create_staff(
        username="soak", email="soak@example.org", password="soak-password", display_name="Soak", role="organizer"
    )
    program = await Program.select(Program.id, Program.slug).where(Program.slug == "program-10").first().run()
    session = (
        await ProgramSession.select(ProgramSession.id, ProgramSession.starts_at)
        .where(
            (ProgramSession.program == program["id"])
            & (ProgramSession.status == "scheduled")
            & (ProgramSession.starts_at < __import__("datetime").datetime.now(__import__("datetime").timezone.utc))
        )
        .order_by(ProgramSession.starts_at, ascending=False)
        .first()
        .run()
    )
    from datetime import timedelta

    await (
        Enrolment.update({Enrolment.enrolled_at: session["starts_at"] - timedelta(days=400)})
        .where(Enrolment.program == program["id"])
        .run()
    )
    people = [
        row["participant"]
        for row in await Enrolment.select(Enrolment.participant).where(Enrolment.program == program["id"]).run()
    ]
    return {"feed": token, "slug": program["slug"], "session": session["id"], "people": people}


async def _lost_marks(session_id: int, people: list[int]) -> int:
    from server.attendance.tables import Attendance

    rows = await Attendance.select(Attendance.participant).where(Attendance.session == session_id).run()
    return len(set(people) - {row["participant"] for row in rows})


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("soak needs wrk (apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="gotong-soak-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'soak.sqlite3'}")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    from server.cli import migrate

    with contextlib.redirect_stdout(io.StringIO()):
        asyncio.run(migrate())
    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    seeded = asyncio.run(_prepare(base))
    env = {
        **os.environ,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "GOTONG_BASE_URL": base,
        "GOTONG_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
    }
    # SOAK_SERVER_LOG=path keeps the workers' output (errors and their tracebacks) for reading afterwards.
    server_log = open(os.environ["SOAK_SERVER_LOG"], "w") if os.environ.get("SOAK_SERVER_LOG") else subprocess.DEVNULL  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--quiet", "--workers", WORKERS],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=server_log,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with httpx.Client(base_url=base) as client:
            token = re.search(r'name="_csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
            assert (
                client.post(
                    "/login",
                    data={"username": "soak", "password": "soak-password", "_csrf_token": token},
                    follow_redirects=False,
                ).status_code
                == 303
            )
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        slug, session = seeded["slug"], seeded["session"]
        script = (
            LUA.replace("__FEED__", f"/feeds/{seeded['feed']}.ics")
            .replace("__PAGE__", f"/manage/programs/{slug}/attendance")
            .replace("__SHEET__", f"/manage/programs/{slug}/sessions/{session}/attendance")
            .replace("__MARK__", f"/manage/programs/{slug}/sessions/{session}/attendance/")
            .replace("__COOKIE__", cookie)
            .replace("__TOKEN__", token)
            .replace("__PEOPLE__", ", ".join(f'"{p}"' for p in seeded["people"]))
        )
        (workdir / "mixed.lua").write_text(script)
        rss_start = _rss_kib(server.pid)
        # The same traffic for a few seconds first, not counted: the workers open their pools' connections and
        # compile their templates under load (a cold start's second or two of slow answers, reported apart).
        warmup = _wrk(workdir / "mixed.lua", base, WARMUP) if WARMUP not in ("", "0", "0s") else ""
        rss_before = _rss_kib(server.pid)
        output = _wrk(workdir / "mixed.lua", base, DURATION)
        rss_after = _rss_kib(server.pid)
        if warmup:
            print(f"warm-up ({WARMUP}, not counted below): {_summary(warmup)}")
        print(output)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        socket_errors = re.search(r"Socket errors: (.*)", output)
        print(f"workers: {WORKERS}, database: {os.environ['DATABASE_URL'].split(':', 1)[0]}")
        print(
            f"non-2xx/3xx responses: {errors.group(1) if errors else 0}; "
            f"socket errors: {socket_errors.group(1) if socket_errors else 'none'}"
        )
        print(
            f"memory (all workers, RSS): {rss_start / 1024:.0f} MiB at start, {rss_before / 1024:.0f} MiB after the "
            f"warm-up, {rss_after / 1024:.0f} MiB after the run"
        )
        print(
            f"lost attendance writes: {asyncio.run(_lost_marks(session, seeded['people']))} "
            f"of {len(seeded['people'])} people marked"
        )
    finally:
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
