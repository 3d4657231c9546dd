"""The staff survey list is paged, newest first, in a constant number of queries."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from querycount import count_queries

from server.surveys.staff_routes import SURVEY_PAGE_SIZE
from server.surveys.tables import Survey


async def _surveys(count: int, prefix: str = "Survei", created_by: int | None = None) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    await Survey.insert(
        *[
            Survey(
                title=f"{prefix} {n:03d}",
                purpose="needs_assessment",
                token=f"{prefix}-{n}",
                created_by=created_by,
                created_at=start + timedelta(hours=n),
            )
            for n in range(count)
        ]
    ).run()


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="/surveys/\d+">([^<]+)</a>', html)


async def test_survey_list_second_page_shows_the_older_surveys(organizer_client):
    await _surveys(SURVEY_PAGE_SIZE + 3)
    first = (await organizer_client.get("/surveys")).text
    assert len(_titles(first)) == SURVEY_PAGE_SIZE and _titles(first)[0] == f"Survei {SURVEY_PAGE_SIZE + 2:03d}"
    assert 'href="?page=2" rel="next"' in first
    second = (await organizer_client.get("/surveys?page=2")).text
    assert _titles(second) == ["Survei 002", "Survei 001", "Survei 000"]
    assert 'href="?" rel="prev"' in second


@pytest.mark.parametrize(("asked", "newest"), [("999", "Survei 000"), ("-1", "Survei 050"), ("abc", "Survei 050")])
async def test_survey_list_out_of_range_page_shows_first_or_last(organizer_client, asked, newest):
    await _surveys(SURVEY_PAGE_SIZE + 1)
    response = await organizer_client.get("/surveys", params={"page": asked})
    assert response.status_code == 200 and _titles(response.text)[0] == newest


async def test_survey_list_pages_a_facilitator_only_over_their_surveys(client, facilitator):
    from conftest import sign_in

    await _surveys(SURVEY_PAGE_SIZE + 1, prefix="Milik", created_by=facilitator.id)
    await _surveys(20, prefix="Lain")
    await sign_in(client, facilitator.username)
    second = (await client.get("/surveys?page=2")).text
    assert _titles(second) == ["Milik 000"]


async def test_survey_list_query_count_does_not_grow_with_the_number_of_surveys(organizer_client):
    await organizer_client.get("/dashboard")  # shows (and so removes) the welcome message: the session is written once
    counts = []
    for count in (SURVEY_PAGE_SIZE + 1, 6 * SURVEY_PAGE_SIZE):
        await _surveys(count, prefix=f"S{count}")
        with count_queries() as counter:
            assert (await organizer_client.get("/surveys?page=2")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts
