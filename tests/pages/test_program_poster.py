"""The printable A4 poster of a public program: the organisation, the title the public may read (neutral for a
discreet program), the next sessions as the privacy policy allows on paper, and a QR code of the program's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_program, make_session

from server.organisation import services as organisation
from server.web import qr


@pytest.fixture
def qr_texts(monkeypatch) -> list[str]:
    """Every text a QR code was drawn for on this test's pages."""
    drawn: list[str] = []
    real_make = qr.segno.make

    def spy(content, *args, **kwargs):
        drawn.append(content)
        return real_make(content, *args, **kwargs)

    monkeypatch.setattr(qr.segno, "make", spy)
    return drawn


async def test_discreet_program_poster_has_its_neutral_title_and_a_qr_code_of_its_page(client, qr_texts):
    program = await make_program(
        slug="kamis", title="Kelompok Dukungan ODHIV", public_title="Kelompok Kamis", discreet=True
    )
    await make_session(program, starts_in=timedelta(days=3), topic="Berbagi cerita")
    poster = await client.get("/programs/kamis/poster")
    assert poster.status_code == 200
    assert "Kelompok Kamis" in poster.text
    assert "ODHIV" not in poster.text
    assert '<svg role="img"' in poster.text and 'class="qr-code"' in poster.text
    assert qr_texts == ["http://127.0.0.1:8000/programs/kamis"]
    assert "Berbagi cerita" in poster.text
    assert "/static/poster." in poster.text  # fingerprinted: /static/poster.<hash>.css


async def test_poster_lists_sessions_with_the_place_only_where_the_policy_allows_it_on_paper(client):
    open_program = await make_program(slug="batik", title="Kelas Batik", default_location="Balai RW 05")
    await make_session(open_program, location="Balai RW 05, Ruang 2")
    members_only = await make_program(slug="ibu", title="Kelompok Ibu", place_members_only=True)
    await make_session(members_only, location="Rumah Bu Sari, Gang Melati 4")
    assert "Balai RW 05, Ruang 2" in (await client.get("/programs/batik/poster")).text
    page = (await client.get("/programs/ibu/poster")).text
    assert "Kelompok Ibu" in page and "Gang Melati" not in page


async def test_poster_carries_the_organisation_name_and_contact(client, admin):
    await make_program(slug="batik", title="Kelas Batik")
    await organisation.save_organisation(admin, {"name": "Yayasan Sehat Bersama", "phone": "+62 21 555 0101"})
    page = (await client.get("/programs/batik/poster")).text
    assert "Yayasan Sehat Bersama" in page.split('class="poster"', 1)[1]
    assert "+62 21 555 0101" in page


async def test_no_poster_for_private_or_unknown_programs(client):
    await make_program(slug="internal", title="Rapat Staf", visibility="private")
    assert (await client.get("/programs/internal/poster")).status_code == 404
    assert (await client.get("/programs/tidak-ada/poster")).status_code == 404


async def test_staff_overview_links_to_the_poster(organizer_client):
    await make_program(slug="batik", title="Kelas Batik")
    page = await organizer_client.get("/manage/programs/batik")
    assert 'href="/programs/batik/poster"' in page.text
