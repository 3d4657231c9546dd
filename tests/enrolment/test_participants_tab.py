"""The staff participants tab through the HTTP client: lists, consent flags, enrolling, actions, links, permissions."""

import re

from conftest import post_form, sign_in
from enrolment_helpers import join_team, make_group, make_person, personal_token, statuses
from factories import make_staff
from querycount import count_queries

from server.enrolment import registration as registrations
from server.enrolment import services as enrolment
from server.enrolment.tables import Enrolment
from server.people.consent import active_consents, withdraw_consent
from server.people.links import live_personal_links, token_owner
from server.people.tables import AccessToken, Consent, Participant


def _url(program, tail: str = "") -> str:
    return f"/manage/programs/{program.slug}/participants{tail}"


def _new_person(**overrides):
    data = {
        "display_name": "Sri Lestari",
        "legal_name": "",
        "phone": "0813 5555 6666",
        "email": "",
        "preferred_locale": "id",
        "consent_participation": "on",
        "consent_data_collection": "on",
        "consent_contact": "on",
    }
    data.update(overrides)
    return data


async def test_tab_lists_people_by_status_with_waitlist_positions(organizer_client, organizer):
    program = await make_group(capacity=1, title="Kelas Batik")
    for name in ("Ani", "Budi", "Citra"):
        await enrolment.enrol(organizer, program.id, await make_person(name))
    page = await organizer_client.get(_url(program))
    assert page.status_code == 200
    text = page.text
    assert text.index("Ani") < text.index("Budi") < text.index("Citra")
    assert "Waitlisted" in text and "No. 1" in text and "No. 2" in text
    assert 'aria-current="page"' in text and "0 of 1 places free" in text


async def test_withdrawn_consent_is_shown_on_the_persons_row(organizer_client, organizer):
    program = await make_group()
    pid = await make_person("Dewi")
    await enrolment.enrol(organizer, program.id, pid)
    await withdraw_consent(pid, "data_collection", actor=organizer)
    page = await organizer_client.get(_url(program))
    assert "Consent withdrawn: Recording my information" in page.text


async def test_facilitator_not_on_the_team_gets_403(facilitator_client, organizer):
    program = await make_group(title="Kelompok Rahasia", discreet=True, public_title="Kelompok Kamis")
    await enrolment.enrol(organizer, program.id, await make_person("Eka"))
    response = await facilitator_client.get(_url(program))
    assert response.status_code == 403
    assert "Eka" not in response.text and "Kelompok Rahasia" not in response.text
    response = await post_form(facilitator_client, _url(program, "/new"), _new_person())
    assert response.status_code == 403
    assert await Participant.count().run() == 1


async def test_team_facilitator_sees_personal_links_but_an_organizer_outside_the_team_does_not(
    client, organizer, facilitator
):
    program = await make_group()
    await join_team(program, facilitator)
    pid = await make_person("Fitri")
    row = await enrolment.enrol(organizer, program.id, pid)
    await sign_in(client, facilitator.username)
    made = await post_form(client, _url(program, f"/{row['id']}/link"), {"action": "reissue"})
    token = re.search(r"/my/([\w-]{43})", made.text).group(1)
    assert (await token_owner(token, "participant_page"))["participant"] == pid
    assert "it is shown only this once" in made.text and "no-store" in made.headers["cache-control"]
    # Only a hash is kept: the link is not shown again, but the page says the person has one.
    later = (await client.get(_url(program))).text
    assert token not in later and "has a working personal link" in later
    await client.post("/logout", headers={"x-csrftoken": ""})
    other = await make_staff(role="organizer")
    client.cookies.clear()
    await sign_in(client, other.username)
    page = await client.get(_url(program))
    assert page.status_code == 200 and "Fitri" in page.text and "Personal link" not in page.text


async def test_enrol_an_existing_person_found_by_name(organizer_client, organizer):
    program = await make_group()
    pid = await make_person("Gita Permata", actor=organizer)
    found = await organizer_client.get(_url(program), params={"q": "gita"}, headers={"HX-Request": "true"})
    assert found.status_code == 200 and "<html" not in found.text and "Gita Permata" in found.text
    response = await post_form(organizer_client, _url(program, "/enrol"), {"participant_id": str(pid)})
    assert response.status_code == 303
    assert await statuses(program) == {"enrolled": [pid]}
    again = await organizer_client.get(_url(program), params={"q": "gita"}, headers={"HX-Request": "true"})
    assert "Gita Permata" not in again.text  # already on the list


