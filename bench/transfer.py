"""Bytes a facilitator's phone moves for the attendance sheet, on a first visit and on a repeat visit with the
browser cache warm (docs/performance.md, "Bytes on a slow link"). Runs the app in process on the demo seed:

    .venv/bin/python bench/transfer.py

Counted: every response's status line, headers and body as sent (compressed), for the page and every asset it
links (stylesheets, scripts, icon, manifest). On the repeat visit an asset with immutable caching is not asked
for at all; any other asset is revalidated (a 304); the page itself is never cached (no-store)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# What a phone's browser sends: brotli is preferred when offered.
ACCEPT_ENCODING = "gzip, deflate, br"
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+|/manifest\.webmanifest)"')
GOALS = {"first": 60_000, "repeat": 10_000}


@dataclass
class Transfer:
    first: list[tuple[str, int]]
    repeat: list[tuple[str, int]]

    @property
    def first_bytes(self) -> int:
        return sum(size for _url, size in self.first)

    @property
    def repeat_bytes(self) -> int:
        return sum(size for _url, size in self.repeat)


def wire_size(response: Any) -> int:
    """Status line, headers and the body as it travelled (compressed), in HTTP/1.1 framing."""
    status_line = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n")
    headers = sum(len(name) + len(value) + 4 for name, value in response.headers.raw) + 2
    return status_line + headers + response.num_bytes_downloaded


def linked_assets(html: str) -> list[str]:
    return list(dict.fromkeys(LINKED.findall(html)))


async def transfer(client: Any, url: str) -> Transfer:
    headers = {"Accept-Encoding": ACCEPT_ENCODING}
    page = await client.get(url, headers=headers)
    assert page.status_code == 200, (url, page.status_code)
    first = [(url, wire_size(page))]
    repeat = [(url, wire_size(await client.get(url, headers=headers)))]
    for asset in linked_assets(page.text):
        response = await client.get(asset, headers=headers)
        first.append((asset, wire_size(response)))
        if "immutable" in response.headers.get("cache-control", ""):
            repeat.append((asset, 0))
            continue
        etag = response.headers.get("etag")
        again = await client.get(asset, headers={**headers, **({"If-None-Match": etag} if etag else {})})
        repeat.append((asset, wire_size(again)))
    return Transfer(first, repeat)


async def _sheet_url() -> str:
    """The latest session already started of a program the demo facilitator 'budi' leads or co-leads."""
    from datetime import UTC, datetime

    from server.people.tables import Staff
    from server.programs.tables import Program, TeamMember
    from server.schedule.tables import ProgramSession

    budi = await Staff.select(Staff.id).where(Staff.user.username == "budi").first().run()
    teams = await TeamMember.select(TeamMember.program).where(TeamMember.staff == budi["id"]).run()
    session = (
        await ProgramSession.select(ProgramSession.id, ProgramSession.program)
        .where(
            ProgramSession.program.is_in([team["program"] for team in teams])
            & (ProgramSession.starts_at < datetime.now(UTC))
        )
        .order_by(ProgramSession.starts_at, ascending=False)
        .first()
        .run()
    )
    program = await Program.select(Program.slug).where(Program.id == session["program"]).first().run()
    return f"/manage/programs/{program['slug']}/sessions/{session['id']}/attendance"


async def _measure() -> Transfer:
    from litestar.testing import AsyncTestClient

    from server.app import create_app
    from server.cli import migrate
    from server.demo import DEMO_PASSWORD, seed_demo

    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()
        await seed_demo()
    url = await _sheet_url()
    async with AsyncTestClient(app=create_app(), base_url="http://gotong.local") as client:
        login = await client.get("/login")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
        signed_in = await client.post(
            "/login", data={"username": "budi", "password": DEMO_PASSWORD}, headers={"x-csrftoken": token}
        )
        assert signed_in.status_code in (200, 303), signed_in.status_code
        return await transfer(client, url)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="gotong-transfer-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'transfer.sqlite3'}")
    os.environ.setdefault("GOTONG_DB_POOL", "0")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    result = asyncio.run(_measure())
    for label, rows, total in (
        ("first visit", result.first, result.first_bytes),
        ("repeat visit", result.repeat, result.repeat_bytes),
    ):
        print(f"{label}:")
        for url, size in rows:
            print(f"  {size:>8,} B  {url}")
        goal = GOALS["first" if label == "first visit" else "repeat"]
        print(f"  {total:>8,} B  total (goal ≤ {goal:,} B: {'met' if total <= goal else 'NOT met'})")


if __name__ == "__main__":
    main()
