"""Announcements: a program's team writes to everyone enrolled, sees exactly what goes out and to how many, then
sends; only consenting enrolled people get it, in their language, and a discreet program keeps its neutral title."""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import post_form, sign_in
from factories import make_program, make_staff
from messages.mail_fixtures import channels, smtp  # noqa: F401  (fixtures; tests/messages holds them)

from server.audit import AuditEvent
from server.enrolment.tables import Enrolment
from server.errors import DomainError
from server.messages import delivery, outbox
from server.messages.tables import OutboxMessage
from server.notices import announcements
from server.notices.tables import Announcement
from server.people.participants import create_participant
from server.programs.tables import TeamMember


@pytest.fixture(autouse=True)
def mail_goes_at_once(monkeypatch):
    """These tests deliver right after queueing, whatever the hour the suite runs (quiet hours, 21:00-07:00 in
    Jakarta, would hold the mail until the morning; they have their own tests in tests/messages/test_quiet_hours.py)."""
    monkeypatch.setattr(outbox, "settings", dataclasses.replace(outbox.settings, quiet_hours=""))


CONTACT = ["participation", "data_collection", "contact"]
NO_CONTACT = ["participation", "data_collection"]


async def _person(program, name, *, email="", phone="", locale="id", consents=CONTACT, status="enrolled") -> int:
    values = {"display_name": name, "email": email, "phone": phone, "preferred_locale": locale}
    person = await create_participant(None, values, consents)
    await Enrolment.insert(Enrolment(participant=person, program=program.id, status=status)).run()
    return person


async def _team_member(program):
    staff = await make_staff(role="facilitator")
    await TeamMember.insert(TeamMember(program=program.id, staff=staff.id, role="lead")).run()
    return staff


def _url(program, step=""):
    return f"/manage/programs/{program.slug}/announcements/{step}"


async def _program_dict(program):
    from server.programs.tables import Program

    return await Program.select().where(Program.id == program.id).first().run()


@pytest.fixture
async def group(db):
    """A program with: Siti (e-mail, Indonesian), Maria (e-mail, English), Budi (phone only, SMS), Ani (enrolled
    but no consent to be contacted), Dewi (withdrawn) and Rina (waitlisted), both with consent and e-mail."""
    program = await make_program(title="Kelas Menjahit", capacity=20)
    people = {
        "siti": await _person(program, "Siti", email="siti@example.org"),
        "maria": await _person(program, "Maria", email="maria@example.org", locale="en"),
        "budi": await _person(program, "Budi", phone="0812 3456 7890"),
        "ani": await _person(program, "Ani", consents=NO_CONTACT),
        "dewi": await _person(program, "Dewi", email="dewi@example.org", status="withdrawn"),
        "rina": await _person(program, "Rina", email="rina@example.org", status="waitlisted"),
    }
    return program, people


async def test_the_audience_is_the_consenting_enrolled_with_an_address(group):
    program, people = group
    who = await announcements.audience(await _program_dict(program))
    assert who.enrolled == 4
    assert set(who.recipients) == {people["siti"], people["maria"], people["budi"]}
    assert who.unreachable == 1
    assert who.languages() == ["en", "id"]


async def test_confirm_queues_exactly_the_consenting_enrolled_and_records_and_audits_it(group):
    program, people = group
    author = await _team_member(program)
    sent = await announcements.send_announcement(await _program_dict(program), author, "Libur", "Tidak ada kelas.")
    rows = await OutboxMessage.select().order_by(OutboxMessage.participant).run()
    assert {row["participant"] for row in rows} == {people["siti"], people["maria"], people["budi"]}
    assert {row["idempotency_key"] for row in rows} == {
        f"announcement:{sent['id']}:{people[name]}" for name in ("siti", "maria", "budi")
    }
    assert {row["channel"] for row in rows if row["participant"] == people["budi"]} == {"sms"}
    [record] = await Announcement.select().run()
    assert (record["subject"], record["text"], record["recipients"], record["author"]) == (
        "Libur",
        "Tidak ada kelas.",
        3,
        author.id,
    )
    [event] = await AuditEvent.select().where(AuditEvent.action == "announcement_sent").run()
    assert event["subject_id"] == program.id and "3 of 4" in event["summary"]


