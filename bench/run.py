"""make bench: seeds a large organisation, serves it as production would (uvicorn, one worker) and measures
feed polling with wrk on loopback against a static file of the same bytes from the same server."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wrk(url: str, headers: list[str]) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "--timeout", "5s"]
    for header in headers:
        args += ["-H", header]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99_match = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    value, unit = float(p99_match.group(1)), p99_match.group(2)
    p99_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p99_ms": p99_ms, "non_2xx": float(errors.group(1)) if errors else 0.0}


def main() -> None:
    if shutil.which("wrk") is None:
        if os.geteuid() == 0:
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        else:
            sys.exit("bench needs wrk (apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="gotong-bench-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    started = time.monotonic()
    from server.cli import migrate

    with contextlib.redirect_stdout(io.StringIO()):
        asyncio.run(migrate())
    sys.path.insert(0, str(ROOT / "bench"))
    from seed_large import seed

    token = asyncio.run(seed())["feed_token"]
    print(f"seeded in {time.monotonic() - started:.0f} s ({env['DATABASE_URL'].split(':', 1)[0]})")

    try:
        for cache_seconds in ("10", "0"):
            _measure(env, token, cache_seconds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(ROOT / "static" / "bench", ignore_errors=True)


def _measure(env: dict[str, str], token: str, cache_seconds: str) -> None:
    port = _free_port()
    server_env = {
        **env,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "GOTONG_BASE_URL": f"http://127.0.0.1:{port}",
        "GOTONG_FEED_CACHE_SECONDS": cache_seconds,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--quiet", "--workers", "1"],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    print(f"--- one uvicorn worker, feed version cache {cache_seconds} s")
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        feed_url = f"{base}/feeds/{token}.ics"
        with urllib.request.urlopen(feed_url) as response:
            body = response.read()
            etag = response.headers["ETag"]
        events = body.count(b"BEGIN:VEVENT")
        static_dir = ROOT / "static" / "bench"
        static_dir.mkdir(exist_ok=True)
        (static_dir / "feed.ics").write_bytes(body)
        print(f"personal feed: {events} events, {len(body)} bytes")

        full = _wrk(feed_url, [])
        not_modified = _wrk(feed_url, [f"If-None-Match: {etag}"])
        static = _wrk(f"{base}/static/bench/feed.ics", [])
        print(f"(a) feed, full response : {full['rps']:8.0f} req/s  p99 {full['p99_ms']:6.1f} ms")
        print(f"(b) feed, 304            : {not_modified['rps']:8.0f} req/s  p99 {not_modified['p99_ms']:6.1f} ms")
        print(f"(c) static file, same bytes: {static['rps']:8.0f} req/s  p99 {static['p99_ms']:6.1f} ms")
        print(f"ratio a/c = {full['rps'] / static['rps']:.2f}   (target >= 0.5)")
        print(f"ratio b/c = {not_modified['rps'] / static['rps']:.2f}   (target >= 0.8)")
        bad = full["non_2xx"] + static["non_2xx"]
        if bad:
            print(f"warning: {bad:.0f} error responses")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
