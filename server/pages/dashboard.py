"""The staff dashboard: the signed-in staff member's crisis cases, referral follow-ups, agenda, alerts and recent
waitlist moves, composed from cases, schedule, attendance, enrolment, programs and reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, get

from server import clock
from server.attendance import rates as attendance
from server.cases import referrals
from server.cases import services as cases
from server.enrolment import roster as enrolment
from server.organisation import services as organisation
from server.programs import services as programs
from server.reports import checks
from server.schedule import services as schedule
from server.web.access import STAFF
from server.web.pagination import PageRequest, paginate_counted
from server.web.rendering import render

# Waitlist promotions of the last two weeks are news worth showing.
PROMOTIONS_SINCE = timedelta(days=14)
UPCOMING_PUBLIC = 5
# The dashboard is the first page a staff member opens: its lists show a page at a time, so its cost does not grow
# with the organisation (an organizer's agenda holds every program's sessions).
AGENDA_PAGE = 25
# The agenda's sessions listed, in time order: ten pages (past them, each program's schedule lists its own).
AGENDA_SHOWN = 250
WARNINGS_PAGE = 20
# The early warnings listed, longest runs first: five pages. Past them the count reads "more than", so that counting
# stops there too (each program's attendance tab lists all of its own).
WARNINGS_SHOWN = 100


@get("/dashboard", opt=STAFF, name="dashboard")
async def dashboard(request: Request) -> Any:
    # ?range=month widens the agenda from a week to a month; anything else is the week.
    agenda_range = "month" if request.query_params.get("range") == "month" else "week"
    days = schedule.AGENDA_DAYS[agenda_range]
    now = clock.now()
    staff = request.user
    # Each list counts one past what it shows, to say "more than …" (the pager stops at the last shown page).
    counted: dict[str, int] = {}

    async def agenda_page(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        rows, counted["agenda"] = await schedule.staff_agenda_page(
            staff, days, now, limit=min(limit, AGENDA_SHOWN - offset), offset=offset, up_to=AGENDA_SHOWN + 1
        )
        return rows, min(counted["agenda"], AGENDA_SHOWN)

    # The threshold as the identity middleware loaded the settings for this request.
    threshold = organisation.current().absence_warning_streak

    async def warnings_page(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        rows, counted["warnings"] = await attendance.early_warnings_page(
            staff,
            now,
            limit=min(limit, WARNINGS_SHOWN - offset),
            offset=offset,
            up_to=WARNINGS_SHOWN + 1,
            threshold=threshold,
        )
        return rows, min(counted["warnings"], WARNINGS_SHOWN)

    agenda = await paginate_counted(PageRequest.of(request, AGENDA_PAGE, "agenda_page"), agenda_page)
    warnings = await paginate_counted(PageRequest.of(request, WARNINGS_PAGE, "warnings_page"), warnings_page)
    upcoming = await schedule.upcoming_public_sessions(limit=UPCOMING_PUBLIC)
    return render(
        request,
        "pages/dashboard.html",
        {
            # Their own open crisis cases (every one for administrators): names and links only, never a note.
            "crisis_cases": await cases.crisis_cases(staff),
            # The open referrals of the cases they may see, the soonest follow-up first (never the reason).
            "follow_ups": await referrals.referral_follow_ups(staff),
            "agenda": agenda,
            "agenda_range": agenda_range,
            "agenda_days": days,
            "more_agenda": counted["agenda"] > AGENDA_SHOWN,
            "upcoming": upcoming,
            # Counts only (kept for organizers): the lists are on the data checks page the count links to.
            "problems": await checks.open_problems(staff, now),
            "warnings": warnings,
            "more_warnings": counted["warnings"] > WARNINGS_SHOWN,
            "promotions": await enrolment.recent_promotions(request.user, now - PROMOTIONS_SINCE),
            "licence_warnings": await programs.licence_warnings(request.user, clock.organisation_today(now)),
        },
    )


ROUTES = [dashboard]
