"""Hostile text on the program form: a line break in a title would break every calendar feed, so it is refused."""

import pytest
from conftest import post_form
from test_program_pages import _form


@pytest.mark.parametrize("title", ["Kelas\r\nMenjahit", "Kelas\nMenjahit", "Kelas\x00Menjahit", "Kelas\tMenjahit"])
async def test_program_title_with_control_characters_is_a_field_error_and_saves_nothing(organizer_client, title):
    from server.programs.tables import Program

    response = await post_form(organizer_client, "/manage/programs/new", _form(title=title))
    assert response.status_code == 400
    assert "Use a single line without tabs or invisible control characters." in response.text
    assert await Program.count().run() == 0


async def test_program_description_keeps_its_line_breaks(organizer_client):
    from server.programs.tables import Program

    response = await post_form(organizer_client, "/manage/programs/new", _form(description="Baris satu.\r\nBaris dua."))
    assert response.status_code == 303
    assert "Baris dua." in (await Program.select(Program.description).first().run())["description"]


async def test_team_member_with_an_impossible_staff_id_is_a_field_error(organizer_client):
    from factories import make_program

    from server.programs.tables import TeamMember

    await make_program(slug="kelas")
    before = await TeamMember.count().run()
    for bad in ("\x00", "99999999999999999999", "-1"):
        response = await post_form(organizer_client, "/manage/programs/kelas/team", {"staff_id": bad, "role": "lead"})
        assert response.status_code == 400
        assert "Choose one of the options." in response.text
    assert await TeamMember.count().run() == before
