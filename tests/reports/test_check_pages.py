"""Each data check that lists rows is paged on its own, keeping the other checks' pages, in a constant number of
queries."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from factories import keep_figures, make_program
from querycount import count_queries

from server.reports.checks import LIST_LIMIT
from server.schedule.services import new_uid
from server.schedule.tables import ProgramSession


async def _forgotten_sessions(count: int, slug: str = "sepi") -> list[int]:
    """Past sessions nobody took attendance for; returned newest first, as the check lists them."""
    program = await make_program(slug=slug, title=f"Program {slug}")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=count + 1)
    sessions = [
        ProgramSession(
            program=program.id,
            uid=new_uid(),
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=1),
        )
        for n in range(count)
    ]
    await ProgramSession.insert(*sessions).run()
    await keep_figures(program.id)
    rows = await ProgramSession.select(ProgramSession.id).where(ProgramSession.program == program.id).run()
    return sorted((row["id"] for row in rows), reverse=True)


def _listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/manage/programs/[^/]+/sessions/(\d+)/attendance"', html)]


def _links(html: str, rel: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(rf'<a href="([^"]*)" rel="{rel}"', html)]


async def test_a_check_with_more_rows_than_a_page_shows_the_rest_on_its_next_page(organizer_client):
    ids = await _forgotten_sessions(LIST_LIMIT + 5)
    first = (await organizer_client.get("/reports/checks")).text
    assert _listed(first) == ids[:LIST_LIMIT]
    assert _links(first, "next") == ["?page_no_attendance=2#check-no_attendance"]
    second = (await organizer_client.get("/reports/checks?page_no_attendance=2")).text
    assert _listed(second) == ids[LIST_LIMIT:]
    assert "more not listed here" not in second


async def test_a_check_page_link_keeps_the_other_checks_pages(organizer_client):
    await _forgotten_sessions(2 * LIST_LIMIT + 1)
    page = (await organizer_client.get("/reports/checks?page_no_consent=3&page_no_attendance=2")).text
    assert sorted(_links(page, "next")) == ["?page_no_consent=3&page_no_attendance=3#check-no_attendance"]
    assert sorted(_links(page, "prev")) == ["?page_no_consent=3#check-no_attendance"]


@pytest.mark.parametrize(("asked", "shown"), [("999", 1), ("-1", 0), ("abc", 0), ("", 0)])
async def test_a_check_page_out_of_range_shows_its_first_or_last_page(organizer_client, asked, shown):
    ids = await _forgotten_sessions(LIST_LIMIT + 1)
    response = await organizer_client.get("/reports/checks", params={"page_no_attendance": asked})
    assert response.status_code == 200
    assert _listed(response.text)[0] == ids[shown * LIST_LIMIT]


async def test_a_check_page_runs_a_constant_number_of_queries(organizer_client):
    counts = []
    for count, slug in ((LIST_LIMIT + 1, "kecil"), (3 * LIST_LIMIT, "besar")):
        await _forgotten_sessions(count, slug)
        with count_queries() as counter:
            assert (await organizer_client.get("/reports/checks?page_no_attendance=2")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts
