"""Sessions and sign-in limits hold across two worker processes (no per-process state)."""

import re
import tempfile
from pathlib import Path

import httpx
from live import free_port, fresh_database_url, run_cli, server_env, start_server

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def test_sessions_and_rate_limits_are_shared_by_two_workers():
    workdir = Path(tempfile.mkdtemp(prefix="gotong-workers-"))
    port = free_port()
    env = server_env(fresh_database_url(workdir, "workers"), port, GOTONG_NEW_USER_PASSWORD="two-workers-pass")
    run_cli(env, "migrate")
    run_cli(env, "create-user", "wati", "--email", "wati@example.org", "--role", "organizer", "--name", "Wati")
    server = start_server(env, workers=2)
    base = f"http://127.0.0.1:{port}"
    try:
        # A new connection per request lets the kernel hand requests to either worker.
        with httpx.Client(base_url=base, headers={"Connection": "close"}, follow_redirects=False) as browser:
            token = CSRF.search(browser.get("/login").text).group(1)
            response = browser.post(
                "/login", data={"username": "wati", "password": "two-workers-pass", "_csrf_token": token}
            )
            assert response.status_code == 303
            for _ in range(30):
                assert browser.get("/dashboard").status_code == 200
        with httpx.Client(base_url=base, headers={"Connection": "close"}, follow_redirects=False) as attacker:
            token = CSRF.search(attacker.get("/login").text).group(1)
            statuses = [
                attacker.post(
                    "/login", data={"username": "wati", "password": "guess", "_csrf_token": token}
                ).status_code
                for _ in range(12)
            ]
        assert statuses[0] == 400
        assert statuses[-1] == 429, statuses
    finally:
        server.terminate()
        server.wait(timeout=15)
