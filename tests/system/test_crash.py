"""Kill -9 in the middle of a burst of writes: every write that got a success answer is still there after restart."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from live import ROOT, free_port, fresh_database_url, run_cli, server_env, start_server

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
STATUSES = ("present", "late", "excused", "absent")


def test_acknowledged_writes_survive_kill_9():
    workdir = Path(tempfile.mkdtemp(prefix="gotong-crash-"))
    port = free_port()
    env = server_env(fresh_database_url(workdir, "crash"), port, GOTONG_NEW_USER_PASSWORD="crash-test-pass")
    run_cli(env, "migrate")
    run_cli(env, "create-user", "kasir", "--email", "kasir@example.org", "--role", "facilitator", "--name", "Kasir")
    seeded = json.loads(
        subprocess.run(
            [sys.executable, str(ROOT / "tests/system/crash_seed.py")],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    server = start_server(env)
    base = f"http://127.0.0.1:{port}"
    acknowledged_marks: dict[int, str] = {}
    acknowledged_names: list[str] = []
    stop = threading.Event()

    def mark_attendance(client: httpx.Client, token: str) -> None:
        number = 0
        while not stop.is_set():
            pid = seeded["participants"][number % len(seeded["participants"])]
            status = STATUSES[number % len(STATUSES)]
            number += 1
            try:
                response = client.post(
                    f"/manage/programs/crash/sessions/{seeded['session']}/attendance/{pid}",
                    data={"status": status, "_csrf_token": token},
                    headers={"x-csrftoken": token, "HX-Request": "true"},
                )
            except httpx.HTTPError:
                continue
            if response.status_code == 200:
                acknowledged_marks[pid] = status

    def self_register(client: httpx.Client) -> None:
        number = 0
        while not stop.is_set():
            name = f"Walk {number}"
            number += 1
            try:
                token = CSRF.search(client.get("/programs/crash/register").text).group(1)
                response = client.post(
                    "/programs/crash/register",
                    data={
                        "display_name": name,
                        "preferred_locale": "id",
                        "consent_participation": "on",
                        "consent_data_collection": "on",
                        "_csrf_token": token,
                    },
                    follow_redirects=False,
                )
            except (httpx.HTTPError, AttributeError):
                continue
            if response.status_code in (200, 303):
                acknowledged_names.append(name)

    try:
        staff = httpx.Client(base_url=base, timeout=5)
        token = CSRF.search(staff.get("/login").text).group(1)
        assert staff.post(
            "/login", data={"username": "kasir", "password": "crash-test-pass", "_csrf_token": token}
        ).status_code in (200, 303)
        public = httpx.Client(base_url=base, timeout=5)
        workers = [
            threading.Thread(target=mark_attendance, args=(staff, token)),
            threading.Thread(target=self_register, args=(public,)),
        ]
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 20
        while (len(acknowledged_marks) < 20 or len(acknowledged_names) < 5) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(server.pid, signal.SIGKILL)  # mid-burst: the writers are still sending
        server.wait(timeout=10)
        stop.set()
        for worker in workers:
            worker.join(timeout=10)
    finally:
        stop.set()
        if server.poll() is None:
            server.kill()
    assert len(acknowledged_marks) >= 20 and len(acknowledged_names) >= 5

    check = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHECK,
            json.dumps({"session": seeded["session"], "marks": acknowledged_marks, "names": acknowledged_names}),
        ],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


_CHECK = r"""
import asyncio, json, sys

async def main():
    from server.attendance.tables import Attendance
    from server.db import engine
    from server.enrolment.tables import Enrolment
    from server.people.tables import Participant

    expected = json.loads(sys.argv[1])
    if engine().engine_type == "sqlite":
        result = await engine().run_ddl("PRAGMA integrity_check")
        assert result[0]["integrity_check"] == "ok", result
    rows = await (
        Attendance.select(Attendance.participant, Attendance.status)
        .where(Attendance.session == expected["session"])
        .run()
    )
    saved = {row["participant"]: row["status"] for row in rows}
    for pid, status in expected["marks"].items():
        # The last acknowledged write may have been followed by an unacknowledged one that also landed.
        assert int(pid) in saved, ("lost attendance", pid)
    names = {row["display_name"] for row in await Participant.select(Participant.display_name).run()}
    lost = [name for name in expected["names"] if name not in names]
    assert not lost, ("lost registrations", lost)
    enrolled = await Enrolment.count().where(Enrolment.participant.is_in(
        Participant.select(Participant.id).where(Participant.display_name.is_in(expected["names"] or ["-"])))).run()
    assert enrolled == len(expected["names"]), ("registrations without enrolment", enrolled)
    print("ok")

asyncio.run(main())
"""
