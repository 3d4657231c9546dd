"""The organisation dashboard: people served, alerts, figures linking to their lists, the date filter, and
dashboard_summary for the staff /dashboard page."""

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import sign_in
from factories import keep_figures, make_program, make_staff
from report_helpers import NOW, WEEK, enrol, mark, session_at

from server.reports import organisation as reports
from server.reports import periods


async def test_people_served_counts_unique_participants_who_came(db):
    """NOW is 1 December 2026, 10:00 in Jakarta: this month is December, this quarter October–December."""
    a = await make_program(slug="a")
    b = await make_program(slug="b")
    this_month = await session_at(a, NOW - timedelta(hours=1))
    this_quarter = await session_at(a, NOW - 3 * WEEK)
    this_year = await session_at(b, NOW - timedelta(days=120))
    last_year = await session_at(b, NOW - timedelta(days=400))
    cancelled = await session_at(a, NOW - timedelta(hours=2), status="cancelled")
    joined = NOW - timedelta(days=500)
    often = await enrol(a, "Sering", joined)
    await enrol_again(b, often, joined)
    twice_programs = await enrol(a, "Dua Program", joined)
    await enrol_again(b, twice_programs, joined)
    only_august = await enrol(b, "Agustus", joined)
    never = await enrol(a, "Tidak Pernah", joined)
    long_ago = await enrol(b, "Dulu", joined)
    await mark(this_month, often, "present")
    await mark(this_quarter, often, "late")
    await mark(this_year, often, "present")
    await mark(this_quarter, twice_programs, "present")
    await mark(this_year, twice_programs, "present")
    await mark(this_year, only_august, "late")
    await mark(this_month, never, "excused")
    await mark(this_quarter, never, "absent")
    await mark(cancelled, never, "present")
    await mark(last_year, long_ago, "present")
    await mark(this_month, None, "present", guest_label="Tamu")
    served = await reports.people_served(NOW, periods.this_year(NOW))
    assert (served["month"], served["quarter"], served["year"], served["range"], served["guests"]) == (1, 2, 3, 3, 1)
    previous = await reports.people_served(NOW, periods.Period(date(2025, 1, 1), date(2025, 12, 31)))
    assert (previous["range"], previous["guests"]) == (1, 0)


async def enrol_again(program, participant_id, enrolled_at):
    from server.enrolment.tables import Enrolment

    await (
        Enrolment(participant=participant_id, program=program.id, status="enrolled", enrolled_at=enrolled_at)
        .save()
        .run()
    )
    await keep_figures(program.id)


async def test_programs_by_kind_and_phase_leave_archived_ones_out(db):
    await make_program(slug="w1", kind="skill_workshop", phase="implementation")
    await make_program(slug="w2", kind="skill_workshop", phase="implementation")
    await make_program(slug="g1", kind="support_group", phase="evaluation")
    await make_program(slug="old", kind="support_group", phase="closed", archived=True)
    grid = await reports.programs_by_kind_and_phase()
    cells = {(row["kind"], cell["phase"]): cell["count"] for row in grid["rows"] for cell in row["cells"]}
    assert cells[("skill_workshop", "implementation")] == 2
    assert cells[("support_group", "evaluation")] == 1
    assert cells[("support_group", "closed")] == 0
    assert grid["total"] == 3


async def test_attendance_by_program_counts_only_sessions_in_the_period(db):
    program = await make_program(slug="rate")
    person = await enrol(program, "Rina", NOW - timedelta(days=400))
    for days, status in ((10, "present"), (20, "absent"), (300, "absent")):
        await mark(await session_at(program, NOW - timedelta(days=days)), person, status)
    [row] = await reports.attendance_by_program(periods.Period(date(2026, 11, 1), date(2026, 11, 30)), NOW)
    assert (row["slug"], row["sessions"], row["people"], row["attended"], row["absent"]) == ("rate", 2, 1, 1, 1)
    assert row["rate"] == pytest.approx(0.5)


@pytest.fixture
async def troubled(db):
    """One program with each kind of alert, relative to the real clock."""
    from server.people.tables import Staff
    from server.programs.tables import Goal, TeamMember

    now = datetime.now(UTC)
    program = await make_program(slug="sulit", title="Program Sulit", requires_licence=True, kind="support_group")
    await Goal(program=program.id, statement="Tujuan", baseline=0.0, target=1.0).save().run()
    await keep_figures(program.id)
    sessions = [await session_at(program, now - timedelta(days=d)) for d in (21, 14, 7)]
    forgotten = await session_at(program, now - timedelta(days=2), status="scheduled", topic="Lupa absen")
    person = await enrol(program, "Wulan Warning", now - timedelta(days=30))
    await mark(sessions[0], person, "present")
    for session in sessions[1:]:
        await mark(session, person, "absent")
    unlicensed = await make_staff(display_name="Tanpa Lisensi")
    expiring = await make_staff(display_name="Hampir Habis")
    await (
        Staff.update({Staff.licence_number: "SIP-1", Staff.licence_expires_on: now.date() + timedelta(days=10)})
        .where(Staff.id == expiring.id)
        .run()
    )
    await TeamMember.insert(
        TeamMember(program=program.id, staff=unlicensed.id, role="lead"),
        TeamMember(program=program.id, staff=expiring.id, role="co_facilitator"),
    ).run()
    no_goals = await make_program(slug="tanpa-tujuan", title="Program Tanpa Tujuan")
    return {"program": program, "forgotten": forgotten, "no_goals": no_goals, "unlicensed": unlicensed}


