"""Participant pages through the client: registering, duplicates, confidentiality, consent, erasure, audit."""

import re

from conftest import post_form, sign_in
from factories import make_staff

from server.people.consent import active_consents
from server.people.links import reissue_personal_links, token_owner
from server.people.participants import create_participant


def _form(**overrides):
    data = {
        "display_name": "Bunga",
        "phone": "0813 2222 3333",
        "email": "bunga@example.id",
        "preferred_locale": "id",
        "consent_participation": "on",
        "consent_contact": "on",
    }
    data.update(overrides)
    return data


async def test_register_participant_with_consents(organizer_client):
    response = await post_form(organizer_client, "/participants/new", _form())
    assert response.status_code == 303
    page = await organizer_client.get(response.headers["location"])
    assert page.status_code == 200
    assert "Bunga" in page.text and "0813 2222 3333" in page.text
    assert "/my/" not in page.text and "has no working personal link" in page.text  # made when sent, shown once


async def test_bad_participant_input_saves_nothing(organizer_client):
    from server.people.tables import Participant

    response = await post_form(
        organizer_client,
        "/participants/new",
        _form(display_name="", phone="call me", email="nope", preferred_locale="fr"),
    )
    assert response.status_code == 400
    for message in (
        "This field is required.",
        "Enter a valid phone number",
        "Enter a valid e-mail address",
        "Choose one of the options.",
    ):
        assert message in response.text
    assert await Participant.count().run() == 0


async def test_duplicate_is_flagged_and_needs_confirmation(organizer_client):
    await post_form(organizer_client, "/participants/new", _form())
    response = await post_form(organizer_client, "/participants/new", _form(display_name="Bunga Lestari"))
    assert response.status_code == 400
    assert "Possible duplicates" in response.text and "same phone or e-mail" in response.text
    response = await post_form(
        organizer_client, "/participants/new", _form(display_name="Bunga Lestari", confirm_not_duplicate="on")
    )
    assert response.status_code == 303


async def test_facilitator_cannot_see_people_outside_their_programs(client, organizer, facilitator):
    pid = await create_participant(organizer, {"display_name": "Rahasia", "phone": "0811 0000 1111"}, ["contact"])
    await sign_in(client, facilitator.username)
    response = await client.get(f"/participants/{pid}")
    assert response.status_code == 404 and "0811 0000 1111" not in response.text
    listing = await client.get("/participants")
    assert "Rahasia" not in listing.text


async def test_organizer_outside_the_team_sees_the_name_but_not_contact(client, organizer):
    admin = await make_staff(role="admin")
    pid = await create_participant(
        admin, {"display_name": "Tono", "phone": "0811 2222 9999", "notes": "riwayat kekerasan"}, ["contact"]
    )
    await sign_in(client, organizer.username)
    page = await client.get(f"/participants/{pid}")
    assert page.status_code == 200 and "Tono" in page.text
    assert "0811 2222 9999" not in page.text and "riwayat kekerasan" not in page.text
    response = await client.get(f"/participants/{pid}/edit")
    assert response.status_code == 403


async def test_consent_withdrawal_is_shown_on_the_persons_page(organizer_client):
    response = await post_form(organizer_client, "/participants/new", _form())
    url = response.headers["location"]
    pid = int(url.rsplit("/", 1)[1])
    await post_form(organizer_client, f"{url}/consent", {"purpose": "contact", "action": "withdraw", "confirm": "yes"})
    page = await organizer_client.get(url)
    assert "No contact consent: do not contact this person." in page.text
    assert (await active_consents([pid]))[pid] == {"participation"}


async def test_admin_erases_after_typing_the_name(client, db):
    admin = await make_staff(role="admin", username="root2")
    pid = await create_participant(admin, {"display_name": "Lina", "phone": "0812 4444 5555"}, ["contact"])
    await sign_in(client, "root2")
    response = await post_form(client, f"/participants/{pid}/erase", {"confirm_name": "lina"}, htmx=True)
    assert response.status_code == 400 and "Type the display name exactly" in response.text
    response = await post_form(client, f"/participants/{pid}/erase", {"confirm_name": "Lina"})
    assert response.status_code == 303
    page = await client.get(f"/participants/{pid}")
    assert "0812 4444 5555" not in page.text and "Lina" not in page.text


async def test_non_admin_cannot_erase_or_read_the_audit_log(organizer_client):
    response = await post_form(organizer_client, "/participants/new", _form())
    url = response.headers["location"]
    assert (await post_form(organizer_client, f"{url}/erase", {"confirm_name": "Bunga"})).status_code == 403
    assert (await organizer_client.get("/admin/audit")).status_code == 403


async def test_audit_log_lists_views_and_filters(client, db):
    admin = await make_staff(role="admin", username="root3")
    pid = await create_participant(admin, {"display_name": "Yanti"})
    await sign_in(client, "root3")
    await client.get(f"/participants/{pid}")
    page = await client.get(f"/admin/audit?action=view&subject_id={pid}")
    assert page.status_code == 200 and "viewed confidential details" in page.text
    assert "participant created" not in page.text
    assert (await client.get("/admin/audit?subject_id=abc")).status_code == 200


async def test_reissuing_the_personal_link_changes_it(organizer_client):
    response = await post_form(organizer_client, "/participants/new", _form())
    url = response.headers["location"]
    pid = int(url.rsplit("/", 1)[1])
    old = await reissue_personal_links(None, pid)
    made = await post_form(organizer_client, f"{url}/link")
    assert made.status_code == 200 and "no-store" in made.headers["cache-control"]
    assert "it is shown only this once" in made.text
    new = re.search(r"/my/([\w-]{43})", made.text).group(1)
    assert new != old and (await token_owner(new, "participant_page"))["participant"] == pid
    assert await token_owner(old, "participant_page") is None
    assert new not in (await organizer_client.get(url)).text  # shown once only: just its hash is kept
