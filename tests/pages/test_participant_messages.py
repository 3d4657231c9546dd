"""A participant's staff page lists what was sent to them and when (kind, channel, status, times, never what a
message said), only to staff who may see their contact details, in a number of queries that does not grow."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from conftest import sign_in
from factories import make_program, make_staff
from querycount import count_queries

from server.enrolment.services import enrol
from server.messages.tables import OutboxMessage
from server.people.participants import create_participant
from server.programs.tables import TeamMember

START = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)


async def _person(actor) -> int:
    values = {"display_name": "Siti Rahayu", "email": "siti@example.org", "preferred_locale": "id"}
    return await create_participant(actor, values, ["participation", "data_collection", "contact"])


async def _messages(participant_id: int, count: int, start: int = 0, **values) -> None:
    rows = []
    for number in range(start, start + count):
        fields = {
            "participant": participant_id,
            "address": "siti@example.org",
            "channel": "email",
            "template": "session_reminder",
            "idempotency_key": f"test:{participant_id}:{number}",
            "status": "sent",
            "subject": "Pengingat rahasia",
            "body_text": "Halaman pribadi: https://g.example/my/very-secret",
            "created_at": START + timedelta(minutes=number),
            "sent_at": START + timedelta(minutes=number, seconds=30),
            **values,
        }
        rows.append(OutboxMessage(**fields))
    await OutboxMessage.insert(*rows).run()


def _history(html: str) -> str:
    found = re.search(r'<section aria-labelledby="messages-heading">(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


async def _on_team(staff, participant_id: int) -> None:
    program = await make_program()
    await TeamMember.insert(TeamMember(program=program.id, staff=staff.id, role="lead")).run()
    await enrol(staff, program.id, participant_id)


async def test_the_team_sees_each_message_by_kind_channel_status_and_time_but_never_what_it_said(
    facilitator_client, facilitator
):
    admin = await make_staff(role="admin")
    pid = await _person(admin)
    await _on_team(facilitator, pid)
    await _messages(pid, 1)
    await _messages(pid, 1, start=1, template="registration_received", channel="sms", status="queued", sent_at=None)
    await _messages(pid, 1, start=2, template="place_offered", status="failed", sent_at=None)
    page = await facilitator_client.get(f"/participants/{pid}")
    assert page.status_code == 200
    history = _history(page.text)
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", history, re.S)
    assert rows == [
        ("Place offered", "E-mail", "Failed"),
        ("Registration received", "SMS/WhatsApp", "Queued"),
        ("Session reminder", "E-mail", "Sent"),
    ]
    assert "<td>Mar 10, 2026, 12:00\u202fPM</td>" in history  # queued and sent, in Jakarta time
    assert "very-secret" not in page.text and "Pengingat rahasia" not in page.text
    assert "The latest" not in history  # all of them are shown


async def test_the_page_shows_the_latest_twenty_messages_and_how_many_there_are(admin_client, admin):
    pid = await _person(admin)
    await _messages(pid, 25)
    history = _history((await admin_client.get(f"/participants/{pid}")).text)
    assert "The latest 20 of 25 messages." in history
    assert history.count("Session reminder") == 20


async def test_a_person_never_sent_anything_has_an_empty_history(admin_client, admin):
    pid = await _person(admin)
    assert "Nothing has been sent to this person." in _history((await admin_client.get(f"/participants/{pid}")).text)


async def test_a_facilitator_who_may_not_see_the_person_gets_no_history(facilitator_client):
    admin = await make_staff(role="admin")
    pid = await _person(admin)
    await _messages(pid, 3)
    page = await facilitator_client.get(f"/participants/{pid}")
    assert page.status_code == 404 and "Session reminder" not in page.text


async def test_an_organizer_off_the_persons_teams_sees_the_person_but_not_their_messages(client, organizer):
    admin = await make_staff(role="admin")
    pid = await _person(admin)
    await _messages(pid, 3)
    await sign_in(client, organizer.username)
    page = await client.get(f"/participants/{pid}")
    assert page.status_code == 200 and "Siti Rahayu" in page.text
    assert _history(page.text) == "" and "Session reminder" not in page.text


async def test_another_persons_messages_are_not_in_the_history(admin_client, admin):
    pid = await _person(admin)
    other = await create_participant(admin, {"display_name": "Budi", "preferred_locale": "id"}, ["participation"])
    await _messages(other, 2, template="announcement")
    assert "Announcement" not in _history((await admin_client.get(f"/participants/{pid}")).text)


async def test_the_page_runs_as_many_queries_with_sixty_messages_as_with_two(admin_client, admin):
    counts = []
    for number, count in enumerate((2, 60)):
        pid = await _person(admin)
        await _messages(pid, count, start=number * 100)
        with count_queries() as counter:
            assert (await admin_client.get(f"/participants/{pid}")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts
