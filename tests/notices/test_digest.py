"""The staff digest of early warnings: only to those who asked, once per local day from 07:00, nothing on a day
without warnings, and only display names of people the staff member may see — no contact details or notes."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "messages"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "attendance"))

from attendance_helpers import NOW, enrol, mark, session_at
from conftest import post_form
from factories import make_program, make_staff
from mail_fixtures import channels, smtp  # noqa: F401  (fixtures)

from server import clock
from server.messages import delivery, jobs
from server.messages.tables import OutboxMessage
from server.notices import digest
from server.people.staff import set_warning_digest, warning_digest
from server.programs.tables import TeamMember

SECRETS = ("wulan@example.org", "0812 3456 7890", "Wulan Sari Lengkap", "catatan rahasia")


async def _stopped_coming(program, name: str, **person) -> int:
    """Someone enrolled a month before NOW who came once, then missed the three latest sessions."""
    sessions = [await session_at(program, NOW - timedelta(days=days)) for days in (28, 21, 14, 7)]
    person_id = await enrol(program, name, NOW - timedelta(days=40), **person)
    await mark(sessions[0], person_id, "present")
    for session in sessions[1:]:
        await mark(session, person_id, "absent")
    return person_id


@pytest.fixture
async def world(db):
    """Program A (facilitator Fajar's team) and program B (not his), each with one person who stopped coming."""
    fajar = await make_staff(username="fajar", display_name="Fajar")
    mine = await make_program(slug="menjahit", title="Kelas Menjahit")
    other = await make_program(slug="tani", title="Kelompok Tani")
    await TeamMember.insert(TeamMember(program=mine.id, staff=fajar.id, role="lead")).run()
    await _stopped_coming(
        mine,
        "Wulan Warning",
        email="wulan@example.org",
        phone="0812 3456 7890",
        legal_name="Wulan Sari Lengkap",
        notes="catatan rahasia",
    )
    await _stopped_coming(other, "Bima Lain")
    return {"fajar": fajar, "mine": mine, "other": other}


async def test_the_digest_job_is_registered_with_the_delivery_loops():
    assert "warning digest" in jobs.registered()


async def test_an_opted_in_staff_member_gets_names_of_their_own_programs_people_only(world, smtp, channels):
    await set_warning_digest(world["fajar"].id, True)
    assert await digest.send_digests(NOW) == 1
    with clock.frozen(NOW):
        await delivery.deliver_due(channels=channels)
    [(recipients, raw, email)] = smtp.messages
    assert recipients == ["fajar@example.org"]
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Wulan Warning" in part and "Kelas Menjahit" in part
        assert "/dashboard" in part
    whole = raw.decode("utf-8", "replace") + text + html
    for absent in ("Bima Lain", "Kelompok Tani", *SECRETS):
        assert absent not in whole


async def test_only_staff_who_opted_in_with_an_email_address_get_it(world):
    organizer = await make_staff("organizer", username="olga")
    assert await digest.send_digests(NOW) == 0
    await set_warning_digest(organizer.id, True)
    assert await digest.send_digests(NOW) == 1
    [message] = await OutboxMessage.select().run()
    assert message["staff"] == organizer.id and message["template"] == "warning_digest"
    # An organizer oversees every running program: both people are listed.
    assert "Wulan Warning" in message["body_text"] and "Bima Lain" in message["body_text"]


async def test_once_per_local_day_and_not_before_seven(world):
    await set_warning_digest(world["fajar"].id, True)
    # NOW is 10:00 in Jakarta; 06:30 there is 23:30 UTC the day before.
    early = NOW - timedelta(hours=3, minutes=30)
    assert await digest.send_digests(early) == 0
    assert await digest.send_digests(NOW) == 1
    assert await digest.send_digests(NOW + timedelta(hours=5)) == 0
    assert await digest.send_digests(NOW + timedelta(days=1)) == 1
    keys = [row["idempotency_key"] for row in await OutboxMessage.select(OutboxMessage.idempotency_key).run()]
    assert sorted(keys) == [f"digest:{world['fajar'].id}:2026-12-01", f"digest:{world['fajar'].id}:2026-12-02"]


async def test_no_message_on_a_day_without_warnings(db):
    calm = await make_staff(username="tenang")
    program = await make_program(slug="rapi", title="Kelas Rapi")
    await TeamMember.insert(TeamMember(program=program.id, staff=calm.id, role="lead")).run()
    await set_warning_digest(calm.id, True)
    assert await digest.send_digests(NOW) == 0
    assert await OutboxMessage.count().run() == 0


async def test_the_choice_is_a_checkbox_on_the_staff_members_account_page(facilitator_client, facilitator):
    page = await facilitator_client.get("/account/password")
    assert "E-mail me a daily summary of people who stopped coming" in page.text
    response = await post_form(facilitator_client, "/account/digest", {"warning_digest": "on"})
    assert response.status_code == 303
    assert await warning_digest(facilitator.id) is True
    page = await facilitator_client.get("/account/password")
    assert 'name="warning_digest"' in page.text and "checked" in page.text
    await post_form(facilitator_client, "/account/digest", {})
    assert await warning_digest(facilitator.id) is False
