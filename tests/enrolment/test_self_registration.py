"""Self-registration from the public program page, through the HTTP client."""

import re

from conftest import post_form
from enrolment_helpers import make_group, make_person
from litestar.testing import AsyncTestClient

from server.enrolment import services as enrolment
from server.enrolment.tables import Enrolment
from server.people.consent import active_consents
from server.people.links import token_owner
from server.people.tables import Consent, Participant

LINK_RE = re.compile(r"/my/([A-Za-z0-9_\-]{20,})")


def _form(**overrides):
    data = {
        "display_name": "Mawar",
        "phone": "0812 3333 4444",
        "email": "",
        "preferred_locale": "id",
        "consent_participation": "on",
        "consent_data_collection": "on",
        "consent_contact": "on",
    }
    data.update(overrides)
    return data


async def test_public_program_page_links_to_registration(client, db):
    await make_group(slug="kelas-jahit", title="Kelas Jahit")
    page = await client.get("/programs/kelas-jahit")
    assert 'href="/programs/kelas-jahit/register"' in page.text
    await make_group(slug="tutup", enrolment_mode="closed")
    assert "/register" not in (await client.get("/programs/tutup")).text


async def test_registration_page_shows_the_consent_texts_and_explains_pseudonyms(client, db):
    await make_group(slug="kelas-jahit", title="Kelas Jahit")
    page = await client.get("/programs/kelas-jahit/register")
    assert page.status_code == 200
    assert "I choose to take part in this program" in page.text and "I agree to be contacted" in page.text
    assert "nickname or a made-up name" in page.text


async def test_self_registration_enrols_and_shows_the_personal_link(client, db):
    program = await make_group(slug="kelas-jahit", capacity=3)
    response = await post_form(client, "/programs/kelas-jahit/register", _form(consent_contact="on"))
    assert response.status_code == 200
    assert "You have a place in this program." in response.text
    assert response.headers["referrer-policy"] == "no-referrer" and "no-store" in response.headers["cache-control"]
    person = await Participant.select().first().run()
    assert person["created_by"] is None and person["preferred_locale"] == "id"
    token = LINK_RE.search(response.text).group(1)
    assert (await token_owner(token, "participant_page"))["participant"] == person["id"]
    assert {c["source"] for c in await Consent.select().run()} == {"self_registration"}
    assert (await active_consents([person["id"]]))[person["id"]] == {"participation", "data_collection", "contact"}
    row = await Enrolment.select().first().run()
    assert (row["program"], row["status"], row["source"]) == (program.id, "enrolled", "self_registration")


async def test_a_full_program_puts_the_registration_on_the_waitlist_with_its_position(client, organizer):
    program = await make_group(slug="penuh", capacity=1)
    await enrolment.enrol(organizer, program.id, await make_person("Ani"))
    assert "The program is full at the moment" in (await client.get("/programs/penuh/register")).text
    response = await post_form(client, "/programs/penuh/register", _form())
    assert "You are number 1 on the waiting list" in response.text


async def test_an_approval_program_takes_a_request(client, db):
    await make_group(slug="seleksi", enrolment_mode="approval")
    assert "Send my request" in (await client.get("/programs/seleksi/register")).text
    response = await post_form(client, "/programs/seleksi/register", _form())
    assert "Your request was received." in response.text
    assert (await Enrolment.select().first().run())["status"] == "requested"


async def test_registration_errors_answer_400_and_save_nothing(client, db):
    await make_group(slug="kelas")
    cases = [
        (_form(display_name=""), "This field is required."),
        (_form(phone="12"), "Enter a valid phone number"),
        (_form(email="x@"), "Enter a valid e-mail address"),
        (_form(consent_participation=""), "Registration needs this consent."),
        (_form(consent_data_collection=""), "Registration needs this consent."),
        (_form(phone="", email="", consent_contact="on"), "To be contacted, give a phone number or an e-mail address."),
        (_form(display_name="x" * 121), "At most 120 characters."),
    ]
    for data, message in cases:
        response = await post_form(client, "/programs/kelas/register", data)
        assert response.status_code == 400, message
        assert message in response.text
    assert (
        await Participant.count().run() == 0 and await Consent.count().run() == 0 and await Enrolment.count().run() == 0
    )