async def test_dashboard_alerts_lead_to_their_fix(organizer_client, troubled):
    response = await organizer_client.get("/reports")
    assert response.status_code == 200
    html = response.text
    assert f"/manage/programs/sulit/sessions/{troubled['forgotten']['id']}/attendance" in html
    assert "Wulan Warning" in html and 'href="/manage/programs/sulit/attendance"' in html
    assert "Tanpa Lisensi" in html and "No licence recorded" in html
    assert "Hampir Habis" in html and "Licence expires soon" in html
    assert 'href="/manage/programs/sulit/team"' in html
    assert 'href="/manage/programs/tanpa-tujuan#goals-heading"' in html
    assert 'href="/reports/checks"' in html
    for url in (
        f"/manage/programs/sulit/sessions/{troubled['forgotten']['id']}/attendance",
        "/manage/programs/sulit/attendance",
        "/manage/programs/sulit/team",
        "/manage/programs/tanpa-tujuan",
        "/reports/checks",
    ):
        assert (await organizer_client.get(url)).status_code == 200, url


async def test_dashboard_figures_link_to_the_lists_behind_them(organizer_client, troubled):
    html = (await organizer_client.get("/reports")).text
    assert 'href="/manage/programs?kind=support_group&amp;phase=implementation"' in html
    assert 'href="/manage/programs?phase=implementation"' in html
    assert 'href="/manage/programs/sulit/report"' in html
    year = datetime.now(UTC).year
    assert f'href="/reports/exports/attendance.csv?from={year}-01-01&amp;to={year}-12-31"' in html
    listed = await organizer_client.get("/manage/programs?kind=support_group&phase=implementation")
    assert "Program Sulit" in listed.text


async def test_dashboard_is_for_organizers_and_admins(client, facilitator, admin, db):
    await sign_in(client, facilitator.username)
    assert (await client.get("/reports")).status_code == 403
    await sign_in(client, admin.username)
    assert (await client.get("/reports")).status_code == 200


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2026-02-30", "Enter a date as YYYY-MM-DD."),
        ("to=yesterday", "Enter a date as YYYY-MM-DD."),
        ("from=2026-06-01&to=2026-05-01", "The end date is before the start date."),
    ],
)
async def test_bad_dates_answer_400_with_the_message(organizer_client, query, message):
    response = await organizer_client.get(f"/reports?{query}")
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text


async def test_a_date_range_narrows_the_figures(organizer_client, db):
    response = await organizer_client.get("/reports?from=2025-01-01&to=2025-03-31")
    assert response.status_code == 200
    assert "Period: January 1, 2025 to March 31, 2025." in response.text


async def test_dashboard_summary_counts_the_staff_members_own_programs(troubled, facilitator, organizer):
    now = datetime.now(UTC)
    everything = await reports.dashboard_summary(organizer, now)
    assert everything["attendance_not_taken"] == 1
    assert everything["early_warnings"] == 1
    assert everything["licences"] == 2
    assert everything["programs_without_goals"] == 1
    assert everything["data_checks"] >= 1
    assert everything["alerts"] == 5
    assert await reports.dashboard_summary(facilitator, now) == {
        "attendance_not_taken": 0,
        "early_warnings": 0,
        "licences": 0,
        "programs_without_goals": 0,
        "data_checks": 0,
        "alerts": 0,
    }
    lead = troubled["unlicensed"]
    own = await reports.dashboard_summary(lead, now)
    assert (own["attendance_not_taken"], own["early_warnings"], own["licences"], own["programs_without_goals"]) == (
        1,
        1,
        2,
        0,
    )


async def test_the_early_warning_figure_stops_counting_past_its_limit(organizer_client, troubled, monkeypatch):
    """A large organisation's overview does not count every warned person: past the limit it says "more than"."""
    program = troubled["program"]
    now = datetime.now(UTC)
    second = await enrol(program, "Wira Warning", now - timedelta(days=30))
    third = await enrol(program, "Wati Warning", now - timedelta(days=30))
    for days in (14, 7):
        session = await session_at(program, now - timedelta(days=days, hours=1))
        for person in (second, third):
            await mark(session, person, "absent")
    html = (await organizer_client.get("/reports")).text
    assert "And " not in html and "More than" not in html
    monkeypatch.setattr(reports, "WARNINGS_COUNTED", 2)
    html = (await organizer_client.get("/reports")).text
    assert "more than 2" in html
    assert "More than 2 people in all" in html