async def test_enrolling_an_existing_person_without_participation_consent_is_refused(organizer_client, organizer):
    program = await make_group()
    pid = await make_person("Hana", consents=(), actor=organizer)
    response = await post_form(organizer_client, _url(program, "/enrol"), {"participant_id": str(pid), "q": "hana"})
    assert response.status_code == 400
    assert "has not given consent to take part" in response.text
    assert await Enrolment.count().run() == 0
    response = await post_form(
        organizer_client, _url(program, "/enrol"), {"participant_id": str(pid), "consent_participation": "on"}
    )
    assert response.status_code == 303
    assert (await active_consents([pid]))[pid] == {"participation"}


async def test_enrolling_the_same_person_twice_shows_a_clear_message(organizer_client, organizer):
    program = await make_group()
    pid = await make_person("Indah", actor=organizer)
    await enrolment.enrol(organizer, program.id, pid)
    response = await post_form(organizer_client, _url(program, "/enrol"), {"participant_id": str(pid)})
    assert response.status_code == 400
    assert "already on this program&#39;s list (Enrolled)" in response.text
    assert await Enrolment.count().run() == 1


async def test_enrolling_someone_the_facilitator_cannot_see_is_refused(client, organizer, facilitator):
    program = await make_group()
    await join_team(program, facilitator)
    stranger = await make_person("Joko", actor=organizer)
    await sign_in(client, facilitator.username)
    response = await post_form(client, _url(program, "/enrol"), {"participant_id": str(stranger)})
    assert response.status_code == 400 and "Choose a person from the search results." in response.text
    assert await Enrolment.count().run() == 0


async def test_register_a_new_person_inline(organizer_client):
    program = await make_group()
    response = await post_form(organizer_client, _url(program, "/new"), _new_person(consent_contact="on"))
    assert response.status_code == 303
    person = await Participant.select().first().run()
    assert person["display_name"] == "Sri Lestari" and person["phone_digits"] == "081355556666"
    assert (await active_consents([person["id"]]))[person["id"]] == {"participation", "data_collection", "contact"}
    assert await statuses(program) == {"enrolled": [person["id"]]}


async def test_new_person_form_errors_answer_400_and_save_nothing(organizer_client):
    program = await make_group()
    cases = [
        (_new_person(display_name=""), "This field is required."),
        (_new_person(phone="call me"), "Enter a valid phone number"),
        (_new_person(email="not-an-address"), "Enter a valid e-mail address"),
        (_new_person(preferred_locale="fr"), "Choose one of the options."),
        (_new_person(consent_participation=""), "Taking part needs the person&#39;s consent."),
    ]
    for data, message in cases:
        response = await post_form(organizer_client, _url(program, "/new"), data, htmx=True)
        assert response.status_code == 400, message
        assert message in response.text and "<html" not in response.text
    assert (
        await Participant.count().run() == 0 and await Consent.count().run() == 0 and await Enrolment.count().run() == 0
    )


async def test_possible_duplicate_needs_confirmation_before_creating(organizer_client, organizer):
    program = await make_group()
    existing = await make_person("Sri Lestari", actor=organizer, phone="0813 5555 6666")
    response = await post_form(organizer_client, _url(program, "/new"), _new_person())
    assert response.status_code == 400
    assert f'href="/participants/{existing}"' in response.text and "create anyway" in response.text
    assert await Participant.count().run() == 1
    response = await post_form(organizer_client, _url(program, "/new"), _new_person(confirm_not_duplicate="on"))
    assert response.status_code == 303
    assert await Participant.count().run() == 2


