"""The staff dashboard."""
from __future__ import annotations

from typing import Any

from litestar import Request, get

from server.schedule import services as schedule
from server.web.access import STAFF
from server.web.rendering import render


@get("/dashboard", opt=STAFF, name="dashboard")
async def dashboard(request: Request) -> Any:
    upcoming = await schedule.upcoming_public_sessions(limit=5)
    return render(request, "reports/dashboard.html", {"upcoming": upcoming})


ROUTES = [dashboard]
