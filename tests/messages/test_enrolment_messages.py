"""Messages about a person's place, delivered through a real SMTP server: waiting-list position, a place offered
with its deadline, a place confirmed, a registration waiting for the team's approval, a new personal link."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from conftest import post_form, sign_in
from factories import make_program, make_staff
from mail_fixtures import channels, smtp  # noqa: F401  (fixtures)

from server import clock
from server.enrolment import notify, registration
from server.enrolment import services as enrolment
from server.enrolment.waitlist import load_program
from server.errors import DomainError
from server.i18n import format_datetime, use_locale
from server.messages import delivery
from server.messages.tables import OutboxMessage
from server.people.participants import create_participant
from server.people.tables import Staff
from server.programs.tables import TeamMember

CONSENTS = ["participation", "data_collection", "contact"]
NOON = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 12:00 in Jakarta: outside the quiet hours


def at(hours: float) -> datetime:
    return NOON + timedelta(hours=hours)


@pytest.fixture
def noon():
    with clock.frozen(NOON):
        yield NOON


async def _person(name: str, email: str = "", locale: str = "id", *, phone: str = "", contact: bool = True) -> int:
    values = {"display_name": name, "email": email, "phone": phone, "preferred_locale": locale}
    return await create_participant(None, values, CONSENTS if contact else CONSENTS[:2])


async def _group(capacity: int | None = 1, offer_hours: int | None = None, **overrides):
    return await make_program(
        capacity=capacity, details={"offer_hours": offer_hours} if offer_hours else {}, **overrides
    )


async def _queued(template: str | None = None) -> list[dict]:
    query = OutboxMessage.select().order_by(OutboxMessage.id)
    if template:
        query = query.where(OutboxMessage.template == template)
    return await query.run()


async def _mail(smtp, channels, address: str):
    """The latest e-mail delivered to `address`: its subject, plain text and the whole raw message with its parts.
    One batch's mails leave in parallel lanes, so a test expecting one mail among several delivers the others first."""
    await delivery.deliver_due(channels=channels)
    raw, email = [(raw, email) for to, raw, email in smtp.messages if to == [address]][-1]
    text = email.get_body(("plain",)).get_content()
    whole = raw.decode("ascii", "replace") + text + email.get_body(("html",)).get_content()
    return email["Subject"], text, whole


# --- the waiting list ----------------------------------------------------------------------------------------


async def test_a_person_put_on_the_waiting_list_by_staff_is_told_their_position(db, smtp, channels, noon):
    staff = await make_staff("organizer")
    program = await _group(capacity=1, title="Kelas Menjahit")
    await enrolment.enrol(staff, program.id, await _person("Ani"))
    await enrolment.enrol(staff, program.id, await _person("Budi", "budi@example.org", "id"))
    await enrolment.enrol(staff, program.id, await _person("Citra", "citra@example.org", "en"))
    subject, text, _whole = await _mail(smtp, channels, "budi@example.org")
    assert subject == "Anda masuk daftar tunggu Kelas Menjahit"
    assert "urutan ke-1" in text
    subject, text, _whole = await _mail(smtp, channels, "citra@example.org")
    assert subject == "You are on the waiting list for Kelas Menjahit"
    assert "You are number 2 in line." in text


async def test_self_registration_on_the_waiting_list_sends_one_message_not_two(db, noon):
    program = await _group(capacity=1)
    for name in ("Ani", "Budi"):
        values = {"display_name": name, "email": f"{name.lower()}@example.org", "preferred_locale": "id"}
        await registration.self_register(program.id, values, CONSENTS)
    budi = [row["template"] for row in await _queued() if row["address"] == "budi@example.org"]
    assert budi == ["registration_received"]


# --- offers and places ---------------------------------------------------------------------------------------


async def test_a_freed_place_is_offered_with_its_deadline_in_the_programs_timezone(db, smtp, channels, noon):
    staff = await make_staff("organizer")
    program = await _group(capacity=1, offer_hours=48, title="Sewing class", timezone="Asia/Jakarta")
    first = await enrolment.enrol(staff, program.id, await _person("Ani"), now=at(0))
    await enrolment.enrol(staff, program.id, await _person("Maria", "maria@example.org", "en"), now=at(1))
    # Her waiting-list mail goes first: one batch's mails leave in parallel lanes, in no fixed order.
    await delivery.deliver_due(channels=channels)
    await enrolment.withdraw(staff, program.id, first["id"], "moved", now=at(2))
    [offer] = await _queued("place_offered")
    deadline = at(50)  # 7:00 UTC, 14:00 in Jakarta
    with use_locale("en"):
        expected = format_datetime(deadline, "Asia/Jakarta")
    assert "2:00" in expected and "Dec 3, 2026" in expected
    subject, text, _whole = await _mail(smtp, channels, "maria@example.org")
    assert subject == "A place in Sewing class is free for you"
    assert f"before {expected};" in text
    assert offer["participant"] is not None and offer["staff"] is None


