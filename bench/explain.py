"""Query plans of the pages `make bench` measures: signs in (in process) on an already seeded large organisation,
opens each page of bench/pages.py, times every SQL query it runs and prints the plan of the slow ones
(EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL), so a missing index shows as a full scan.

    DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/python bench/explain.py [threshold-ms, default 5]

Seed first with `.venv/bin/python bench/reports.py --seed-only` (same DATABASE_URL)."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import mark_path, pages, targets  # noqa: E402
from reports import ORGANIZER, PASSWORD  # noqa: E402


async def main(threshold_ms: float) -> None:
    from litestar.testing import AsyncTestClient
    from piccolo.engine import engine_finder

    from server.app import create_app

    logging.getLogger("httpx").setLevel(logging.WARNING)

    engine = engine_finder()
    engine_class = type(engine)
    original = engine_class.run_querystring
    log: list[tuple[float, str, list]] = []

    async def timed(self, querystring, in_pool=True):
        started = time.perf_counter()
        try:
            return await original(self, querystring, in_pool=in_pool)
        finally:
            sql, args = querystring.compile_string(engine_type=self.engine_type)
            log.append(((time.perf_counter() - started) * 1000, sql, list(args)))

    found = await targets()
    async with AsyncTestClient(app=create_app(), base_url="http://testserver.local") as client:
        token = re.search(r'name="_csrf_token" value="([^"]+)"', (await client.get("/login")).text).group(1)
        headers = {"x-csrftoken": token}
        await client.post("/login", data={"username": ORGANIZER, "password": PASSWORD}, headers=headers)
        engine_class.run_querystring = timed
        try:
            requests = [(label, "GET", path) for label, path in pages(found)]
            requests.append(("attendance mark POST", "POST", mark_path(found)))
            for label, method, path in requests:
                if method == "GET":
                    await client.get(path)  # warm: templates, caches
                log.clear()
                started = time.perf_counter()
                if method == "GET":
                    response = await client.get(path)
                else:
                    response = await client.post(
                        path, data={"status": "late"}, headers={**headers, "HX-Request": "true"}
                    )
                total = (time.perf_counter() - started) * 1000
                queries = list(log)
                print(
                    f"\n=== {label}  {method} {path}  -> {response.status_code}, {total:.0f} ms, {len(queries)} queries"
                )
                for elapsed, sql, args in sorted(queries, key=lambda q: -q[0]):
                    if elapsed < threshold_ms:
                        break
                    print(f"--- {elapsed:.0f} ms: {' '.join(sql.split())[:300]}")
                    await _plan(engine, sql, args)
        finally:
            engine_class.run_querystring = original


async def _plan(engine, sql: str, args: list) -> None:
    if engine.engine_type == "sqlite":
        rows = await engine._run_in_new_connection("EXPLAIN QUERY PLAN " + sql, args)
        for row in rows:
            print("    " + row["detail"])
    else:
        rows = await engine._run_in_new_connection("EXPLAIN " + sql, args)
        for row in rows:
            print("    " + row["QUERY PLAN"])


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0))
