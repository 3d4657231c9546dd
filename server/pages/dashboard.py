"""The staff dashboard and its two full lists.

The dashboard is what a staff member opens first, often on a phone: their crisis cases, the first few referral
follow-ups, what needs attention (the longest runs of absences first) and their next few sessions; the next public
sessions are the home page's, a link away (an organizer's agenda already holds them with their real titles). Each
long list shows its first few items and links to the whole list, so the page stays a screen or two long
and its cost does not grow with the organisation. The whole agenda (`/agenda`) and every early warning
(`/early-warnings`) are pages of their own, a page at a time. Composed from cases, schedule, attendance, enrolment,
programs and reports."""

from __future__ import annotations

from datetime import datetime, timedelta
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
from server.web.access import STAFF, CurrentStaff
from server.web.pagination import PageRequest, paginate_capped
from server.web.rendering import render

# Waitlist promotions of the last two weeks are news worth showing.
PROMOTIONS_SINCE = timedelta(days=14)
# What the dashboard shows of each long list before its "all of them" link: a phone's screen or two in all.
AGENDA_PREVIEW = 5
WARNINGS_PREVIEW = 5
FOLLOW_UPS_PREVIEW = 5
# The whole agenda, a page at a time (an organizer's holds every program's sessions).
AGENDA_PAGE = 25
# The agenda's sessions listed, in time order: ten pages (past them, each program's schedule lists its own).
AGENDA_SHOWN = 250
WARNINGS_PAGE = 20
# The early warnings listed, longest runs first: five pages. Past them the count reads "more than", so that counting
# stops there too (each program's attendance tab lists all of its own).
WARNINGS_SHOWN = 100


def _agenda_range(request: Request) -> str:
    # ?range=month widens the agenda from a week to a month; anything else is the week.
    return "month" if request.query_params.get("range") == "month" else "week"


async def _warnings(
    staff: CurrentStaff, now: datetime, *, limit: int, offset: int = 0, up_to: int
) -> tuple[list[dict[str, Any]], int]:
    # The threshold as the identity middleware loaded the settings for this request.
    return await attendance.early_warnings_page(
        staff,
        now,
        limit=limit,
        offset=offset,
        up_to=up_to,
        threshold=organisation.current().absence_warning_streak,
    )


@get("/dashboard", opt=STAFF, name="dashboard")
async def dashboard(request: Request) -> Any:
    now = clock.now()
    staff = request.user
    week = schedule.AGENDA_DAYS["week"]
    # Each preview reads one item past what it shows (its count stops there), to know whether to link to the rest.
    agenda, agenda_counted = await schedule.staff_agenda_page(
        staff, week, now, limit=AGENDA_PREVIEW, up_to=AGENDA_PREVIEW + 1
    )
    warnings, warned = await _warnings(staff, now, limit=WARNINGS_PREVIEW, up_to=WARNINGS_PREVIEW + 1)
    follow_ups = await referrals.referral_follow_ups(staff, limit=FOLLOW_UPS_PREVIEW + 1)
    return render(
        request,
        "pages/dashboard.html",
        {
            # Their own open crisis cases (every one for administrators): names and links only, never a note.
            "crisis_cases": await cases.crisis_cases(staff),
            # The open referrals of the cases they may see, the soonest follow-up first (never the reason).
            "follow_ups": follow_ups[:FOLLOW_UPS_PREVIEW],
            "more_follow_ups": len(follow_ups) > FOLLOW_UPS_PREVIEW,
            "agenda": agenda,
            "agenda_days": week,
            "more_agenda": agenda_counted > AGENDA_PREVIEW,
            # Counts only (kept for organizers): the lists are on the data checks page the count links to.
            "problems": await checks.open_problems(staff, now),
            "warnings": warnings,
            "more_warnings": warned > WARNINGS_PREVIEW,
            "promotions": await enrolment.recent_promotions(staff, now - PROMOTIONS_SINCE),
            "licence_warnings": await programs.licence_warnings(staff, clock.organisation_today(now)),
        },
    )


@get("/agenda", opt=STAFF, name="staff_agenda")
async def agenda(request: Request) -> Any:
    """The staff member's whole agenda for the week or the month, a page at a time."""
    agenda_range = _agenda_range(request)
    days = schedule.AGENDA_DAYS[agenda_range]
    now = clock.now()
    page, more = await paginate_capped(
        PageRequest.of(request, AGENDA_PAGE, "agenda_page"),
        AGENDA_SHOWN,
        lambda limit, offset, up_to: schedule.staff_agenda_page(
            request.user, days, now, limit=limit, offset=offset, up_to=up_to
        ),
    )
    return render(
        request,
        "pages/agenda.html",
        {"agenda": page, "agenda_range": agenda_range, "agenda_days": days, "more_agenda": more},
    )


@get("/early-warnings", opt=STAFF, name="early_warnings")
async def early_warnings(request: Request) -> Any:
    """Everyone whose absences of the staff member's programs (every program for organizers) reached the warning
    threshold, the longest runs first, a page at a time."""
    now = clock.now()
    page, more = await paginate_capped(
        PageRequest.of(request, WARNINGS_PAGE, "warnings_page"),
        WARNINGS_SHOWN,
        lambda limit, offset, up_to: _warnings(request.user, now, limit=limit, offset=offset, up_to=up_to),
    )
    return render(request, "pages/early_warnings.html", {"warnings": page, "more_warnings": more})


ROUTES = [dashboard, agenda, early_warnings]