async def test_an_offer_in_indonesian_shows_the_deadline_in_the_house_date_style(db, smtp, channels, noon):
    staff = await make_staff("organizer")
    program = await _group(capacity=1, offer_hours=24, title="Kelas Batik")
    first = await enrolment.enrol(staff, program.id, await _person("Ani"), now=at(0))
    await enrolment.enrol(staff, program.id, await _person("Budi", "budi@example.org"), now=at(1))
    await enrolment.withdraw(staff, program.id, first["id"], "pindah", now=at(2))
    await delivery.deliver_due(channels=channels)
    offer = next(email for to, _raw, email in smtp.messages if email["Subject"].startswith("Ada tempat"))
    assert offer["Subject"] == "Ada tempat kosong untuk Anda di Kelas Batik"
    assert "sebelum 2 Des 2026 14.00" in offer.get_body(("plain",)).get_content()


async def test_a_second_offer_after_expiry_is_a_new_message_but_a_retry_is_not(db, noon):
    staff = await make_staff("organizer")
    program = await _group(capacity=1, offer_hours=24)
    ani = await enrolment.enrol(staff, program.id, await _person("Ani"), now=at(0))
    budi_id = await _person("Budi", "budi@example.org")
    budi = await enrolment.enrol(staff, program.id, budi_id, now=at(1))
    citra = await enrolment.enrol(staff, program.id, await _person("Citra"), now=at(2))
    await enrolment.withdraw(staff, program.id, ani["id"], "moved", now=at(3))  # Budi is offered the place
    await enrolment.expire_offers(at(30))  # Budi's offer lapses; Citra is offered it
    await enrolment.enrol(staff, program.id, budi_id, now=at(31))  # Budi joins the queue again
    await enrolment.withdraw(staff, program.id, citra["id"], "moved", now=at(32))  # and is offered a place again
    offers = await _queued("place_offered")
    assert [row["participant"] for row in offers] == [budi_id, budi_id]
    again = await enrolment.get_enrolment(budi["id"])
    assert again["status"] == "offered"
    await notify.places_given(await load_program(program.id), [again], at(32))  # the same step run again
    assert len(await _queued("place_offered")) == 2


async def test_a_place_given_at_once_off_the_waiting_list_is_confirmed(db, smtp, channels, noon):
    staff = await make_staff("organizer")
    program = await _group(capacity=1, title="Kelas Menjahit")
    first = await enrolment.enrol(staff, program.id, await _person("Ani"))
    await enrolment.enrol(staff, program.id, await _person("Budi", "budi@example.org"))
    await enrolment.withdraw(staff, program.id, first["id"], "pindah")
    await delivery.deliver_due(channels=channels)
    [promoted] = [email for to, _raw, email in smtp.messages if email["Subject"].startswith("Tempat Anda")]
    assert promoted["Subject"] == "Tempat Anda di Kelas Menjahit sudah pasti"
    assert "Ada tempat yang kosong dan tempat itu untuk Anda." in promoted.get_body(("plain",)).get_content()


async def test_taking_an_offered_place_is_confirmed_once(db, smtp, channels, noon):
    staff = await make_staff("organizer")
    program = await _group(capacity=1, offer_hours=48, title="Sewing class")
    first = await enrolment.enrol(staff, program.id, await _person("Ani"))
    waiting = await enrolment.enrol(staff, program.id, await _person("Maria", "maria@example.org", "en"))
    await enrolment.withdraw(staff, program.id, first["id"], "moved")
    await enrolment.confirm_offer(None, program.id, waiting["id"])
    with pytest.raises(DomainError):
        await enrolment.confirm_offer(None, program.id, waiting["id"])  # a second click: refused, nothing queued
    assert len(await _queued("place_promoted")) == 1
    await delivery.deliver_due(channels=channels)
    subjects = [email["Subject"] for to, _raw, email in smtp.messages if to == ["maria@example.org"]]
    assert "Your place in Sewing class is confirmed" in subjects


