"""Pagination of the catalogue, the staff program list and the participant list, through the HTTP client."""

import re

import pytest
from factories import make_program, make_session
from querycount import count_queries

from server.pages.catalogue import CATALOGUE_PAGE_SIZE, PROGRAM_LIST_PAGE_SIZE
from server.pages.participants import PARTICIPANT_PAGE_SIZE


def _links(html: str, rel: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(rf'<a href="([^"]*)" rel="{rel}"', html)]


def _titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/programs/[^"]+">([^<]+)</a></h2>', html)


async def _public_programs(count: int, prefix: str = "Kelas", **overrides) -> None:
    for number in range(count):
        program = await make_program(slug=f"{prefix.lower()}-{number:03d}", title=f"{prefix} {number:03d}", **overrides)
        if number % 2 == 0:
            await make_session(program)


async def test_catalogue_second_page_shows_the_rest_in_title_order(client):
    await _public_programs(CATALOGUE_PAGE_SIZE + 6)
    first = (await client.get("/programs")).text
    second = (await client.get("/programs?page=2")).text
    assert _titles(first) == [f"Kelas {n:03d}" for n in range(CATALOGUE_PAGE_SIZE)]
    assert _titles(second) == [f"Kelas {n:03d}" for n in range(CATALOGUE_PAGE_SIZE, CATALOGUE_PAGE_SIZE + 6)]
    assert _links(first, "next") == ["?page=2"] and not _links(first, "prev")
    assert _links(second, "prev") == ["?"] and not _links(second, "next")


async def test_catalogue_sorts_and_pages_by_the_title_the_public_sees(client):
    await _public_programs(CATALOGUE_PAGE_SIZE, prefix="Kelas")
    await make_program(slug="rahasia", title="Aaa Rahasia", public_title="Zz Kelompok Kamis", discreet=True)
    second = (await client.get("/programs?page=2")).text
    assert _titles(second) == ["Zz Kelompok Kamis"]
    assert "Rahasia" not in (await client.get("/programs")).text


async def test_catalogue_page_links_keep_the_filters(client):
    await _public_programs(CATALOGUE_PAGE_SIZE + 3, kind="support_group")
    await _public_programs(5, prefix="Bengkel")
    first = (await client.get("/programs?kind=support_group&upcoming=on")).text
    assert len(_titles(first)) == (CATALOGUE_PAGE_SIZE + 4) // 2  # every other program has a coming session
    everything = (await client.get("/programs?kind=support_group")).text
    assert _links(everything, "next") == ["?kind=support_group&page=2"]
    second = (await client.get("/programs?kind=support_group&page=2")).text
    assert len(_titles(second)) == 3 and "Bengkel" not in second
    assert _links(second, "prev") == ["?kind=support_group"]


async def test_catalogue_upcoming_filter_pages_over_programs_with_sessions_only(client):
    await _public_programs(2 * CATALOGUE_PAGE_SIZE + 4)
    first = (await client.get("/programs?upcoming=on")).text
    second = (await client.get("/programs?upcoming=on&page=2")).text
    assert len(_titles(first)) == CATALOGUE_PAGE_SIZE and len(_titles(second)) == 2
    assert "No upcoming sessions yet." not in first + second
    assert _links(first, "next") == ["?upcoming=on&page=2"]


@pytest.mark.parametrize(("asked", "shown"), [("999", 2), ("-1", 1), ("abc", 1), ("0", 1), ("9" * 40, 2), ("", 1)])
async def test_catalogue_page_out_of_range_shows_first_or_last_page(client, asked, shown):
    await _public_programs(CATALOGUE_PAGE_SIZE + 1)
    response = await client.get("/programs", params={"page": asked})
    assert response.status_code == 200
    expected = ["Kelas 000"] if shown == 1 else [f"Kelas {CATALOGUE_PAGE_SIZE:03d}"]
    assert _titles(response.text)[:1] == expected


async def test_catalogue_on_an_empty_organisation_is_one_empty_page(client):
    response = await client.get("/programs?page=5")
    assert response.status_code == 200 and "No programs match these filters." in response.text
    assert not _links(response.text, "next") and not _links(response.text, "prev")


async def test_catalogue_fragment_carries_the_page_links(client):
    await _public_programs(CATALOGUE_PAGE_SIZE + 1)
    response = await client.get("/programs?kind=skill_workshop", headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert _links(response.text, "next") == ["?kind=skill_workshop&page=2"]


async def test_catalogue_keeps_its_subscribe_link(client):
    await _public_programs(CATALOGUE_PAGE_SIZE + 1)
    assert "/calendar.ics" in (await client.get("/programs?page=2")).text


async def test_staff_program_list_pages_with_filters_kept(organizer_client):
    await _public_programs(PROGRAM_LIST_PAGE_SIZE + 2)
    await _public_programs(3, prefix="Arsip", archived=True)
    first = (await organizer_client.get("/manage/programs?q=Kelas")).text
    assert _links(first, "next") == ["?q=Kelas&page=2"]
    second = (await organizer_client.get("/manage/programs?q=Kelas&page=2")).text
    assert "Kelas 050" in second and "Kelas 051" in second and "Kelas 049" not in second
    assert _links(second, "prev") == ["?q=Kelas"]
    last = await organizer_client.get("/manage/programs?q=Kelas&page=abc")
    assert last.status_code == 200 and "Kelas 000" in last.text
    archived = (await organizer_client.get("/manage/programs?archived=on&page=999")).text
    assert "Arsip 000" in archived and "Kelas" not in archived


async def test_catalogue_and_staff_list_query_counts_do_not_grow_with_the_organisation(organizer_client):
    counts = {}
    for total in (30, 130):
        await _public_programs(total - len(counts) * 30, prefix=f"Grup{total}")
        measured = []
        for url in ("/programs", "/programs?page=2", "/programs?upcoming=on&page=2", "/manage/programs?page=2"):
            with count_queries() as counter:
                assert (await organizer_client.get(url)).status_code == 200
            measured.append(counter["n"])
        counts[total] = measured
    assert counts[30] == counts[130], counts


async def _people(count: int, prefix: str = "Orang", created_by: int | None = None) -> None:
    from server.people.tables import Participant

    await Participant.insert(
        *[Participant(display_name=f"{prefix} {n:03d}", created_by=created_by) for n in range(count)]
    ).run()


def _people_names(html: str) -> list[str]:
    return re.findall(r'<a href="/participants/\d+">([^<]+)</a>', html)


async def test_participant_list_is_no_longer_cut_at_200(organizer_client):
    await _people(PARTICIPANT_PAGE_SIZE * 4 + 10)
    last = (await organizer_client.get("/participants?page=999")).text
    shown = PARTICIPANT_PAGE_SIZE * 4
    assert _people_names(last) == [f"Orang {n:03d}" for n in range(shown, shown + 10)]
    assert _links(last, "prev") == ["?page=4"]


async def test_participant_list_pages_through_the_first_people_listed_and_a_search_finds_the_rest(
    organizer_client, monkeypatch
):
    from server.pages import participants

    monkeypatch.setattr(participants, "PARTICIPANTS_LISTED", 4)
    monkeypatch.setattr(participants, "PARTICIPANT_PAGE_SIZE", 2)
    await _people(7)
    first = (await organizer_client.get("/participants")).text
    assert _people_names(first) == ["Orang 000", "Orang 001"]
    assert "More than 4 people: the first 4 by name are listed here." in first
    # Page 4 of 2-person pages is past the first four people listed: the last listed page answers.
    last = (await organizer_client.get("/participants?page=4")).text
    assert _people_names(last) == ["Orang 002", "Orang 003"] and not _links(last, "next")
    found = (await organizer_client.get("/participants?q=Orang+006")).text
    assert _people_names(found) == ["Orang 006"] and "More than" not in found
    # Under the limit nothing is said.
    monkeypatch.setattr(participants, "PARTICIPANTS_LISTED", 7)
    assert "More than" not in (await organizer_client.get("/participants")).text


async def test_participant_list_pages_keep_the_search(organizer_client):
    await _people(PARTICIPANT_PAGE_SIZE + 5, prefix="Melati")
    await _people(5, prefix="Anggrek")
    first = (await organizer_client.get("/participants?q=melati")).text
    assert len(_people_names(first)) == PARTICIPANT_PAGE_SIZE and "Anggrek" not in first
    assert _links(first, "next") == ["?q=melati&page=2"]
    second = (await organizer_client.get("/participants?q=melati&page=2")).text
    assert _people_names(second) == [f"Melati {n:03d}" for n in range(PARTICIPANT_PAGE_SIZE, PARTICIPANT_PAGE_SIZE + 5)]
    fragment = await organizer_client.get("/participants?q=melati", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and _links(fragment.text, "next") == ["?q=melati&page=2"]


@pytest.mark.parametrize(("asked", "first_name"), [("999", "Orang 050"), ("-1", "Orang 000"), ("abc", "Orang 000")])
async def test_participant_list_out_of_range_page_shows_first_or_last(organizer_client, asked, first_name):
    await _people(PARTICIPANT_PAGE_SIZE + 1)
    response = await organizer_client.get("/participants", params={"page": asked})
    assert response.status_code == 200 and _people_names(response.text)[0] == first_name


async def test_participant_list_pages_a_facilitator_only_over_people_they_may_see(client, facilitator):
    from conftest import sign_in

    await _people(PARTICIPANT_PAGE_SIZE + 2, prefix="Milik", created_by=facilitator.id)
    await _people(30, prefix="Lain")
    await sign_in(client, facilitator.username)
    pages = [(await client.get(f"/participants?page={n}")).text for n in (1, 2)]
    assert "Lain" not in "".join(pages)
    assert len(_people_names(pages[1])) == 2


async def test_participant_list_query_count_does_not_grow_with_the_number_of_people(organizer_client):
    counts = []
    for count in (60, 400):
        await _people(count, prefix=f"P{count}")
        with count_queries() as counter:
            assert (await organizer_client.get("/participants?page=2")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts


# --- the staff dashboard's first sessions, and the whole agenda a page at a time --------------------------------


async def _agenda_sessions(count: int, slug: str) -> list[int]:
    """`count` sessions of one program in the coming week, in time order."""
    from datetime import timedelta

    program = await make_program(slug=slug, title=f"Agenda {slug}")
    return [(await make_session(program, starts_in=timedelta(hours=2 + n))).id for n in range(count)]


def _agenda_ids(html: str) -> list[int]:
    section = html.split('id="agenda"', 1)[1].split("</section>", 1)[0].split("</main>", 1)[0]
    return [int(n) for n in re.findall(r"/sessions/(\d+)", section)]


async def test_dashboard_shows_the_first_sessions_and_links_to_the_rest_of_the_agenda(organizer_client):
    from server.pages.dashboard import AGENDA_PREVIEW

    ids = await _agenda_sessions(AGENDA_PREVIEW, "pas")
    page = (await organizer_client.get("/dashboard")).text
    assert sorted(set(_agenda_ids(page)), key=ids.index) == ids
    assert 'href="/agenda"' not in page  # nothing more this week
    assert 'href="/agenda?range=month"' in page
    from datetime import timedelta

    later = await make_session(await make_program(slug="nanti", title="Nanti"), starts_in=timedelta(days=2))
    page = (await organizer_client.get("/dashboard")).text
    assert set(_agenda_ids(page)) == set(ids) and later.id not in _agenda_ids(page)
    assert 'href="/agenda"' in page


async def test_agenda_pages_in_time_order_and_keeps_the_range(organizer_client):
    from server.pages.dashboard import AGENDA_PAGE

    ids = await _agenda_sessions(AGENDA_PAGE + 3, "ramai")
    first = (await organizer_client.get("/agenda")).text
    assert sorted(set(_agenda_ids(first)), key=ids.index) == ids[:AGENDA_PAGE]
    assert "?agenda_page=2#agenda" in first
    second = (await organizer_client.get("/agenda?range=month&agenda_page=2")).text
    assert sorted(set(_agenda_ids(second)), key=ids.index) == ids[AGENDA_PAGE:]
    assert "?range=month#agenda" in second  # the previous page keeps the month range
    past_the_end = await organizer_client.get("/agenda?agenda_page=999")
    assert past_the_end.status_code == 200
    assert sorted(set(_agenda_ids(past_the_end.text)), key=ids.index) == ids[AGENDA_PAGE:]
    garbled = await organizer_client.get("/agenda?agenda_page=abc&range=nonsense")
    assert garbled.status_code == 200
    assert sorted(set(_agenda_ids(garbled.text)), key=ids.index) == ids[:AGENDA_PAGE]


async def test_dashboard_and_agenda_query_counts_do_not_grow_with_the_agenda(organizer_client):
    from server.pages.dashboard import AGENDA_PAGE

    counts: dict[str, list[int]] = {"/dashboard": [], "/agenda": []}
    for slug, sessions in (("sedikit", 2), ("banyak", 3 * AGENDA_PAGE)):
        await _agenda_sessions(sessions, slug)
        for path, found in counts.items():
            with count_queries() as counter:
                assert (await organizer_client.get(path)).status_code == 200
            found.append(counter["n"])
    assert all(first == second for first, second in counts.values()), counts
