"""Logs never hold a secret link: the access log of a real server process shows /my/[redacted], not the token."""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from live import ROOT, free_port, fresh_database_url, run_cli, server_env, start_server


def test_access_log_of_a_real_server_never_contains_a_secret_token():
    workdir = Path(tempfile.mkdtemp(prefix="gotong-logs-"))
    port = free_port()
    env = server_env(fresh_database_url(workdir, "logs"), port, GOTONG_NEW_USER_PASSWORD="log-test-pass")
    run_cli(env, "migrate")
    run_cli(env, "create-user", "pencatat", "--email", "pencatat@example.org", "--role", "admin", "--name", "Pencatat")
    seeded = json.loads(
        subprocess.run(
            [sys.executable, str(ROOT / "tests/system/secrets_seed.py")],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    log = workdir / "server.log"
    server = start_server(env, log=log)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as client:
            for path in seeded["paths"]:
                assert client.get(path).status_code == 200, path  # real, working links
            client.get(f"/login?next={seeded['paths'][0]}")
            client.get(f"/login?next={quote(seeded['paths'][0], safe='')}")
            client.get(seeded["paths"][0] + "x")  # a mistyped link: a 404 is logged too
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
    text = log.read_text()
    for secret in seeded["secrets"]:
        assert secret not in text
    for shown in (
        "/my/[redacted]",
        "/my/[redacted]/data.json",
        "/feeds/[redacted]",
        "/s/[redacted]/i/[redacted]",
        "/login?next=/my/[redacted]",
        "%2Fmy%2F[redacted]",
    ):
        assert f'"GET {shown}' in text or shown in text, shown
    assert text.count("/my/[redacted]") >= 3 and '" 200' in text  # the access log was on and saw the requests