async def test_each_recipient_gets_the_staff_text_untranslated_in_a_frame_in_their_language(group, smtp, channels):
    program, _people = group
    author = await _team_member(program)
    await announcements.send_announcement(await _program_dict(program), author, "Libur", "Tidak ada kelas besok.")
    await delivery.deliver_due(channels=channels)
    mails = {to[0]: email for to, _raw, email in smtp.messages}
    assert set(mails) == {"siti@example.org", "maria@example.org"}
    siti = mails["siti@example.org"].get_body(("plain",)).get_content()
    maria = mails["maria@example.org"].get_body(("plain",)).get_content()
    assert "Halo Siti" in siti and "Tidak ada kelas besok." in siti
    assert "Hello Maria" in maria and "Tidak ada kelas besok." in maria
    assert mails["maria@example.org"]["Subject"] == "Kelas Menjahit: Libur"


async def test_a_discreet_programs_real_title_is_absent_from_the_whole_message(db, smtp, channels):
    program = await make_program(title="Dukungan Korban Kekerasan", public_title="Kelompok Rabu", discreet=True)
    person = await _person(program, "Siti", email="siti@example.org")
    sms = await _person(program, "Budi", phone="081234567890")
    author = await _team_member(program)
    await announcements.send_announcement(await _program_dict(program), author, "Pertemuan", "Sampai jumpa.")
    [text] = await OutboxMessage.select(OutboxMessage.body_text).where(OutboxMessage.participant == sms).run()
    await delivery.deliver_due(channels=channels)
    [(_to, raw, email)] = smtp.messages
    assert "Kelompok Rabu" in email["Subject"]
    whole = raw.decode("ascii", "replace") + email["Subject"] + email.get_body(("plain",)).get_content()
    whole += email.get_body(("html",)).get_content() + text["body_text"]
    for word in ("Dukungan", "Korban", "Kekerasan"):
        assert word.lower() not in whole.lower()
    assert person


async def test_a_discreet_programs_real_title_may_not_be_written_into_an_announcement(db):
    program = await make_program(title="Dukungan Korban", public_title="Kelompok Rabu", discreet=True)
    await _person(program, "Siti", email="siti@example.org")
    author = await _team_member(program)
    with pytest.raises(DomainError) as refused:
        await announcements.send_announcement(await _program_dict(program), author, "Hi", "Dukungan korban besok")
    assert refused.value.field == "text"
    assert await OutboxMessage.count().run() == 0


async def test_the_facilitators_text_is_escaped_in_the_html_part(group, smtp, channels):
    program, _people = group
    author = await _team_member(program)
    evil = '<script>alert("x")</script> <a href="http://evil.example">klik</a> & co'
    await announcements.send_announcement(await _program_dict(program), author, "<b>Penting</b>", evil)
    await delivery.deliver_due(channels=channels)
    email = next(email for to, _raw, email in smtp.messages if to == ["siti@example.org"])
    html = email.get_body(("html",)).get_content()
    assert "<script>" not in html and '<a href="http://evil' not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp; co" in html
    assert email["Subject"] == "Kelas Menjahit: <b>Penting</b>"  # plain text: as written, not entity-escaped
    assert evil in email.get_body(("plain",)).get_content()


# --- pages ---------------------------------------------------------------------------------------------------


async def test_the_page_lists_past_announcements_and_offers_the_form(client, group):
    program, _people = group
    author = await _team_member(program)
    await announcements.send_announcement(await _program_dict(program), author, "Libur lebaran", "Tidak ada kelas.")
    await sign_in(client, author.username)
    page = await client.get(_url(program))
    assert page.status_code == 200
    assert "Libur lebaran" in page.text and 'name="subject"' in page.text


async def test_preview_shows_the_count_and_the_rendered_message_in_each_language_and_queues_nothing(client, group):
    program, _people = group
    author = await _team_member(program)
    await sign_in(client, author.username)
    for htmx in (False, True):
        page = await post_form(
            client, _url(program, "preview"), {"subject": "Libur", "text": "Kelas <libur>."}, htmx=htmx
        )
        assert page.status_code == 200
        assert "3 of 4" in page.text or "3 dari 4" in page.text
        assert "Halo …" in page.text and "Hello …" in page.text  # one e-mail per language present
        assert "Kelas Menjahit: Libur — Kelas &lt;libur&gt;." in page.text  # the SMS version, escaped on the page
        assert "<html" not in page.text.split("announcement-preview", 1)[1]
        assert ("<!doctype html>" in page.text.lower()) is not htmx  # htmx gets the composer block only
    assert await OutboxMessage.count().run() == 0
    assert await Announcement.count().run() == 0


