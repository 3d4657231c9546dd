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
from server.reports import checks
from server.schedule import services as schedule
from server.web.access import STAFF
from server.web.pagination import PageRequest, paginate
from server.web.rendering import render

# Waitlist promotions of the last two weeks are news worth showing.
PROMOTIONS_SINCE = timedelta(days=14)
UPCOMING_PUBLIC = 5
# The dashboard is the first page a staff member opens: its lists show a page at a time, so its cost does not grow
# with the organisation (an organizer's agenda holds every program's sessions).
AGENDA_PAGE = 25
WARNINGS_PAGE = 20


@get("/dashboard", opt=STAFF, name="dashboard")
async def dashboard(request: Request) -> Any:
    # ?range=month widens the agenda from a week to a month; anything else is the week.
    agenda_range = "month" if request.query_params.get("range") == "month" else "week"
    days = schedule.AGENDA_DAYS[agenda_range]
    now = clock.now()
    staff = request.user
    agenda = await paginate(
        PageRequest.of(request, AGENDA_PAGE, "agenda_page"),
        count=lambda: schedule.count_staff_agenda(staff, days, now),
        fetch=lambda limit, offset: schedule.staff_agenda(staff, days, now, limit=limit, offset=offset),
    )
    upcoming = await schedule.upcoming_public_sessions(limit=UPCOMING_PUBLIC)
    warnings = await paginate(
        PageRequest.of(request, WARNINGS_PAGE, "warnings_page"),
        count=lambda: attendance.count_early_warnings(staff, now),
        fetch=lambda limit, offset: attendance.early_warnings(staff, now, limit=limit, offset=offset),
    )
    return render(
        request,
        "pages/dashboard.html",
        {
            "agenda": agenda,
            "agenda_range": agenda_range,
            "agenda_days": days,
            "upcoming": upcoming,
            # Counts only (kept for organizers): the lists are on the data checks page the count links to.
            "problems": await checks.open_problems(staff, now),
            "warnings": warnings,
            "promotions": await enrolment.recent_promotions(request.user, now - PROMOTIONS_SINCE),
            "licence_warnings": await programs.licence_warnings(request.user, clock.organisation_today(now)),
        },
    )


ROUTES = [dashboard]
