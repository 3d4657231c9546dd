"""Phone and e-mail are kept only with consent to be contacted; withdrawing that consent removes them."""

from conftest import post_form
from factories import make_program

from server.people.consent import active_consents
from server.people.links import reissue_personal_links
from server.people.participants import create_participant
from server.people.tables import Consent, Participant

REFUSAL = "kept only with consent to be contacted"


def _staff_form(**overrides):
    data = {
        "display_name": "Bunga",
        "phone": "0813 2222 3333",
        "email": "bunga@example.id",
        "preferred_locale": "id",
        "consent_participation": "on",
    }
    data.update(overrides)
    return data


async def test_staff_cannot_store_contact_details_without_contact_consent(organizer_client):
    response = await post_form(organizer_client, "/participants/new", _staff_form(), htmx=True)
    assert response.status_code == 400 and REFUSAL in response.text
    assert await Participant.count().run() == 0 and await Consent.count().run() == 0
    response = await post_form(organizer_client, "/participants/new", _staff_form(phone="", email=""))
    assert response.status_code == 303
    row = await Participant.select().first().run()
    assert row["phone"] == row["email"] == row["phone_digits"] == ""


async def test_editing_refuses_contact_details_without_contact_consent(organizer_client):
    created = await post_form(organizer_client, "/participants/new", _staff_form(phone="", email=""))
    url = created.headers["location"]
    edit = {"display_name": "Bunga", "phone": "0813 2222 3333", "email": "", "preferred_locale": "id"}
    response = await post_form(organizer_client, f"{url}/edit", edit)
    assert response.status_code == 400 and REFUSAL in response.text
    assert (await Participant.select(Participant.phone).first().run())["phone"] == ""


async def test_self_registration_refuses_a_phone_without_contact_consent(client, db):
    await make_program(slug="kelas", enrolment_mode="open", capacity=5)
    form = {
        "display_name": "Mawar",
        "phone": "0812 3333 4444",
        "email": "",
        "preferred_locale": "id",
        "consent_participation": "on",
        "consent_data_collection": "on",
    }
    response = await post_form(client, "/programs/kelas/register", form)
    assert response.status_code == 400 and REFUSAL in response.text
    assert await Participant.count().run() == 0


async def test_the_registration_form_says_which_consent_keeps_a_phone_or_email(client, db):
    await make_program(slug="kelas", enrolment_mode="open", capacity=5)
    page = await client.get("/programs/kelas/register")
    assert "give at least one and tick “Being contacted” below" in page.text
    client.cookies.set("gotong_lang", "id")
    page = await client.get("/programs/kelas/register")
    assert "isi minimal salah satunya dan centang “Dihubungi” di bawah" in page.text


async def test_a_visitor_refused_for_a_phone_without_contact_consent_reads_it_all_in_indonesian(client, db):
    await make_program(slug="kelas", enrolment_mode="open", capacity=5)
    client.cookies.set("gotong_lang", "id")
    form = {
        "display_name": "Mawar",
        "phone": "0812 3333 4444",
        "email": "",
        "preferred_locale": "id",
        "consent_participation": "on",
        "consent_data_collection": "on",
    }
    response = await post_form(client, "/programs/kelas/register", form)
    assert response.status_code == 400
    assert "Mohon perbaiki kolom yang ditandai." in response.text  # the summary above the form, from the shared macros
    assert "hanya disimpan dengan persetujuan untuk dihubungi" in response.text
    assert "Please correct" not in response.text and REFUSAL not in response.text


async def test_withdrawing_contact_consent_asks_first_then_removes_phone_and_email(organizer_client):
    created = await post_form(organizer_client, "/participants/new", _staff_form(consent_contact="on"))
    url = created.headers["location"]
    pid = int(url.rsplit("/", 1)[1])
    asked = await post_form(organizer_client, f"{url}/consent", {"purpose": "contact", "action": "withdraw"})
    assert asked.status_code == 200 and "This removes the phone number and e-mail address" in asked.text
    row = await Participant.select().where(Participant.id == pid).first().run()
    assert row["phone"] == "0813 2222 3333" and "contact" in (await active_consents([pid]))[pid]
    done = await post_form(
        organizer_client, f"{url}/consent", {"purpose": "contact", "action": "withdraw", "confirm": "yes"}
    )
    assert done.status_code == 303
    row = await Participant.select().where(Participant.id == pid).first().run()
    assert row["phone"] == row["phone_digits"] == row["email"] == ""
    page = await organizer_client.get(url)
    assert "0813 2222 3333" not in page.text and "bunga@example.id" not in page.text


async def test_withdrawing_contact_consent_on_the_personal_page_removes_phone_and_email(client, db):
    pid = await create_participant(
        None,
        {"display_name": "Ayu", "phone": "0812 9999 0000", "email": "ayu@example.id", "preferred_locale": "en"},
        ["participation", "contact"],
    )
    token = await reissue_personal_links(None, pid)
    page = await client.get(f"/my/{token}")
    assert "your phone number and e-mail address are removed" in page.text
    unconfirmed = await post_form(client, f"/my/{token}/consents/contact/withdraw")
    assert unconfirmed.status_code == 400
    assert (await Participant.select(Participant.phone).first().run())["phone"] == "0812 9999 0000"
    done = await post_form(client, f"/my/{token}/consents/contact/withdraw", {"confirm": "yes"})
    assert done.status_code == 303
    row = await Participant.select().where(Participant.id == pid).first().run()
    assert row["phone"] == row["phone_digits"] == row["email"] == ""
