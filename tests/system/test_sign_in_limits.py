"""The per-address sign-in limit of a real server cannot be dodged by inventing X-Forwarded-For addresses."""

import re
import tempfile
from pathlib import Path

import httpx
from live import free_port, fresh_database_url, run_cli, server_env, start_server

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def test_rotating_x_forwarded_for_from_loopback_does_not_bypass_the_sign_in_limit():
    workdir = Path(tempfile.mkdtemp(prefix="gotong-xff-"))
    port = free_port()
    env = server_env(fresh_database_url(workdir, "xff"), port, GOTONG_LOGIN_ATTEMPTS_PER_MINUTE="5")
    env.pop("GOTONG_TRUSTED_PROXIES", None)
    env.pop("FORWARDED_ALLOW_IPS", None)
    run_cli(env, "migrate")
    server = start_server(env)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as attacker:
            token = CSRF.search(attacker.get("/login").text).group(1)
            responses = [
                attacker.post(
                    "/login",
                    # A new made-up address and a new username each time: neither limit would ever see a repeat.
                    data={"username": f"tebak{number}", "password": "guess", "_csrf_token": token},
                    headers={"X-Forwarded-For": f"203.0.113.{number}"},
                )
                for number in range(1, 9)
            ]
        statuses = [response.status_code for response in responses]
        assert statuses[0] == 400
        assert statuses[-1] == 429, statuses
        assert "Too many attempts" in responses[-1].text
    finally:
        server.terminate()
        server.wait(timeout=15)
