"""Referrals: named details only under the person's "referral" consent, a program referral asks for a place by
enrolment's rules, status and follow-up, the open lists, the personal page, the notice and the pages' answers."""

from datetime import timedelta

import pytest
from case_helpers import case_world, open_a_case
from conftest import post_form, sign_in
from factories import make_program
from querycount import count_queries

from server import clock
from server.audit import audit_log
from server.cases import referrals
from server.cases.referral_tables import Referral
from server.enrolment.tables import Enrolment
from server.errors import DomainError, NotFound
from server.messages.tables import OutboxMessage
from server.people.consent import record_consent
from server.programs.tables import Partner

REASON = "Butuh pendampingan hukum soal KDRT"  # staff's words: never on the personal page
PARTNER_NAME = "LBH Sejahtera"


@pytest.fixture
async def world(db):
    return await case_world()


@pytest.fixture
async def case_id(world):
    return await open_a_case(world)


@pytest.fixture
async def partner(db):
    row = Partner(name=PARTNER_NAME)
    await row.save().run()
    return row.id


# --- rules -------------------------------------------------------------------------------------------------------
async def test_named_details_need_the_persons_referral_consent(world, case_id, partner):
    with pytest.raises(DomainError) as refused:
        await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner, shares_named_details=True)
    assert refused.value.field == "shares_named_details"
    assert await Referral.count().run() == 0
    await record_consent(world.participant, "referral", actor=world.worker)
    await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner, shares_named_details=True)
    assert (await Referral.select(Referral.shares_named_details).first().run())["shares_named_details"] is True


async def test_a_referral_without_named_details_needs_no_referral_consent(world, case_id, partner):
    referral_id = await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    row = await Referral.select().where(Referral.id == referral_id).first().run()
    assert row["status"] == "sent" and row["shares_named_details"] is False
    # No date given: followed up in two weeks.
    assert row["follow_up_on"] == clock.organisation_today() + timedelta(days=referrals.FOLLOW_UP_DAYS)


@pytest.mark.parametrize("target", ["none", "both"])
async def test_a_referral_goes_to_exactly_one_partner_or_program(world, case_id, partner, target):
    program = await make_program()
    kwargs = {"partner_id": partner, "program_id": program.id} if target == "both" else {}
    with pytest.raises(DomainError) as refused:
        await referrals.refer(world.worker, case_id, reason=REASON, **kwargs)
    assert refused.value.code == "target"


async def test_a_follow_up_date_in_the_past_is_refused(world, case_id, partner):
    with pytest.raises(DomainError) as refused:
        await referrals.refer(
            world.worker,
            case_id,
            reason=REASON,
            partner_id=partner,
            follow_up_on=clock.organisation_today() - timedelta(days=1),
        )
    assert refused.value.field == "follow_up_on"


async def test_a_program_referral_is_a_request_where_the_program_approves(world, case_id):
    program = await make_program(enrolment_mode="approval")
    await referrals.refer(world.worker, case_id, reason=REASON, program_id=program.id)
    enrolment = await Enrolment.select().where(Enrolment.program == program.id).first().run()
    assert enrolment["status"] == "requested" and enrolment["source"] == "referral"


async def test_a_program_referral_waits_on_the_list_when_the_program_is_full(world, case_id):
    from server.people.participants import create_participant

    program = await make_program(capacity=1)
    other = await create_participant(None, {"display_name": "Other"}, ["participation"])
    await Enrolment(participant=other, program=program.id, status="enrolled").save().run()
    await referrals.refer(world.worker, case_id, reason=REASON, program_id=program.id)
    enrolment = (
        await Enrolment.select()
        .where(Enrolment.participant == world.participant)
        .where(Enrolment.program == program.id)
        .first()
        .run()
    )
    assert enrolment["status"] == "waitlisted"


async def test_a_program_referral_to_someone_already_on_the_list_is_refused_and_saves_nothing(world, case_id):
    from server.programs.tables import Program

    program = await Program.select(Program.id).where(Program.slug == world.program_slug).first().run()
    with pytest.raises(DomainError) as refused:
        await referrals.refer(world.worker, case_id, reason=REASON, program_id=program["id"])
    assert refused.value.code == "already_enrolled" and refused.value.field == "program"
    assert await Referral.count().run() == 0


async def test_status_changes_are_audited_and_closing_records_when(world, case_id, partner):
    referral_id = await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    await referrals.set_status(world.supervisor, case_id, referral_id, "accepted")
    row = await Referral.select().where(Referral.id == referral_id).first().run()
    assert row["status"] == "accepted" and row["closed_at"] is None and row["follow_up_on"] is not None
    await referrals.set_status(world.worker, case_id, referral_id, "completed")
    row = await Referral.select().where(Referral.id == referral_id).first().run()
    assert row["status"] == "completed" and row["closed_at"] is not None
    changes = [e for e in await audit_log(subject_type="case", subject_id=case_id) if e["action"] == "update"]
    assert len(changes) == 2
    with pytest.raises(DomainError):
        await referrals.set_status(world.worker, case_id, referral_id, "lost")


async def test_nobody_else_refers_or_changes_a_referral(world, case_id, partner):
    referral_id = await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    for staff in (world.facilitator, world.organizer):
        with pytest.raises(NotFound):
            await referrals.refer(staff, case_id, reason=REASON, partner_id=partner)
        with pytest.raises(NotFound):
            await referrals.set_status(staff, case_id, referral_id, "declined")


async def test_open_lists_organizers_see_all_case_workers_theirs_filtered_by_partner(world, case_id, partner):
    other_partner = Partner(name="Puskesmas")
    await other_partner.save().run()
    first = await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    await referrals.refer(world.worker, case_id, reason=REASON, partner_id=other_partner.id)
    await referrals.set_status(world.worker, case_id, first, "declined")
    assert await referrals.count_open_referrals(world.organizer) == 1
    assert await referrals.count_open_referrals(world.worker) == 1
    assert await referrals.count_open_referrals(world.facilitator) == 0
    assert await referrals.count_open_referrals(world.organizer, partner_id=partner) == 0
    rows = await referrals.open_referrals(world.organizer, partner_id=other_partner.id)
    assert [row["to"] for row in rows] == ["Puskesmas"] and rows[0]["may_open"] is False
    assert "reason" not in rows[0]


# --- pages -------------------------------------------------------------------------------------------------------
async def test_the_case_worker_refers_from_the_case_page(client, world, case_id, partner):
    await sign_in(client, "c-worker")
    page = await client.get(f"/cases/{case_id}")
    assert page.status_code == 200 and "Referrals" in page.text and PARTNER_NAME in page.text
    response = await post_form(client, f"/cases/{case_id}/referrals", {"partner": str(partner), "reason": REASON})
    assert response.status_code == 303
    page = await client.get(f"/cases/{case_id}")
    assert REASON in page.text
    referral = await Referral.select(Referral.id).first().run()
    response = await post_form(
        client, f"/cases/{case_id}/referrals/{referral['id']}", {"status": "accepted", "follow_up_on": ""}
    )
    assert response.status_code == 303
    assert (await Referral.select(Referral.status).first().run())["status"] == "accepted"


@pytest.mark.parametrize(
    "data, status, text",
    [
        ({"reason": REASON}, 400, "f-partner-error"),
        ({"partner": "abc", "reason": REASON}, 400, "f-partner-error"),
        ({"partner": "PARTNER"}, 400, "f-reason-error"),
        ({"partner": "PARTNER", "reason": REASON, "shares_named_details": "on"}, 400, "consented to sharing"),
        ({"partner": "PARTNER", "reason": REASON, "follow_up_on": "2020-01-01"}, 400, "in the past"),
        ({"partner": "PARTNER", "reason": REASON, "follow_up_on": "31-31-2020"}, 400, "f-follow_up_on-error"),
        ({"partner": "999999", "reason": REASON}, 400, "f-partner-error"),
    ],
)
async def test_referring_with_bad_input_saves_nothing(client, world, case_id, partner, data, status, text):
    await sign_in(client, "c-worker")
    data = {key: str(partner) if value == "PARTNER" else value for key, value in data.items()}
    response = await post_form(client, f"/cases/{case_id}/referrals", data)
    assert response.status_code == status
    assert text in response.text
    assert await Referral.count().run() == 0


async def test_a_bad_status_is_a_400_and_an_unknown_referral_a_404(client, world, case_id, partner):
    referral_id = await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    await sign_in(client, "c-worker")
    response = await post_form(client, f"/cases/{case_id}/referrals/{referral_id}", {"status": "lost"})
    assert response.status_code == 400
    response = await post_form(client, f"/cases/{case_id}/referrals/{referral_id + 9}", {"status": "accepted"})
    assert response.status_code == 404


@pytest.mark.parametrize("username", ["c-facil", "c-organizer"])
async def test_staff_who_may_not_see_the_case_get_a_404(client, world, case_id, partner, username):
    referral_id = await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    await sign_in(client, username)
    data = {"partner": str(partner), "reason": "x"}
    assert (await post_form(client, f"/cases/{case_id}/referrals", data)).status_code == 404
    response = await post_form(client, f"/cases/{case_id}/referrals/{referral_id}", {"status": "declined"})
    assert response.status_code == 404 and REASON not in response.text
    assert await Referral.count().run() == 1


async def test_the_open_referrals_page_filters_by_partner_and_pages_with_constant_queries(
    client, world, case_id, partner
):
    await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    await sign_in(client, "c-organizer")
    page = await client.get("/cases/referrals")
    assert page.status_code == 200 and PARTNER_NAME in page.text and "Sari" in page.text
    assert REASON not in page.text
    assert f"/cases/{case_id}" not in page.text  # the organizer may not open the case
    assert "No open referrals" in (await client.get("/cases/referrals?partner=999999")).text
    assert (await client.get("/cases/referrals?partner=abc")).status_code == 400
    with count_queries() as few:
        await client.get(f"/cases/referrals?partner={partner}")
    for _ in range(5):
        await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    with count_queries() as many:
        response = await client.get(f"/cases/referrals?partner={partner}")
    assert response.text.count(PARTNER_NAME) >= 6
    assert many["n"] == few["n"]
    await sign_in(client, "c-worker")
    assert f"/cases/{case_id}#referrals-heading" in (await client.get("/cases/referrals")).text


async def test_the_case_page_keeps_a_constant_number_of_queries(client, world, case_id, partner):
    await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    await sign_in(client, "c-worker")
    with count_queries() as few:
        await client.get(f"/cases/{case_id}")
    for _ in range(4):
        await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    with count_queries() as many:
        await client.get(f"/cases/{case_id}")
    assert many["n"] == few["n"]


# --- the person --------------------------------------------------------------------------------------------------
async def test_the_personal_page_shows_open_referrals_without_the_reason(client, world, case_id, partner):
    from server.people.links import reissue_personal_links

    secret = await make_program(title="Kelompok Korban KDRT", public_title="Kelompok Perempuan", discreet=True)
    await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    await referrals.refer(world.worker, case_id, reason=REASON, program_id=secret.id)
    token = await reissue_personal_links(None, world.participant)
    page = await client.get(f"/my/{token}")
    assert page.status_code == 200
    assert f"Anda dirujuk ke {PARTNER_NAME}" in page.text  # in the person's language
    assert "Kelompok Perempuan" in page.text and "Korban" not in page.text
    assert REASON not in page.text


