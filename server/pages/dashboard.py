"""The staff dashboard: the signed-in staff member's agenda, alerts and recent waitlist moves, composed from
schedule, attendance, enrolment, programs and reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, get

from server import clock
from server.attendance import rates as attendance
from server.enrolment import roster as enrolment
from server.programs import services as programs
from server.reports import organisation
from server.schedule import services as schedule
from server.web.access import STAFF
from server.web.rendering import render

# Waitlist promotions of the last two weeks are news worth showing.
PROMOTIONS_SINCE = timedelta(days=14)
UPCOMING_PUBLIC = 5


@get("/dashboard", opt=STAFF, name="dashboard")
async def dashboard(request: Request) -> Any:
    # ?range=month widens the agenda from a week to a month; anything else is the week.
    agenda_range = "month" if request.query_params.get("range") == "month" else "week"
    agenda = await schedule.staff_agenda(request.user, days=schedule.AGENDA_DAYS[agenda_range])
    upcoming = await schedule.upcoming_public_sessions(limit=UPCOMING_PUBLIC)
    now = clock.now()
    warnings = await attendance.early_warnings(request.user, now)
    return render(
        request,
        "pages/dashboard.html",
        {
            "agenda": agenda,
            "agenda_range": agenda_range,
            "agenda_days": schedule.AGENDA_DAYS[agenda_range],
            "upcoming": upcoming,
            "summary": await organisation.dashboard_summary(request.user, now, warnings),
            "warnings": warnings,
            "promotions": await enrolment.recent_promotions(request.user, now - PROMOTIONS_SINCE),
            "licence_warnings": await programs.licence_warnings(request.user, clock.organisation_today(now)),
        },
    )


ROUTES = [dashboard]