async def test_confirm_without_javascript_queues_and_redirects_to_the_page(client, group):
    program, _people = group
    author = await _team_member(program)
    await sign_in(client, author.username)
    data = {"subject": "Libur", "text": "Tidak ada kelas.", "form_key": announcements.new_form_key()}
    response = await post_form(client, _url(program), data)
    assert response.status_code == 303 and response.headers["location"].rstrip("/").endswith("/announcements")
    assert await OutboxMessage.count().run() == 3
    page = await client.get(response.headers["location"])
    assert "Libur" in page.text


@pytest.mark.parametrize(
    ("data", "field"),
    [({"subject": "", "text": "Teks"}, "subject"), ({"subject": "Libur", "text": "x" * 1001}, "text")],
)
async def test_bad_input_is_refused_next_to_its_field_with_400_and_nothing_queued(client, group, data, field):
    program, _people = group
    author = await _team_member(program)
    await sign_in(client, author.username)
    for step in ("preview", ""):
        page = await post_form(client, _url(program, step), data)
        assert page.status_code == 400
        assert re.search(rf'id="f-{field}-error" class="field-error">[^<]+<', page.text)
    assert await OutboxMessage.count().run() == 0
    assert await Announcement.count().run() == 0


async def test_someone_outside_the_team_may_not_announce(client, group):
    program, _people = group
    await _team_member(program)
    stranger = await make_staff(role="facilitator")
    await sign_in(client, stranger.username)
    assert (await client.get(_url(program))).status_code == 403
    response = await post_form(client, _url(program), {"subject": "Libur", "text": "Tidak ada kelas."})
    assert response.status_code == 403
    assert await OutboxMessage.count().run() == 0


async def test_an_organizer_outside_the_team_may_announce(organizer_client, group):
    program, _people = group
    data = {"subject": "Libur", "text": "Tidak ada kelas.", "form_key": announcements.new_form_key()}
    response = await post_form(organizer_client, _url(program), data)
    assert response.status_code == 303
    assert await OutboxMessage.count().run() == 3


# --- one send per preview --------------------------------------------------------------------------------------


async def test_confirming_the_same_preview_twice_sends_once_and_shows_the_first_result(client, group):
    program, _people = group
    author = await _team_member(program)
    await sign_in(client, author.username)
    preview = await post_form(client, _url(program, "preview"), {"subject": "Libur", "text": "Tidak ada kelas."})
    [key] = re.findall(r'name="form_key" value="([^"]+)"', preview.text)
    data = {"subject": "Libur", "text": "Tidak ada kelas.", "form_key": key}
    first = await post_form(client, _url(program), data)
    again = await post_form(client, _url(program), data, htmx=True)  # a second press, or the browser resubmitting
    assert first.status_code == 303 and again.status_code == 200 and again.headers["hx-redirect"]
    assert await Announcement.count().run() == 1
    assert await OutboxMessage.count().run() == 3
    page = await client.get(_url(program))
    assert "already sent" in page.text or "sudah dikirim" in page.text
    assert "3" in page.text


async def test_a_preview_key_sends_once_even_when_the_service_is_called_twice(group):
    program, _people = group
    author = await _team_member(program)
    row, key = await _program_dict(program), announcements.new_form_key()
    first = await announcements.send_announcement(row, author, "Libur", "Tidak ada kelas.", form_key=key)
    again = await announcements.send_announcement(row, author, "Libur", "Tidak ada kelas.", form_key=key)
    assert (first["repeated"], again["repeated"]) == (False, True)
    assert again["id"] == first["id"] and again["recipients"] == 3
    assert await OutboxMessage.count().run() == 3
    other = await announcements.send_announcement(row, author, "Libur", "Tidak ada kelas.", form_key=None)
    assert other["id"] != first["id"] and await OutboxMessage.count().run() == 6  # a new preview is a new message


async def test_sending_without_a_preview_key_is_refused_and_sends_nothing(client, group):
    program, _people = group
    author = await _team_member(program)
    await sign_in(client, author.username)
    for key in (None, "short"):
        data = {"subject": "Libur", "text": "Tidak ada kelas.", **({"form_key": key} if key else {})}
        page = await post_form(client, _url(program), data)
        assert page.status_code == 400
    assert await OutboxMessage.count().run() == 0
    assert await Announcement.count().run() == 0