async def test_the_notice_is_queued_only_with_contact_consent_and_names_no_partner(world, partner):
    from server.people.participants import create_participant

    reachable = await create_participant(
        None, {"display_name": "Rina", "email": "rina@example.org"}, ["participation", "contact"]
    )
    case = await open_a_case(world, participant=reachable)
    await referrals.refer(world.worker, case, reason=REASON, partner_id=partner)
    silent_case_id = await open_a_case(world)
    await referrals.refer(world.worker, silent_case_id, reason=REASON, partner_id=partner)
    messages = await OutboxMessage.select().run()
    assert [(m["participant"], m["template"]) for m in messages] == [(reachable, "referral_sent")]
    raw = " ".join(messages[0][key] for key in ("subject", "body_text", "body_html"))
    assert PARTNER_NAME not in raw and REASON not in raw


async def test_a_discreet_programs_notice_carries_only_its_neutral_title(world):
    from server.people.participants import create_participant

    secret = await make_program(title="Kelompok Korban KDRT", public_title="Kelompok Perempuan", discreet=True)
    reachable = await create_participant(
        None, {"display_name": "Rina", "phone": "081234567890"}, ["participation", "contact"]
    )
    case = await open_a_case(world, participant=reachable)
    await referrals.refer(world.worker, case, reason=REASON, program_id=secret.id)
    message = await OutboxMessage.select().where(OutboxMessage.template == "referral_sent").first().run()
    raw = " ".join(message[key] for key in ("subject", "body_text", "body_html"))
    assert "Kelompok Perempuan" in raw and "Korban" not in raw and REASON not in raw


async def test_the_referral_consent_is_recorded_on_the_participants_page(client, world):
    await sign_in(client, "c-admin")
    page = await client.get(f"/participants/{world.participant}")
    assert "Sharing my details for a referral" in page.text
    response = await post_form(
        client, f"/participants/{world.participant}/consent", {"purpose": "referral", "action": "give"}
    )
    assert response.status_code in (200, 303)
    from server.people.consent import active_consents

    assert "referral" in (await active_consents([world.participant]))[world.participant]


# --- personal data -----------------------------------------------------------------------------------------------
async def test_referrals_are_in_the_download_and_erasure_blanks_the_reason(world, case_id, partner):
    from server.cases.personal_data import CASES

    await referrals.refer(world.worker, case_id, reason=REASON, partner_id=partner)
    records = await CASES.export(world.participant)
    assert records[0]["referrals"][0]["to"] == PARTNER_NAME
    await CASES.erase(world.participant, clock.now())
    row = await Referral.select(Referral.reason, Referral.status).first().run()
    assert row == {"reason": "", "status": "sent"}


# --- the program list of the referral form ------------------------------------------------------------------------


def _program_options(html: str) -> list[str]:
    import re

    select = html[html.index('id="f-program"') :]
    select = select[: select.index("</select>")]
    return [
        text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", select) if text.strip() not in ("", "—")
    ]


async def test_the_referral_form_lists_a_bounded_number_of_programs_and_searches_the_rest(
    client, world, case_id, monkeypatch
):
    for title in ("Kelas Menjahit", "Kelas Memasak", "Kelompok Tani"):
        await make_program(slug=title.lower().replace(" ", "-"), title=title, enrolment_mode="open")
    await make_program(slug="rahasia", title="Pemulihan Trauma KDRT", public_title="Kelompok Dukungan", discreet=True)
    monkeypatch.setattr(referrals, "PROGRAMS_LISTED", 2)
    await sign_in(client, "c-worker")
    page = (await client.get(f"/cases/{case_id}")).text
    assert len(_program_options(page)) == 2
    assert 'name="program_q"' in page and "The program list below shows the first 2 by title" in page
    found = (await client.get(f"/cases/{case_id}?program_q=menjahit")).text
    assert _program_options(found) == ["Kelas Menjahit"]
    # A discreet program is found by the title the searcher sees, never by words of its real title.
    assert _program_options((await client.get(f"/cases/{case_id}?program_q=dukungan")).text) == ["Kelompok Dukungan"]
    hidden = (await client.get(f"/cases/{case_id}?program_q=trauma")).text
    assert _program_options(hidden) == [] and "No program taking people matches these words." in hidden
    assert "Pemulihan Trauma" not in hidden
