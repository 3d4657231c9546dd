"""The public home page: what the organisation does and its next public sessions."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from server.schedule import services as schedule
from server.web.access import PUBLIC
from server.web.rendering import render


@get("/", opt=PUBLIC, name="home")
async def home(request: Request) -> Any:
    sessions = await schedule.upcoming_public_sessions(limit=8)
    return render(request, "home.html", {"sessions": sessions})


ROUTES = [home]