async def test_withdraw_needs_a_reason_and_frees_the_place(organizer_client, organizer):
    program = await make_group(capacity=1)
    first = await enrolment.enrol(organizer, program.id, await make_person("Ani"))
    waiting = await make_person("Budi")
    await enrolment.enrol(organizer, program.id, waiting)
    response = await post_form(organizer_client, _url(program, f"/{first['id']}/withdraw"), {"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.text
    assert (await statuses(program))["enrolled"] != [waiting]
    response = await post_form(organizer_client, _url(program, f"/{first['id']}/withdraw"), {"reason": "pindah kota"})
    assert response.status_code == 303
    assert (await statuses(program))["enrolled"] == [waiting]


async def test_approve_confirm_and_complete_from_the_tab(organizer_client, organizer):
    program = await make_group(capacity=1, enrolment_mode="approval", offer_hours=24)
    request = await registrations.self_register(
        program.id, {"display_name": "Ani"}, ["participation", "data_collection"]
    )
    response = await post_form(organizer_client, _url(program, f"/{request.enrolment_id}/approve"))
    assert response.status_code == 303
    assert await statuses(program) == {"enrolled": [request.participant_id]}
    budi = await make_person("Budi")
    waiting = await enrolment.enrol(organizer, program.id, budi)
    await post_form(organizer_client, _url(program, f"/{request.enrolment_id}/complete"))
    assert (await statuses(program))["offered"] == [budi]
    page = await organizer_client.get(_url(program))
    assert "offer open until" in page.text and "Confirm the place" in page.text
    assert (await post_form(organizer_client, _url(program, f"/{waiting['id']}/confirm"))).status_code == 303
    assert (await statuses(program))["enrolled"] == [budi]
    refused = await post_form(organizer_client, _url(program, f"/{waiting['id']}/approve"))
    assert refused.status_code == 400 and "Only a pending request can be approved." in refused.text


async def test_actions_on_an_enrolment_of_another_program_are_404(organizer_client, organizer):
    program, other = await make_group(), await make_group()
    row = await enrolment.enrol(organizer, other.id, await make_person())
    for tail in ("/approve", "/complete", "/confirm"):
        assert (await post_form(organizer_client, _url(program, f"/{row['id']}{tail}"))).status_code == 404
    assert (
        await post_form(organizer_client, _url(program, f"/{row['id']}/withdraw"), {"reason": "x"})
    ).status_code == 404
    assert (
        await post_form(organizer_client, _url(program, f"/{row['id']}/link"), {"action": "revoke"})
    ).status_code == 404
    assert await statuses(other) == {"enrolled": [row["participant"]]}


async def test_reissue_and_revoke_the_personal_link(client, organizer, facilitator):
    program = await make_group()
    await join_team(program, facilitator)
    pid = await make_person("Kartika")
    row = await enrolment.enrol(organizer, program.id, pid)
    old = await personal_token(pid)
    await sign_in(client, facilitator.username)
    made = await post_form(client, _url(program, f"/{row['id']}/link"), {"action": "reissue"})
    assert made.status_code == 200
    new = re.search(r"/my/([\w-]{43})", made.text).group(1)
    assert new != old and (await client.get(f"/my/{old}")).status_code == 404
    assert (await client.get(f"/my/{new}")).status_code == 200
    assert (await post_form(client, _url(program, f"/{row['id']}/link"), {"action": "revoke"})).status_code == 303
    assert await live_personal_links([pid]) == set()
    assert (await client.get(f"/my/{new}")).status_code == 404
    assert "has no working personal link" in (await client.get(_url(program))).text
    assert (await post_form(client, _url(program, f"/{row['id']}/link"), {"action": "explode"})).status_code == 400


async def test_organizer_outside_the_team_cannot_reissue_links(organizer_client, organizer):
    program = await make_group()
    pid = await make_person()
    row = await enrolment.enrol(organizer, program.id, pid)
    before = await AccessToken.count().run()
    response = await post_form(organizer_client, _url(program, f"/{row['id']}/link"), {"action": "reissue"})
    assert response.status_code == 403
    assert await AccessToken.count().run() == before


async def test_the_list_runs_a_constant_number_of_queries(organizer_client, organizer):
    async def queries_for(count: int) -> int:
        program = await make_group(capacity=count // 2)
        for n in range(count):
            pid = await make_person(f"Orang {count}-{n}", consents=("participation", "data_collection", "contact"))
            row = await enrolment.enrol(organizer, program.id, pid)
            if n % 5 == 0:
                await enrolment.withdraw(organizer, program.id, row["id"], "x")
        await join_team(program, organizer)  # links are shown too
        with count_queries() as counter:
            response = await organizer_client.get(_url(program))
        assert response.status_code == 200
        return counter["n"]

    assert await queries_for(5) == await queries_for(50)


async def test_refused_enrolment_leaves_no_consent_behind(organizer_client, organizer):
    program = await make_group()
    pid = await make_person("Indah", actor=organizer)
    await enrolment.enrol(organizer, program.id, pid)
    response = await post_form(
        organizer_client, _url(program, "/enrol"), {"participant_id": str(pid), "consent_contact": "on"}
    )
    assert response.status_code == 400 and "already on this program&#39;s list" in response.text
    assert (await active_consents([pid]))[pid] == {"participation", "data_collection"}
