"""The dashboard, a program report and the exports run the same number of queries for 5 or 60 sessions and people."""

from datetime import UTC, datetime

import pytest
from querycount import count_queries
from report_helpers import bulk_program, page_queries, query_difference


async def _count(client, url: str) -> page_queries:
    # The first request after signing in also changes the stored session (its welcome message is shown).
    await client.get(url)
    with page_queries() as queries:
        response = await client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return queries


@pytest.mark.parametrize(
    "url",
    [
        "/reports",
        "/manage/programs/{slug}/report",
        "/manage/programs/{slug}/report/print",
        "/reports/exports/sessions.csv",
        "/reports/exports/enrolments.csv",
        "/reports/exports/attendance.csv",
        "/reports/exports/programs.csv",
        "/reports/exports/surveys.csv",
    ],
)
async def test_query_count_does_not_grow_with_the_data(organizer_client, url):
    now = datetime.now(UTC)
    await bulk_program("kecil", sessions=5, people=5, now=now)
    few = await _count(organizer_client, url.format(slug="kecil"))
    await bulk_program("besar", sessions=60, people=60, now=now)
    many = await _count(organizer_client, url.format(slug="besar" if "{slug}" in url else "kecil"))
    assert few.count == many.count, query_difference(few, many)


async def test_a_community_projects_report_stays_constant_too(organizer_client):
    now = datetime.now(UTC)
    await bulk_program("kecil", sessions=5, people=5, now=now, kind="community_project")
    await bulk_program("besar", sessions=60, people=60, now=now, kind="community_project")
    few = await _count(organizer_client, "/manage/programs/kecil/report")
    many = await _count(organizer_client, "/manage/programs/besar/report")
    assert few.count == many.count, query_difference(few, many)


async def test_the_whole_request_including_the_session_store_is_constant_too(organizer_client):
    """The same comparison with tests/querycount, which counts every statement, the session store's too; the
    smaller of two runs, so that a store write landing in the window by chance does not decide."""
    now = datetime.now(UTC)

    async def fewest() -> int:
        counts = []
        for _ in range(2):
            with count_queries() as counter:
                assert (await organizer_client.get("/reports")).status_code == 200
            counts.append(counter["n"])
        return min(counts)

    await bulk_program("kecil", sessions=5, people=5, now=now)
    await organizer_client.get("/reports")
    few = await fewest()
    await bulk_program("besar", sessions=60, people=60, now=now)
    assert await fewest() == few


async def test_organisation_overview_pages_its_attendance_table_and_charts_the_lowest_of_all(
    organizer_client, monkeypatch
):
    from server.reports import organisation

    monkeypatch.setattr(organisation, "ATTENDANCE_PAGE", 2)
    now = datetime.now(UTC)
    for slug in ("aa", "bb", "cc"):
        await bulk_program(slug, sessions=2, people=2, now=now)
    first = (await organizer_client.get("/reports")).text
    rates = first.split('id="rates-heading"', 1)[1].split("</section>", 1)[0]
    assert "Program aa" in rates and "Program bb" in rates
    assert 'href="/manage/programs/cc/attendance"' not in rates  # on the next page of the table …
    assert "?attendance_page=2#rates-heading" in rates
    second = (await organizer_client.get("/reports?attendance_page=2")).text
    table = second.split('id="rates-heading"', 1)[1].split("</section>", 1)[0].split("<table", 1)[1]
    assert 'href="/manage/programs/cc/attendance"' in table and "Program aa" not in table
    # … and the chart of the lowest rates still ranks every program.
    assert "Program cc" in rates.split("<table", 1)[0]
    assert (await organizer_client.get("/reports?attendance_page=999")).status_code == 200
