"""Hostile input on the session and series forms: bad ids and control characters are field errors, never a 500."""

from datetime import date, timedelta

import pytest
from conftest import post_form
from schedule_helpers import program_row, sessions_of

from server.schedule.tables import ProgramSession

NEXT_YEAR = date.today().year + 1
SESSION = {
    "date": f"{NEXT_YEAR}-03-05",
    "start_time": "19:00",
    "end_time": "20:30",
    "topic": "Pola dasar",
    "location": "Balai RW 05",
}
SERIES = {**SESSION, "frequency": "weekly", "weekdays": ["TH"], "interval": "1", "count": "3"}
BAD_IDS = ["\x00", "99999999999999999999", "-3", "0", "2147483648", "١٢"]


@pytest.fixture
async def workshop(db):
    from factories import make_program

    program = await make_program(slug="menjahit", title="Kelas Menjahit", timezone="Asia/Jakarta")
    return await program_row(program)


def url(program, rest=""):
    return f"/manage/programs/{program['slug']}{rest}"


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_facilitator_ids_out_of_range_are_a_field_error_on_the_session_form(organizer_client, workshop, bad):
    response = await post_form(organizer_client, url(workshop, "/sessions"), {**SESSION, "facilitators": bad})
    assert response.status_code == 400
    assert "Choose one of the options." in response.text
    assert await ProgramSession.count().run() == 0


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_facilitator_ids_out_of_range_are_a_field_error_on_the_series_form(organizer_client, workshop, bad):
    response = await post_form(organizer_client, url(workshop, "/series"), {**SERIES, "facilitators": bad})
    assert response.status_code == 400
    assert "Choose one of the options." in response.text
    assert await ProgramSession.count().run() == 0


@pytest.mark.parametrize("bad", ["\x00", "99999999999999999999"])
async def test_facilitator_ids_out_of_range_are_a_field_error_on_the_edit_form(organizer_client, workshop, bad):
    from types import SimpleNamespace

    from factories import make_session

    session = await make_session(SimpleNamespace(id=workshop["id"]), starts_in=timedelta(days=30), topic="Lama")
    data = {**SESSION, "scope": "one", "topic": "Baru", "facilitators": bad}
    response = await post_form(organizer_client, url(workshop, f"/sessions/{session.id}"), data)
    assert response.status_code == 400
    assert "Choose one of the options." in response.text
    assert [row["topic"] for row in await sessions_of(workshop["id"])] == ["Lama"]


async def test_a_facilitator_ticked_twice_counts_once(organizer_client, organizer, workshop):
    from schedule_helpers import join_team

    await join_team(workshop, organizer)
    response = await post_form(
        organizer_client,
        url(workshop, "/sessions"),
        {**SESSION, "facilitators": [str(organizer.id), str(organizer.id)]},
    )
    assert response.status_code == 303
    assert len(await sessions_of(workshop["id"])) == 1


@pytest.mark.parametrize(
    "link",
    [
        "https://meet.example.org/abc\r\nX-Evil: 1",
        "https://meet.example.org/a\nb",
        "https://meet.example.org/a b",
        "https://meet.example.org/a\x0bb",
    ],
)
async def test_online_link_with_line_breaks_or_spaces_is_refused(organizer_client, workshop, link):
    response = await post_form(organizer_client, url(workshop, "/sessions"), {**SESSION, "online_link": link})
    assert response.status_code == 400
    assert (
        "Use a single line without tabs or invisible control characters." in response.text
        or "Enter a web address starting with https://." in response.text
    )
    assert await ProgramSession.count().run() == 0


async def test_topic_with_a_line_break_is_refused_on_the_series_form(organizer_client, workshop):
    response = await post_form(
        organizer_client, url(workshop, "/series"), {**SERIES, "topic": "Pola\r\nDTSTART:20300101"}
    )
    assert response.status_code == 400
    assert "Use a single line without tabs or invisible control characters." in response.text
    assert await ProgramSession.count().run() == 0


@pytest.mark.parametrize("session_id", ["99999999999999999999", "2147483648", "0"])
async def test_session_ids_out_of_range_in_the_path_are_a_plain_404(organizer_client, workshop, session_id):
    response = await organizer_client.get(url(workshop, f"/sessions/{session_id}"))
    assert response.status_code == 404
    assert "Page not found" in response.text
    response = await post_form(organizer_client, url(workshop, f"/sessions/{session_id}/cancel"), {"reason": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["99999999999999999999.ics", "²³.ics", "0.ics"])
async def test_single_session_download_with_an_impossible_id_is_a_plain_404(client, db, name):
    response = await client.get(f"/sessions/{name}")
    assert response.status_code == 404
