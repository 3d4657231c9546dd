"""Reminders before sessions: once per person per session, within the program's reminder window, never for a
cancelled session, not to those who cannot come or gave no consent, discreet, in the person's language."""

from __future__ import annotations

from datetime import timedelta

from conftest import post_form
from messages.mail_fixtures import channels, smtp  # noqa: F401  (fixtures)
from notice_helpers import NOW, a_program, member, outbox, program_row, session_at
from querycount import count_queries

from server import clock
from server.enrolment.personal import answer_rsvp
from server.messages import delivery, jobs
from server.notices import reminders
from server.people.consent import withdraw_consent
from server.programs.tables import Program
from server.schedule import services as schedule


async def _deliver(channels) -> None:
    with clock.frozen(NOW):
        await delivery.deliver_due(channels=channels)


def _whole(raw: bytes, email) -> str:
    return (
        raw.decode("ascii", "replace")
        + email.get_body(("plain",)).get_content()
        + email.get_body(("html",)).get_content()
    )


async def test_the_reminder_job_is_registered_with_the_delivery_loop():
    assert "session reminders" in jobs.registered()


async def test_a_reminder_arrives_once_even_when_the_job_runs_twice(db, smtp, channels):
    program = await a_program(title="Kelas Menjahit")
    await member(program, "Siti", email="siti@example.org")
    await session_at(program, timedelta(hours=20), location="Balai Warga RW 03")
    assert await reminders.queue_due_reminders(NOW) == 1
    assert await reminders.queue_due_reminders(NOW + timedelta(minutes=5)) == 0
    await _deliver(channels)
    [(to, _raw, email)] = smtp.messages
    assert to == ["siti@example.org"]
    # 23:00 UTC is 06:00 the next morning in Jakarta, in the house date style.
    assert email["Subject"] == "Pengingat: Kelas Menjahit, 2 Des 2026 06.00"
    body = email.get_body(("plain",)).get_content()
    assert "Halo Siti," in body and "06.00–07.30" in body and "Balai Warga RW 03" in body


async def test_a_reminder_is_in_english_for_someone_who_reads_english(db):
    program = await a_program(title="Sewing class")
    await member(program, "Maria", email="maria@example.org", locale="en")
    await session_at(program, timedelta(hours=20))
    await reminders.queue_due_reminders(NOW)
    [message] = await outbox("session_reminder")
    assert message["subject"] == "Reminder: Sewing class, Dec 2, 2026, 6:00 AM"
    assert "A reminder of the next session of Sewing class:" in message["body_text"]


async def test_a_cancelled_session_gets_no_reminder(db, organizer):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(hours=20))
    with clock.frozen(NOW):
        await schedule.cancel_occurrence(await program_row(program), session_id, "Hujan deras")
    assert await reminders.queue_due_reminders(NOW) == 0
    assert await outbox("session_reminder") == []


async def test_a_session_cancelled_then_restored_is_reminded_again(db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(hours=20))
    assert await reminders.queue_due_reminders(NOW) == 1
    with clock.frozen(NOW):
        await schedule.cancel_occurrence(await program_row(program), session_id, "Hujan deras")
        # The reminder not yet sent is withdrawn with the cancellation...
        assert await outbox("session_reminder") == []
        await schedule.restore_occurrence(await program_row(program), session_id)
    # ... and the restored session is reminded of again, under the same key.
    assert await reminders.queue_due_reminders(NOW) == 1


async def test_nobody_who_answered_they_cannot_come_is_reminded(db):
    program = await a_program()
    siti = await member(program, "Siti", email="siti@example.org")
    await member(program, "Ani", email="ani@example.org")
    session_id = await session_at(program, timedelta(hours=20))
    await answer_rsvp(siti, session_id, "not_going", now=NOW)
    assert await reminders.queue_due_reminders(NOW) == 1
    [message] = await outbox("session_reminder")
    assert message["address"] == "ani@example.org"


async def test_nobody_is_reminded_without_consent_to_be_contacted(db):
    program = await a_program()
    budi = await member(program, "Budi", email="budi@example.org")
    await withdraw_consent(budi, "contact", actor=None)
    await member(program, "Ani", consents=["participation", "data_collection"])
    await session_at(program, timedelta(hours=20))
    assert await reminders.queue_due_reminders(NOW) == 0


async def test_reminders_follow_the_programs_reminder_hours_and_zero_means_none(db):
    default = await a_program()
    early = await a_program(reminder_hours=72)
    silent = await a_program(reminder_hours=0)
    for program in (default, early, silent):
        await member(program, f"Member of {program.title}", email=f"m{program.id}@example.org")
    far = await session_at(default, timedelta(hours=30))
    near = await session_at(default, timedelta(hours=23))
    three_days = await session_at(early, timedelta(hours=70))
    await session_at(silent, timedelta(hours=2))
    await session_at(default, -timedelta(minutes=10))  # already started
    assert await reminders.queue_due_reminders(NOW) == 2
    assert {m["session_id"] for m in await outbox("session_reminder")} == {near, three_days}
    assert await reminders.queue_due_reminders(NOW + timedelta(hours=7)) == 1
    assert {m["session_id"] for m in await outbox("session_reminder")} == {near, three_days, far}


async def test_a_reminder_queued_in_the_quiet_hours_waits_for_the_morning_in_the_programs_timezone(db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    late = NOW + timedelta(hours=12)  # 22:00 in Jakarta
    await session_at(program, timedelta(hours=24))
    await reminders.queue_due_reminders(late)
    [message] = await outbox("session_reminder")
    assert message["next_attempt_at"] == NOW + timedelta(hours=21)  # 07:00 in Jakarta


async def test_a_discreet_programs_real_title_is_in_no_part_of_a_reminder_nor_its_text_message(db, smtp, channels):
    program = await a_program(title="Dukungan Korban Kekerasan", public_title="Kelompok Rabu", discreet=True)
    await member(program, "Siti", email="siti@example.org")
    await member(program, "Ani", phone="0812 3456 7890")
    await session_at(program, timedelta(hours=20))
    assert await reminders.queue_due_reminders(NOW) == 2
    [sms] = [m for m in await outbox("session_reminder") if m["channel"] == "sms"]
    assert "Kelompok Rabu" in sms["body_text"]
    await _deliver(channels)
    [(_to, raw, email)] = smtp.messages
    assert "Kelompok Rabu" in email["Subject"]
    whole = (_whole(raw, email) + sms["body_text"]).lower()
    for word in ("Dukungan", "Korban", "Kekerasan"):
        assert word.lower() not in whole


async def test_the_reminder_job_runs_the_same_queries_for_2_sessions_as_for_40(db):
    async def queries_for(sessions: int) -> tuple[int, int]:
        program = await a_program()
        for n in range(3):
            await member(program, f"Member {n}", email=f"p{program.id}-{n}@example.org")
        for n in range(sessions):
            await session_at(program, timedelta(hours=1, minutes=n))
        with count_queries() as first:
            queued = await reminders.queue_due_reminders(NOW)
        assert queued == 3 * sessions
        with count_queries() as again:
            assert await reminders.queue_due_reminders(NOW) == 0
        # One insert per new message; everything else does not grow with the sessions.
        await Program.update({Program.reminder_hours: 0}).where(Program.id == program.id).run()
        return first["n"] - queued, again["n"]

    assert await queries_for(2) == await queries_for(40)


def _program_form(**overrides) -> dict:
    data = {
        "title": "Kelas Menjahit Dasar",
        "slug": "kelas-menjahit",
        "kind": "skill_workshop",
        "visibility": "public",
        "timezone": "Asia/Jakarta",
        "enrolment_mode": "open",
    }
    return {**data, **overrides}


async def test_the_program_form_sets_reminder_hours_from_0_to_a_week_with_the_error_next_to_the_field(organizer_client):
    response = await post_form(organizer_client, "/manage/programs/new", _program_form(reminder_hours="200"))
    assert response.status_code == 400
    assert '<small id="f-reminder_hours-error" class="field-error">Must be at most 168.</small>' in response.text
    assert await Program.count() == 0
    response = await post_form(organizer_client, "/manage/programs/new", _program_form(reminder_hours="0"))
    assert response.status_code == 303
    edit = await organizer_client.get("/manage/programs/kelas-menjahit/edit")
    assert 'name="reminder_hours" type="number" value="0"' in edit.text
    response = await post_form(
        organizer_client, "/manage/programs/kelas-menjahit/edit", _program_form(reminder_hours="")
    )
    assert response.status_code == 303
    assert await Program.select(Program.reminder_hours).output(as_list=True) == [24]


async def test_a_reminder_quiet_hours_would_hold_past_the_start_goes_at_once(db):
    program = await a_program()
    await Program.update({Program.reminder_hours: 3}).where(Program.id == program.id).run()
    await member(program, "Siti", email="siti@example.org")
    early = await session_at(program, timedelta(hours=20))  # 06:00 in Jakarta, before quiet hours end
    later = await session_at(program, timedelta(hours=22))  # 08:00 in Jakarta
    at = NOW + timedelta(hours=19, minutes=30)  # 04:30 in Jakarta
    assert await reminders.queue_due_reminders(at) == 2
    due = {m["session_id"]: m["next_attempt_at"] for m in await outbox("session_reminder")}
    assert due[early] == at  # urgent: held until 07:00 it would come after the session began
    assert due[later] == NOW + timedelta(hours=21)  # held until 07:00 in Jakarta, an hour before the session
