"""People served from the kept rows (server/attendance/served.py): the same answer as the marks for calendar
periods and runs of whole months, a distinct count across programs and months, kept in step with corrections,
cancellations and moves, rebuilt from scratch, and the marks read instead for a range of days or another timezone."""

from datetime import date, timedelta

from factories import make_program, make_staff
from report_helpers import NOW, WEEK, enrol, mark, program_row, session_at

from server import clock
from server.attendance import served, sheets, stats
from server.attendance.rules import raw
from server.enrolment.tables import Enrolment
from server.reports import organisation as reports
from server.reports import periods
from server.schedule import services as schedule


async def _from_marks(period: periods.Period) -> dict[str, int]:
    return await reports._people_served_from_marks({**periods.calendar_periods(NOW), "range": period})


async def _organisation():
    a = await make_program(slug="a")
    b = await make_program(slug="b")
    joined = NOW - timedelta(days=500)
    both = await enrol(a, "Dua Program", joined)
    await Enrolment(participant=both, program=b.id, status="enrolled", enrolled_at=joined).save().run()
    await stats.program_changed(b.id)
    one = await enrol(a, "Satu", joined)
    sessions = {
        "a_now": await session_at(a, NOW - timedelta(hours=1)),
        "a_quarter": await session_at(a, NOW - 3 * WEEK),
        "b_now": await session_at(b, NOW - timedelta(hours=3), status="scheduled"),
        "b_year": await session_at(b, NOW - timedelta(days=120)),
    }
    await mark(sessions["a_now"], both, "present")
    await mark(sessions["b_now"], both, "late")
    await mark(sessions["b_year"], both, "present")
    await mark(sessions["a_quarter"], one, "present")
    await mark(sessions["a_now"], None, "present", guest_label="Tamu")
    return a, b, both, one, sessions


async def test_people_served_from_kept_rows_equals_the_marks_for_whole_months(db):
    await _organisation()
    for period in (
        periods.this_year(NOW),
        periods.Period(date(2026, 10, 1), date(2026, 12, 31)),
        periods.Period(date(2026, 12, 1), date(2026, 12, 31)),
        periods.Period(date(2026, 7, 1), date(2026, 11, 30)),
        periods.Period(date(2025, 1, 1), date(2025, 12, 31)),
    ):
        assert await reports.people_served(NOW, period) == await _from_marks(period)
    served_now = await reports.people_served(NOW, periods.this_year(NOW))
    # A person served in two programs in one month counts once; guests are visits.
    assert (served_now["month"], served_now["quarter"], served_now["year"], served_now["guests"]) == (1, 2, 2, 1)


async def test_a_person_served_elsewhere_in_the_month_stays_served_after_a_correction(db):
    a, b, both, _one, sessions = await _organisation()
    staff = await make_staff(role="organizer")
    program = await program_row(a)
    with clock.frozen(NOW):
        await sheets.record_attendance(staff, program, sessions["a_now"], both, status="absent", now=NOW)
    assert (await reports.people_served(NOW, periods.this_year(NOW)))["month"] == 1
    with clock.frozen(NOW):
        await schedule.cancel_occurrence(await program_row(b), sessions["b_now"]["id"], "Rain")
    assert (await reports.people_served(NOW, periods.this_year(NOW)))["month"] == 0
    assert await served.kept_served() == await served.served_from_marks()


async def test_moving_a_session_to_another_month_moves_who_was_served(db):
    a, _b, _both, _one, sessions = await _organisation()
    program = await program_row(a)
    with clock.frozen(NOW):
        await schedule.move_occurrence(
            program,
            sessions["a_quarter"]["id"],
            day=date(2026, 8, 3),
            start=sessions["a_quarter"]["starts_at"].time(),
            end=sessions["a_quarter"]["ends_at"].time(),
        )
    assert await served.kept_served() == await served.served_from_marks()
    served_now = await reports.people_served(NOW, periods.this_year(NOW))
    assert (served_now["quarter"], served_now["year"]) == (1, 2)


async def test_rebuild_stats_recomputes_the_served_rows(db):
    await _organisation()
    kept = await served.kept_served()
    await raw('DELETE FROM "served_period"')
    await raw('DELETE FROM "served_month"')
    assert await stats.missing_figures()
    await stats.rebuild_all(NOW)
    assert await served.kept_served() == kept == await served.served_from_marks()


async def test_a_range_of_days_or_another_timezone_is_counted_from_the_marks(db, monkeypatch):
    await _organisation()
    days = periods.Period(date(2026, 11, 15), date(2026, 12, 20))
    assert await reports.people_served(NOW, days) == await _from_marks(days)
    monkeypatch.setattr(clock, "organisation_timezone", lambda: "Pacific/Honolulu")
    year = periods.this_year(NOW)
    assert await reports.people_served(NOW, year) == await _from_marks(year)
