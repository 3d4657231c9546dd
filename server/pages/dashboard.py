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
from server.web.pagination import PageRequest, paginate
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
    in_agenda = await schedule.count_staff_agenda(staff, days, now, up_to=AGENDA_SHOWN + 1)

    async def agenda_shown() -> int:
        return min(in_agenda, AGENDA_SHOWN)

    agenda = await paginate(
        PageRequest.of(request, AGENDA_PAGE, "agenda_page"),
        count=agenda_shown,
        fetch=lambda limit, offset: schedule.staff_agenda(
            staff, days, now, limit=min(limit, AGENDA_SHOWN - offset), offset=offset
        ),
    )
    upcoming = await schedule.upcoming_public_sessions(limit=UPCOMING_PUBLIC)
    # The threshold as the identity middleware loaded the settings for this request.
    threshold = organisation.current().absence_warning_streak
    warned = await attendance.count_early_warnings(staff, now, up_to=WARNINGS_SHOWN + 1, threshold=threshold)

    async def warnings_shown() -> int:
        return min(warned, WARNINGS_SHOWN)

    warnings = await paginate(
        PageRequest.of(request, WARNINGS_PAGE, "warnings_page"),
        count=warnings_shown,
        fetch=lambda limit, offset: attendance.early_warnings(
            staff, now, limit=min(limit, WARNINGS_SHOWN - offset), offset=offset, threshold=threshold
        ),
    )
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
            "more_agenda": in_agenda > AGENDA_SHOWN,
            "upcoming": upcoming,
            # Counts only (kept for organizers): the lists are on the data checks page the count links to.
            "problems": await checks.open_problems(staff, now),
            "warnings": warnings,
            "more_warnings": warned > WARNINGS_SHOWN,
            "promotions": await enrolment.recent_promotions(request.user, now - PROMOTIONS_SINCE),
            "licence_warnings": await programs.licence_warnings(request.user, clock.organisation_today(now)),
        },
    )


ROUTES = [dashboard]
