"""The audit log page is paged, newest first, with its filters kept and a constant number of queries."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

import pytest
from querycount import count_queries

from server.audit import AuditEvent
from server.people.participant_routes import AUDIT_PAGE_SIZE


async def _events(count: int, action: str = "view", subject_id: int = 1) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    await AuditEvent.insert(
        *[
            AuditEvent(
                at=start + timedelta(minutes=n),
                action=action,
                subject_type="participant",
                subject_id=subject_id,
                summary=f"event-{action}-{n:04d}",
            )
            for n in range(count)
        ]
    ).run()


def _summaries(html: str) -> list[str]:
    return re.findall(r"<td>(event-[a-z]+-\d{4})</td>", html)


def _links(html: str, rel: str) -> list[dict[str, str]]:
    """The query parameters of each `rel` link."""
    hrefs = re.findall(rf'<a href="\?([^"]*)" rel="{rel}"', html)
    return [dict(parse_qsl(href.replace("&amp;", "&"))) for href in hrefs]


async def test_audit_log_second_page_shows_the_older_events(admin_client):
    await _events(AUDIT_PAGE_SIZE + 7)
    first = (await admin_client.get("/admin/audit")).text
    assert _summaries(first)[0] == f"event-view-{AUDIT_PAGE_SIZE + 6:04d}" and len(_summaries(first)) == AUDIT_PAGE_SIZE
    second = (await admin_client.get("/admin/audit?page=2")).text
    assert _summaries(second) == [f"event-view-{n:04d}" for n in range(6, -1, -1)]


async def test_audit_log_page_links_keep_the_filters(admin_client):
    await _events(AUDIT_PAGE_SIZE + 2, action="update", subject_id=7)
    await _events(5, action="view", subject_id=7)
    first = (await admin_client.get("/admin/audit?action=update&subject_id=7")).text
    assert _links(first, "next") == [{"action": "update", "subject_id": "7", "page": "2"}]
    second = (await admin_client.get("/admin/audit?action=update&subject_id=7&page=2")).text
    assert _summaries(second) == ["event-update-0001", "event-update-0000"]
    assert _links(second, "prev") == [{"action": "update", "subject_id": "7"}]


@pytest.mark.parametrize(("asked", "newest_shown"), [("999", 0), ("-1", AUDIT_PAGE_SIZE), ("abc", AUDIT_PAGE_SIZE)])
async def test_audit_log_out_of_range_page_shows_first_or_last(admin_client, asked, newest_shown):
    await _events(AUDIT_PAGE_SIZE + 1)
    response = await admin_client.get("/admin/audit", params={"page": asked})
    assert response.status_code == 200 and _summaries(response.text)[0] == f"event-view-{newest_shown:04d}"


async def test_audit_log_query_count_does_not_grow_with_the_log(admin_client):
    await admin_client.get("/dashboard")  # shows (and so removes) the welcome message: the session is written once
    counts = []
    for count in (AUDIT_PAGE_SIZE + 1, 10 * AUDIT_PAGE_SIZE):
        await _events(count)
        with count_queries() as counter:
            assert (await admin_client.get("/admin/audit?page=2")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts
