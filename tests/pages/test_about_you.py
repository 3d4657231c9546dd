"""The "about you" forms: the person's own behind their link and the staff form, with and without consent."""

from conftest import post_form

from server.people.links import reissue_personal_links

WG = {f"wg_{q}": "1" for q in ("seeing", "hearing", "walking", "remembering", "self_care", "communicating")}


async def _person(consent: bool) -> tuple[int, str]:
    from server.people.tables import Consent, Participant

    person = Participant(display_name="Sari", preferred_locale="en")
    await person.save().run()
    if consent:
        await Consent(participant=person.id, purpose="data_collection", text_version="2026-11").save().run()
    return person.id, await reissue_personal_links(None, person.id)


async def _row(pid: int) -> dict:
    from server.people.tables import Participant

    return await Participant.select().where(Participant.id == pid).first().run()


async def test_the_person_answers_about_themself_with_consent(client, db):
    pid, token = await _person(consent=True)
    page = await client.get(f"/my/{token}")
    assert f"/my/{token}/about" in page.text
    form = await client.get(f"/my/{token}/about")
    assert form.status_code == 200 and 'name="birth_year"' in form.text
    response = await post_form(
        client, f"/my/{token}/about", {"gender": "female", "birth_year": "1990", "area": "Cilandak", **WG}
    )
    assert response.status_code == 303
    row = await _row(pid)
    assert (row["gender"], row["birth_year"], row["disability"], row["area"]) == ("female", 1990, "111111", "Cilandak")


async def test_without_consent_the_form_says_why_and_nothing_is_stored(client, db):
    pid, token = await _person(consent=False)
    page = await client.get(f"/my/{token}")
    assert f"/my/{token}/about" not in page.text
    form = await client.get(f"/my/{token}/about")
    assert 'name="birth_year"' not in form.text
    assert "consent to recording your information" in form.text
    response = await post_form(client, f"/my/{token}/about", {"gender": "female", "birth_year": "1990"})
    assert response.status_code == 409
    assert "Nothing is stored" in response.text
    assert (await _row(pid))["gender"] == ""


async def test_a_year_of_birth_out_of_range_is_refused_next_to_the_field(client, db):
    pid, token = await _person(consent=True)
    for bad in ("1899", "3000", "19x0"):
        response = await post_form(client, f"/my/{token}/about", {"gender": "male", "birth_year": bad})
        assert response.status_code == 400, bad
        assert 'id="f-birth_year-error"' in response.text
    response = await post_form(client, f"/my/{token}/about", {"gender": "robot", "wg_seeing": "3"})
    assert response.status_code == 400
    assert 'id="f-gender-error"' in response.text
    assert (await _row(pid))["gender"] == ""


async def test_the_indonesian_form_speaks_indonesian(client, db):
    from server.people.tables import Participant

    pid, token = await _person(consent=True)
    await Participant.update({Participant.preferred_locale: "id"}).where(Participant.id == pid).run()
    response = await post_form(client, f"/my/{token}/about", {"birth_year": "1800"})
    assert response.status_code == 400
    assert "Enter a year of birth" not in response.text


async def test_a_dead_link_is_a_plain_404(client, db):
    assert (await client.get("/my/" + "x" * 43 + "/about")).status_code == 404


async def test_staff_record_the_answers_under_consent(admin_client, db):
    pid, _ = await _person(consent=True)
    assert (await admin_client.get(f"/participants/{pid}/about")).status_code == 200
    response = await post_form(admin_client, f"/participants/{pid}/about", {"gender": "unsaid", "birth_year": "2010"})
    assert response.status_code == 303
    assert (await _row(pid))["birth_year"] == 2010
    bad = await post_form(admin_client, f"/participants/{pid}/about", {"birth_year": "1800"})
    assert bad.status_code == 400 and 'id="f-birth_year-error"' in bad.text
    assert (await _row(pid))["birth_year"] == 2010


async def test_staff_cannot_store_answers_without_consent(admin_client, db):
    pid, _ = await _person(consent=False)
    page = await admin_client.get(f"/participants/{pid}/about")
    assert 'name="birth_year"' not in page.text
    response = await post_form(admin_client, f"/participants/{pid}/about", {"gender": "female"})
    assert response.status_code == 409
    assert (await _row(pid))["gender"] == ""
