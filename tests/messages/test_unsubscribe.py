"""One-click unsubscribe (RFC 8058): the signed link withdraws consent to be contacted, with no sign-in."""

from __future__ import annotations

from mail_fixtures import person  # noqa: F401  (fixtures)

from server.messages.unsubscribe import PATH, unsubscribe_token
from server.people.consent import active_consents
from server.people.participants import get_participant


async def test_one_click_post_withdraws_consent_to_be_contacted_without_signing_in(person, client):
    # What a mail client sends: a POST with List-Unsubscribe=One-Click, no cookie, no CSRF token.
    response = await client.post(PATH + unsubscribe_token(person), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "contact" not in (await active_consents([person]))[person]
    assert (await get_participant(person))["email"] == ""


async def test_opening_the_link_asks_before_withdrawing(person, client):
    response = await client.get(PATH + unsubscribe_token(person))
    assert response.status_code == 200 and "<form" in response.text
    assert "contact" in (await active_consents([person]))[person]


async def test_a_forged_unsubscribe_link_is_a_plain_404(person, client):
    forged = f"{person}.{'0' * 32}"
    assert (await client.post(PATH + forged)).status_code == 404
    assert (await client.get(PATH + forged)).status_code == 404
    assert "contact" in (await active_consents([person]))[person]


async def test_an_unsubscribe_link_edited_to_another_person_withdraws_nothing_and_tells_nothing(person, client):
    from server.people.participants import create_participant

    values = {"display_name": "Budi", "email": "budi@example.org", "preferred_locale": "id"}
    other = await create_participant(None, values, ["participation", "data_collection", "contact"])
    signature = unsubscribe_token(person).split(".", 1)[1]
    edited = f"{other}.{signature}"
    nobody = f"{other + 1000}.{signature}"  # nobody has this id: the same answer, so ids cannot be probed
    answers = [await client.post(PATH + token) for token in (edited, nobody)]
    answers += [await client.get(PATH + token) for token in (edited, nobody)]
    assert {answer.status_code for answer in answers} == {404}
    consents = await active_consents([person, other])
    assert "contact" in consents[person] and "contact" in consents[other]
