"""Click-to-chat on the staff participant page: a wa.me link to the E.164 number with an encoded message, only for
a viewer who may see the phone and only while the person consents to be contacted; no program name in it."""

import re
from html import unescape
from urllib.parse import unquote

from conftest import post_form, sign_in
from factories import make_program, make_staff

from server.enrolment.services import enrol
from server.people.chat import chat_link
from server.people.participants import create_participant
from server.people.tables import Consent
from server.web.logs import redact

WA_RE = re.compile(r'href="(https://wa\.me/[^"]+)"')


def _chat_url(html: str) -> str:
    found = WA_RE.search(html)
    assert found, "no WhatsApp link on the page"
    return unescape(found.group(1))


async def _person(actor, **values):
    values = {"display_name": "Bunga", "phone": "0812 3456 7890", "preferred_locale": "id", **values}
    return await create_participant(actor, values, ["participation", "contact"])


async def test_team_sees_a_whatsapp_link_to_the_e164_number_with_a_greeting_in_the_persons_language(
    organizer_client, organizer
):
    pid = await _person(organizer, phone="+62 812-3456-7890")
    page = await organizer_client.get(f"/participants/{pid}")
    assert page.status_code == 200 and "+62 812-3456-7890" in page.text  # shown as typed
    url = _chat_url(page.text)
    assert url == "https://wa.me/6281234567890?text=Halo%20Bunga%2C"


async def test_a_new_personal_link_can_be_sent_on_whatsapp_and_no_program_is_named(organizer_client, organizer):
    program = await make_program(
        title="Kelompok Dukungan Korban Kekerasan", discreet=True, public_title="Pertemuan Rabu"
    )
    pid = await _person(organizer)
    await enrol(organizer, program.id, pid)
    made = await post_form(organizer_client, f"/participants/{pid}/link")
    assert made.status_code == 200 and "Send this link on WhatsApp" in made.text
    url = _chat_url(made.text)
    token = re.search(r"/my/([\w-]{43})", made.text).group(1)
    assert url.startswith("https://wa.me/6281234567890?text=")
    assert "%2Fmy%2F" + token in url  # the link travels encoded, not as a second query parameter
    text = unquote(url.split("?text=", 1)[1])
    assert text.startswith("Halo Bunga") and text.endswith("/my/" + token)
    for word in ("Kelompok", "Dukungan", "Korban", "Kekerasan", "Pertemuan", "Rabu"):
        assert word not in text
    assert token not in redact(url)  # were the address ever logged, the token would not be


async def test_no_link_without_consent_to_be_contacted(organizer_client, organizer):
    pid = await _person(organizer)
    # A number kept from before consent was withdrawn (withdrawing through the pages also erases it).
    await Consent.update({Consent.withdrawn_at: Consent.given_at}).where(Consent.participant == pid).run()
    page = await organizer_client.get(f"/participants/{pid}")
    assert "0812 3456 7890" in page.text and "wa.me" not in page.text
    assert "No WhatsApp link: the person has not consented to be contacted." in page.text


async def test_no_link_for_a_viewer_who_may_not_see_contact_details(client, organizer):
    admin = await make_staff(role="admin")
    pid = await _person(admin)
    await sign_in(client, organizer.username)  # an organizer, not on any team of this person
    page = await client.get(f"/participants/{pid}")
    assert page.status_code == 200 and "wa.me" not in page.text and "0812 3456 7890" not in page.text


def test_a_number_whatsapp_cannot_reach_gets_a_note_instead_of_a_link():
    person = {"display_name": "Bunga", "phone": "0812 34", "preferred_locale": "en"}
    chat = chat_link(person, may_see_contact=True, consents_to_contact=True)
    assert chat.url == "" and "not a phone number WhatsApp can reach" in chat.note
    assert chat_link(person, may_see_contact=False, consents_to_contact=True).note == ""