# --- approval ------------------------------------------------------------------------------------------------


async def test_a_registration_waiting_for_approval_tells_the_team_and_approval_confirms_the_place(
    db,
    smtp,
    channels,
    noon,
):
    facilitator = await make_staff("facilitator")
    outsider = await make_staff("organizer")
    program = await _group(capacity=5, enrolment_mode="approval", title="Kelas Menjahit")
    await TeamMember.insert(TeamMember(program=program.id, staff=facilitator.id, role="lead")).run()
    await Staff.update({Staff.locale: "id"}).where(Staff.id == facilitator.id).run()  # the staff member's language
    values = {"display_name": "Siti", "email": "siti@example.org", "phone": "0812 3456 7890", "preferred_locale": "en"}
    done = await registration.self_register(program.id, values, CONSENTS)
    [asked] = await _queued()
    assert asked["template"] == "approval_needed" and asked["staff"] == facilitator.id and asked["participant"] is None
    subject, text, whole = await _mail(smtp, channels, f"{facilitator.username}@example.org")
    assert subject == "Pendaftaran untuk Kelas Menjahit menunggu persetujuan"
    assert "Siti mendaftar untuk Kelas Menjahit" in text
    assert f"/manage/programs/{program.slug}/participants" in text
    for personal in ("siti@example.org", "3456", "7890"):
        assert personal not in whole
    assert not [to for to, _raw, _email in smtp.messages if to == [f"{outsider.username}@example.org"]]

    await enrolment.approve(outsider, program.id, done.enrolment_id)
    subject, text, _whole = await _mail(smtp, channels, "siti@example.org")
    assert subject == "Your place in Kelas Menjahit is confirmed"
    assert "The team approved your registration." in text
    with pytest.raises(DomainError):
        await enrolment.approve(outsider, program.id, done.enrolment_id)
    assert len(await _queued("place_promoted")) == 1


async def test_approval_into_a_full_program_tells_the_person_their_waiting_list_position(db, noon):
    staff = await make_staff("organizer")
    program = await _group(capacity=1, enrolment_mode="approval")
    await enrolment.enrol(staff, program.id, await _person("Ani"))
    values = {"display_name": "Budi", "email": "budi@example.org", "preferred_locale": "id"}
    done = await registration.self_register(program.id, values, CONSENTS)
    await enrolment.approve(staff, program.id, done.enrolment_id)
    [told] = await _queued("waitlist_position")
    assert told["address"] == "budi@example.org" and "urutan ke-1" in told["body_text"]


# --- privacy, consent, refusals ------------------------------------------------------------------------------


async def test_a_discreet_programs_real_title_is_in_no_participant_message_nor_text_message(
    db,
    smtp,
    channels,
    noon,
):
    staff = await make_staff("organizer")
    program = await _group(
        capacity=1, offer_hours=24, title="Dukungan Korban Kekerasan", public_title="Kelompok Rabu", discreet=True
    )
    first = await enrolment.enrol(staff, program.id, await _person("Ani"))
    by_mail = await enrolment.enrol(staff, program.id, await _person("Budi", "budi@example.org"))
    by_phone = await enrolment.enrol(staff, program.id, await _person("Citra", phone="0812 1111 2222"))
    await enrolment.withdraw(staff, program.id, first["id"], "pindah")  # Budi is offered the place
    await enrolment.confirm_offer(None, program.id, by_mail["id"])
    await enrolment.withdraw(staff, program.id, by_mail["id"], "pindah")  # Citra is offered it
    await enrolment.confirm_offer(None, program.id, by_phone["id"])
    sms = [row for row in await _queued() if row["channel"] == "sms"]
    kinds = {"waitlist_position", "place_offered", "place_promoted"}
    assert {row["template"] for row in sms} == kinds
    await delivery.deliver_due(channels=channels)
    mails = [(raw, email) for to, raw, email in smtp.messages if to == ["budi@example.org"]]
    assert len(mails) == 3
    for raw, email in mails:
        assert "Kelompok Rabu" in email["Subject"]
        whole = raw.decode("ascii", "replace") + email.get_body(("plain",)).get_content()
        whole += email.get_body(("html",)).get_content() + email["Subject"]
        for word in ("Dukungan", "Korban", "Kekerasan"):
            assert word.lower() not in whole.lower()
    for row in sms:
        assert "Kelompok Rabu" in row["body_text"]
        for word in ("Dukungan", "Korban", "Kekerasan"):
            assert word.lower() not in row["body_text"].lower()


