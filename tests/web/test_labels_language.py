"""Names of stored codes (`| label`) are translated when a page is shown, in that request's language, even when a
template spells the code as a constant."""

from factories import make_program

from server.people.consent import withdraw_consent
from server.people.participants import create_participant


async def _in(client, language: str, url: str) -> str:
    client.cookies.set("gotong_lang", language)
    page = await client.get(url)
    assert page.status_code == 200
    return page.text


async def test_export_kinds_are_named_in_the_language_of_each_request(organizer_client):
    # The first request compiles the template in Indonesian; the English page must not keep those words.
    indonesian = await _in(organizer_client, "id", "/reports/exports")
    english = await _in(organizer_client, "en", "/reports/exports")
    assert "<dt>Sesi</dt>" in indonesian and "<dt>Kehadiran</dt>" in indonesian
    assert "<dt>Sessions</dt>" in english and "<dt>Attendance</dt>" in english
    assert "<dt>Sesi</dt>" not in english
    indonesian_again = await _in(organizer_client, "id", "/reports/exports")
    assert "<dt>Sesi</dt>" in indonesian_again


async def test_withdrawn_participation_is_named_in_the_language_of_each_request(organizer_client, organizer):
    program = await make_program()
    details = {"display_name": "Dewi", "phone": "", "email": "", "preferred_locale": "id"}
    person = await create_participant(organizer, details, ["participation"])
    await withdraw_consent(person, "participation", actor=organizer)
    url = f"/manage/programs/{program.slug}/participants?q=Dewi"
    indonesian = await _in(organizer_client, "id", url)
    english = await _in(organizer_client, "en", url)
    assert "Keikutsertaan" in indonesian
    assert "Consent withdrawn: Taking part" in english and "Keikutsertaan" not in english
