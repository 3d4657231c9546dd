"""The public feed takes the catalogue's filters (`?kind=&mode=&area=`): the same names, values and programs."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
from factories import make_program, make_session

from server.calendars import services as feeds


def _calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def _summaries(calendar: icalendar.Calendar) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


async def _programs():
    group = await make_program(
        slug="kamis",
        kind="support_group",
        title="Kelompok ODHIV",
        public_title="Kelompok Kamis",
        discreet=True,
        area="RW 05",
    )
    workshop = await make_program(slug="batik", kind="skill_workshop", title="Kelas Batik", area="RW 05")
    project = await make_program(slug="sumur", kind="community_project", title="Sumur Bersama", area="RW 07")
    hidden = await make_program(slug="rahasia", kind="support_group", title="Grup Tertutup", visibility="private")
    for program in (group, workshop, project, hidden):
        await make_session(program)
    return group, workshop, project


async def test_filtered_feed_holds_only_the_sessions_of_matching_programs(client, db):
    await _programs()
    by_kind = _calendar(await client.get("/calendar.ics?kind=skill_workshop&lang=en"))
    assert _summaries(by_kind) == ["Kelas Batik"]
    by_area = _calendar(await client.get("/calendar.ics?area=RW+07&lang=en"))
    assert _summaries(by_area) == ["Sumur Bersama"]
    both = _calendar(await client.get("/calendar.ics?kind=skill_workshop&area=RW+07&lang=en"))
    assert _summaries(both) == []
    everything = _calendar(await client.get("/calendar.ics?lang=en"))
    assert _summaries(everything) == ["Kelas Batik", "Kelompok Kamis", "Sumur Bersama"]


async def test_discreet_program_appears_in_a_filtered_feed_only_under_its_neutral_title(client, db):
    await _programs()
    response = await client.get("/calendar.ics?kind=support_group&lang=en")
    assert _summaries(_calendar(response)) == ["Kelompok Kamis"]
    assert b"ODHIV" not in response.content and b"Grup Tertutup" not in response.content


async def test_filtered_feed_says_in_its_name_what_it_holds(client, db):
    await _programs()
    calendar = _calendar(await client.get("/calendar.ics?kind=support_group&area=RW+05&lang=en"))
    assert str(calendar["X-WR-CALNAME"]) == "Gotong — public sessions — Support group, RW 05"
    assert "Support group, RW 05" in str(calendar["X-WR-CALDESC"])
    unfiltered = _calendar(await client.get("/calendar.ics?lang=en"))
    assert str(unfiltered["X-WR-CALNAME"]) == "Gotong — public sessions"


async def test_each_set_of_filters_has_its_own_etag_and_cached_feed(client, db):
    await _programs()
    # Asked back to back, within the feed cache's lifetime: a cached feed must never answer for other filters.
    answers = {
        query: await client.get(f"/calendar.ics?{query}lang=en")
        for query in ("", "kind=support_group&", "kind=skill_workshop&", "area=RW+05&", "mode=online&")
    }
    etags = {response.headers["etag"] for response in answers.values()}
    assert len(etags) == len(answers)
    assert _summaries(_calendar(answers["kind=skill_workshop&"])) == ["Kelas Batik"]
    assert _summaries(_calendar(answers["kind=support_group&"])) == ["Kelompok Kamis"]
    again = await client.get("/calendar.ics?kind=support_group&lang=en")
    assert again.headers["etag"] == answers["kind=support_group&"].headers["etag"]
    assert feeds.public_key({"kind": "support_group"}, "en") != feeds.public_key({}, "en")


async def test_filtered_feed_keeps_the_size_guard(client, db, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_EVENTS", 3)
    feeds.RECENT.clear()
    group = await make_program(slug="banyak", kind="support_group", title="Kelompok Banyak")
    for day in range(1, 7):
        await make_session(group, starts_in=timedelta(days=day))
    calendar = _calendar(await client.get("/calendar.ics?kind=support_group&lang=en"))
    assert len(calendar.walk("VEVENT")) == 3


async def test_unknown_filter_value_is_a_plain_400_naming_the_filter(client, db):
    for query in ("kind=knitting", "mode=underwater", "area=" + "x" * 201):
        response = await client.get(f"/calendar.ics?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"].startswith("text/plain")
        assert query.split("=")[0] in response.text
    head = await client.head("/calendar.ics?kind=knitting")
    assert head.status_code == 400


async def test_catalogue_subscribe_link_carries_the_catalogues_filters(client, db):
    await _programs()
    page = await client.get("/programs?kind=support_group&area=RW+05")
    assert page.status_code == 200
    assert "webcal://" in page.text
    copied = re.search(r'readonly value="([^"]*/calendar\.ics[^"]*)"', page.text)
    assert copied, "no link to copy"
    query = parse_qs(urlsplit(html.unescape(copied.group(1))).query)
    assert query == {"kind": ["support_group"], "area": ["RW 05"]}
    # The filtered list, swapped in by htmx, brings its own subscribe link.
    fragment = await client.get("/programs?kind=skill_workshop", headers={"HX-Request": "true"})
    assert "kind=skill_workshop" in fragment.text and "webcal://" in fragment.text
    assert "kind=" not in (await client.get("/programs")).text.split("/calendar.ics", 1)[1].split('"', 1)[0]


async def test_catalogue_filters_programs_by_area(client, db):
    await _programs()
    page = await client.get("/programs?area=RW+07")
    assert "Sumur Bersama" in page.text and "Kelas Batik" not in page.text
    assert 'value="RW 05"' in page.text and 'value="RW 07"' in page.text  # the areas to choose from
