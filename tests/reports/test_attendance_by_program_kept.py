"""Attendance by program from the kept period totals (server/attendance/program_periods.py) and people served from
the kept period counts (served_count): the same answers as the session rows and the marks, a session marked in
advance counted only once it has started, one row read per program or per period, rebuilt from scratch."""

from datetime import date, timedelta

from factories import make_program
from report_helpers import NOW, WEEK, enrol, mark, session_at

from server import clock
from server.attendance import program_periods, served, stats
from server.attendance.rules import raw
from server.reports import organisation as reports
from server.reports import periods
from server.web.pagination import PageRequest, page_of

DECEMBER = periods.Period(date(2026, 12, 1), date(2026, 12, 31))
PERIODS = (
    periods.this_year(NOW),
    periods.Period(date(2026, 10, 1), date(2026, 12, 31)),
    DECEMBER,
    periods.Period(date(2026, 11, 1), date(2026, 11, 30)),
    periods.Period(date(2025, 1, 1), date(2025, 12, 31)),
)


async def _organisation():
    a = await make_program(slug="a", title="A")
    b = await make_program(slug="b", title="B")
    joined = NOW - timedelta(days=500)
    ayu = await enrol(a, "Ayu", joined)
    budi = await enrol(a, "Budi", NOW - 2 * WEEK)
    citra = await enrol(b, "Citra", joined)
    await mark(await session_at(a, NOW - 3 * WEEK), ayu, "present")  # Budi not yet a member
    await mark(await session_at(a, NOW - WEEK), budi, "late")  # Ayu unmarked: absent
    await mark(await session_at(a, NOW - timedelta(days=300)), ayu, "excused")
    await mark(await session_at(b, NOW - timedelta(hours=2), status="scheduled"), citra, "absent")
    await session_at(b, NOW - 2 * WEEK, status="scheduled")  # no attendance taken: does not count
    # Marked in advance: kept in December's totals, counted only once it has started.
    ahead = await session_at(b, NOW + timedelta(days=3), status="scheduled")
    await mark(ahead, citra, "present")
    return a, b


async def test_attendance_by_program_of_calendar_periods_equals_the_session_rows(db):
    await _organisation()
    for period in PERIODS:
        kept = await reports.attendance_by_program(period, NOW)
        assert kept == await reports._attendance_from_sessions(period, NOW)
    rows = {row["slug"]: row for row in await reports.attendance_by_program(periods.this_year(NOW), NOW)}
    assert (rows["a"]["sessions"], rows["a"]["people"], rows["a"]["attended"], rows["a"]["absent"]) == (3, 2, 2, 1)
    assert (rows["b"]["sessions"], rows["b"]["people"], rows["b"]["attended"], rows["b"]["absent"]) == (1, 1, 0, 1)


async def test_a_session_marked_in_advance_counts_in_the_overview_only_once_started(db):
    await _organisation()
    [b_december] = [row for row in await reports.attendance_by_program(DECEMBER, NOW) if row["slug"] == "b"]
    assert (b_december["sessions"], b_december["attended"]) == (1, 0)
    later = NOW + timedelta(days=4)
    [b_later] = [row for row in await reports.attendance_by_program(DECEMBER, later) if row["slug"] == "b"]
    assert (b_later["sessions"], b_later["attended"]) == (2, 1)
    assert await reports.attendance_by_program(DECEMBER, later) == await reports._attendance_from_sessions(
        DECEMBER, later
    )


async def test_the_overview_reads_one_kept_row_per_program_for_a_calendar_period(db):
    a, b = await _organisation()
    kept = await program_periods.kept_program_periods()
    # (sessions, members, attended, absent, excused, people): Budi joined after the first session, Ayu excused
    # in February.
    assert kept[(a.id, "year", date(2026, 1, 1))] == (3, 4, 2, 1, 1, 2)
    assert kept[(b.id, "month", date(2026, 12, 1))] == (2, 2, 1, 1, 0, 1)
    assert kept == await program_periods.program_periods_from_marks()


async def test_another_range_or_another_timezone_is_summed_from_the_session_rows(db, monkeypatch):
    await _organisation()
    days = periods.Period(date(2026, 11, 15), date(2026, 12, 20))
    assert await reports.attendance_by_program(days, NOW) == await reports._attendance_from_sessions(days, NOW)
    monkeypatch.setattr(clock, "organisation_timezone", lambda: "Pacific/Honolulu")
    year = periods.this_year(NOW)
    assert await reports.attendance_by_program(year, NOW) == await reports._attendance_from_sessions(year, NOW)


async def test_people_served_of_a_calendar_period_is_its_kept_count(db):
    await _organisation()
    counts = (await served.kept_served())["counts"]
    # Ayu (November, excused in February: not served), Budi (November), Citra (December, marked in advance).
    assert counts[("year", date(2026, 1, 1))] == (3, 0)
    assert counts[("month", date(2026, 11, 1))] == (2, 0)
    for period in PERIODS:
        assert await reports.people_served(NOW, period) == await reports._people_served_from_marks(
            {**periods.calendar_periods(NOW), "range": period}
        )


async def test_rebuild_stats_recomputes_the_period_totals_and_counts(db):
    await _organisation()
    totals, kept = await program_periods.kept_program_periods(), await served.kept_served()
    await raw('DELETE FROM "program_period_stats"')
    assert await stats.missing_figures()
    await raw('DELETE FROM "served_count"')
    assert await stats.missing_figures()
    await stats.rebuild_all(NOW)
    assert await program_periods.kept_program_periods() == totals
    assert await served.kept_served() == kept
    assert not await stats.missing_figures()


def _cut(table: list[dict], wanted: PageRequest) -> tuple:
    """What the page and the lowest rates must be: the whole table cut in memory."""
    page = page_of(wanted, table)
    rated = sorted((row for row in table if row["rate"] is not None), key=lambda row: (row["rate"], row["title"]))
    return (page.items, page.number, page.total), rated[: reports.LOWEST_RATES]


async def test_a_page_of_attendance_by_program_cut_in_sql_equals_the_whole_table_cut(db, monkeypatch):
    """Seven programs with different rates, three a page: every page (a hand-edited one past the end shows the last)
    and the lowest rates equal the whole table's; a program marked in advance takes the whole-table way, with the
    same answer."""
    joined = NOW - timedelta(days=500)
    for number, (title, came) in enumerate(
        (("Gamma", 1), ("alpha", 2), ("Beta", 0), ("Delta", 3), ("Epsilon", 2), ("Zeta", 1), ("Eta", 3))
    ):
        program = await make_program(slug=f"p{number}", title=title)
        people = [await enrol(program, f"Orang {number}-{index}", joined) for index in range(3)]
        session = await session_at(program, NOW - 3 * WEEK)
        for index, person in enumerate(people):
            await mark(session, person, "present" if index < came else "absent")
    year = periods.this_year(NOW)
    table = await reports.attendance_by_program(year, NOW)
    assert len(table) == 7
    for number in (1, 2, 3, 9):
        wanted = PageRequest(number=number, size=3)
        page, lowest = await reports.attendance_table_page(year, NOW, wanted)
        assert ((page.items, page.number, page.total), lowest) == _cut(table, wanted)
    page, _lowest = await reports.attendance_table_page(year, NOW, PageRequest(number=9, size=3))
    assert (page.number, len(page.items)) == (3, 1)
    # Marked in advance: the kept totals count it, today's figures not yet.
    await _organisation()
    table = await reports.attendance_by_program(year, NOW)
    assert len(table) == 9
    wanted = PageRequest(number=2, size=4)
    page, lowest = await reports.attendance_table_page(year, NOW, wanted)
    assert ((page.items, page.number, page.total), lowest) == _cut(table, wanted)
    # Rows kept in another timezone than today's: the whole-table way too.
    monkeypatch.setattr(clock, "organisation_timezone", lambda: "Pacific/Honolulu")
    table = await reports.attendance_by_program(year, NOW)
    page, lowest = await reports.attendance_table_page(year, NOW, wanted)
    assert ((page.items, page.number, page.total), lowest) == _cut(table, wanted)
