"""Hostile text on the participant form: names are one line; notes keep their line breaks."""

from conftest import post_form
from test_participant_pages import _form


async def test_participant_name_with_a_line_break_is_a_field_error_and_saves_nothing(organizer_client):
    from server.people.tables import Participant

    response = await post_form(organizer_client, "/participants/new", _form(display_name="Bunga\nLestari"))
    assert response.status_code == 400
    assert "Use a single line without tabs or invisible control characters." in response.text
    assert await Participant.count().run() == 0


async def test_participant_notes_keep_line_breaks_but_not_nul(organizer_client):
    from server.people.tables import Participant

    response = await post_form(organizer_client, "/participants/new", _form(notes="Satu\x00dua"))
    assert response.status_code == 400
    assert "Remove the invisible control characters from this text." in response.text
    assert await Participant.count().run() == 0
    response = await post_form(organizer_client, "/participants/new", _form(notes="Satu\r\nDua"))
    assert response.status_code == 303