async def test_registration_without_any_contact_is_allowed(client, db):
    await make_group(slug="kelas")
    response = await post_form(client, "/programs/kelas/register", _form(phone="", email="", consent_contact=""))
    assert response.status_code == 200 and LINK_RE.search(response.text)


async def test_duplicate_submission_creates_one_participant(client, app):
    await make_group(slug="kelas", capacity=5)
    first = await post_form(client, "/programs/kelas/register", _form())
    again = await post_form(client, "/programs/kelas/register", _form())
    assert again.status_code == 200
    # Only the hash of the link is kept, so the same browser gets a new link and the first one stops working.
    old, new = LINK_RE.search(first.text).group(1), LINK_RE.search(again.text).group(1)
    assert old != new and (await client.get(f"/my/{new}")).status_code == 200
    assert (await client.get(f"/my/{old}")).status_code == 404
    assert await Participant.count().run() == 1 and await Enrolment.count().run() == 1
    # The same phone from another browser saves nothing and does not hand out the person's link.
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as stranger:
        other = await post_form(
            stranger, "/programs/kelas/register", _form(display_name="Orang Lain", phone="+62 812-3333-4444")
        )
    assert other.status_code == 200 and "You are already registered" in other.text
    assert not LINK_RE.search(other.text)
    assert await Participant.count().run() == 1 and await Enrolment.count().run() == 1


async def test_same_browser_registering_someone_else_gets_their_own_registration(client, db):
    await make_group(slug="kelas", capacity=5)
    first = await post_form(client, "/programs/kelas/register", _form(phone="", email="", consent_contact=""))
    second = await post_form(
        client, "/programs/kelas/register", _form(display_name="Melati", phone="", email="", consent_contact="")
    )
    assert LINK_RE.search(first.text).group(1) != LINK_RE.search(second.text).group(1)
    assert await Participant.count().run() == 2


async def test_closed_registration_is_refused_and_saves_nothing(client, db):
    await make_group(slug="tutup", enrolment_mode="closed")
    await make_group(slug="selesai", phase="closed")
    for slug in ("tutup", "selesai"):
        page = await client.get(f"/programs/{slug}/register")
        assert page.status_code == 409 and "Registration for this program is closed." in page.text
        response = await post_form(client, f"/programs/{slug}/register", _form())
        assert response.status_code == 409
    assert await Participant.count().run() == 0 and await Enrolment.count().run() == 0


async def test_private_and_archived_programs_have_no_registration_page(client, db):
    await make_group(slug="pribadi", visibility="private")
    await make_group(slug="arsip", archived=True)
    for slug in ("pribadi", "arsip", "tidak-ada"):
        assert (await client.get(f"/programs/{slug}/register")).status_code == 404
        assert (await post_form(client, f"/programs/{slug}/register", _form())).status_code == 404
    assert await Participant.count().run() == 0


async def test_unlisted_programs_take_registrations(client, db):
    await make_group(slug="tautan", visibility="unlisted")
    assert (await post_form(client, "/programs/tautan/register", _form())).status_code == 200


async def test_a_discreet_programs_real_title_never_reaches_the_registration_pages(client, db):
    await make_group(
        slug="kamis",
        title="Kelompok Dukungan Korban KDRT",
        discreet=True,
        public_title="Kelompok Kamis",
        description="Untuk penyintas kekerasan",
        summary="Pendampingan penyintas",
    )
    pages = [await client.get("/programs/kamis/register")]
    pages.append(await post_form(client, "/programs/kamis/register", _form(display_name="")))
    pages.append(await post_form(client, "/programs/kamis/register", _form()))
    for page in pages:
        assert "Kelompok Kamis" in page.text
        for secret in ("KDRT", "Korban", "penyintas"):
            assert secret not in page.text