async def test_nobody_is_sent_a_message_without_consent_to_be_contacted(db, noon):
    staff = await make_staff("organizer")
    program = await _group(capacity=1, offer_hours=24)
    first = await enrolment.enrol(staff, program.id, await _person("Ani"))
    waiting = await enrolment.enrol(staff, program.id, await _person("Budi", contact=False))
    await enrolment.withdraw(staff, program.id, first["id"], "pindah")
    await enrolment.confirm_offer(None, program.id, waiting["id"])
    assert await _queued() == []


async def test_a_refused_enrolment_queues_nothing(db, noon):
    staff = await make_staff("organizer")
    program = await _group(capacity=1)
    await enrolment.enrol(staff, program.id, await _person("Ani"))
    budi = await _person("Budi", "budi@example.org")
    closed = await _group(capacity=1, phase="closed")
    with pytest.raises(DomainError):
        await enrolment.enrol(staff, closed.id, budi)
    await enrolment.enrol(staff, program.id, budi)
    with pytest.raises(DomainError):
        await enrolment.enrol(staff, program.id, budi)  # already on the list: no second waiting-list message
    assert [row["template"] for row in await _queued()] == ["waitlist_position"]


# --- a new personal link -------------------------------------------------------------------------------------


async def test_staff_send_a_new_personal_link_only_when_they_tick_the_box(db, client, smtp, channels):
    facilitator = await make_staff("facilitator")
    program = await _group(capacity=5)
    await TeamMember.insert(TeamMember(program=program.id, staff=facilitator.id, role="lead")).run()
    row = await enrolment.enrol(facilitator, program.id, await _person("Maria", "maria@example.org", "en"))
    await sign_in(client, facilitator.username)
    url = f"/manage/programs/{program.slug}/participants/{row['id']}/link"
    tab = await client.get(f"/manage/programs/{program.slug}/participants")
    assert 'name="send" value="on" checked' in tab.text
    kept = await post_form(client, url, {"action": "reissue"})
    assert "The new link was not sent" in kept.text and await _queued() == []
    sent = await post_form(client, url, {"action": "reissue", "send": "on"})
    token = re.search(r"/my/([\w-]{43})", sent.text).group(1)
    assert "The new link was sent to the person by message." in sent.text
    subject, text, _whole = await _mail(smtp, channels, "maria@example.org")
    assert subject == "Your new personal link" and f"/my/{token}" in text


async def test_the_participant_page_sends_the_new_link_and_says_so(db, admin_client, smtp, channels):
    pid = await _person("Siti", "siti@example.org")
    page = await admin_client.get(f"/participants/{pid}")
    assert 'name="send" value="on" checked' in page.text
    answer = await post_form(admin_client, f"/participants/{pid}/link", {"send": "on"})
    assert answer.status_code == 200 and "The new link was sent to the person by message." in answer.text
    token = re.search(r"/my/([\w-]{43})", answer.text).group(1)
    subject, text, _whole = await _mail(smtp, channels, "siti@example.org")
    assert subject == "Tautan pribadi baru Anda" and f"/my/{token}" in text


async def test_a_person_without_contact_consent_is_not_sent_the_link(db, admin_client):
    pid = await _person("Budi", contact=False)
    page = await admin_client.get(f"/participants/{pid}")
    assert 'name="send" value="on" disabled' in page.text
    answer = await post_form(admin_client, f"/participants/{pid}/link", {"send": "on"})
    assert "The new link was not sent" in answer.text and await _queued() == []


async def test_a_registration_sent_again_from_the_same_browser_sends_the_new_link(db, client):
    program = await _group(capacity=5)
    form = {
        "display_name": "Sari",
        "phone": "",
        "email": "sari@example.org",
        "preferred_locale": "id",
        "consent_participation": "on",
        "consent_data_collection": "on",
        "consent_contact": "on",
    }
    await post_form(client, f"/programs/{program.slug}/register/", form)
    again = await post_form(client, f"/programs/{program.slug}/register/", form)
    token = re.search(r"/my/([\w-]{43})", again.text).group(1)
    [link] = await _queued("link_reissued")
    assert f"/my/{token}" in link["body_text"]
    assert [row["template"] for row in await _queued()] == ["registration_received", "link_reissued"]
