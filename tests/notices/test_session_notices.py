"""Cancelled and moved sessions: members are told in the same transaction as the change, with the new time, urgently
when the session is near, discreetly, and a change refused or rolled back tells nobody anything."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from conftest import post_form
from messages.mail_fixtures import channels, smtp  # noqa: F401  (fixtures)
from notice_helpers import NOW, a_program, member, outbox, program_row, session_at

from server import clock
from server.errors import DomainError
from server.messages import delivery
from server.messages.tables import OutboxMessage
from server.notices import reminders
from server.schedule import events
from server.schedule import services as schedule
from server.schedule.tables import ProgramSession


async def _cancel(program, session_id: int, reason: str = "Fasilitator sakit", at=NOW) -> None:
    with clock.frozen(at):
        await schedule.cancel_occurrence(await program_row(program), session_id, reason)


async def _move(program, session_id: int, day: date, start: time, end: time, at=NOW) -> None:
    with clock.frozen(at):
        await schedule.move_occurrence(await program_row(program), session_id, day=day, start=start, end=end)


async def test_members_are_told_of_a_cancelled_session_with_its_time_and_reason(db, smtp, channels):
    program = await a_program(title="Kelas Menjahit")
    await member(program, "Siti", email="siti@example.org")
    await member(program, "Ani", email="ani@example.org", locale="en")
    session_id = await session_at(program, timedelta(days=3))
    await _cancel(program, session_id)
    with clock.frozen(NOW):
        await delivery.deliver_due(channels=channels)
    emails = {to[0]: email for to, _raw, email in smtp.messages}
    assert emails["siti@example.org"]["Subject"] == "Dibatalkan: Kelas Menjahit, 4 Des 2026 10.00"
    siti = emails["siti@example.org"].get_body(("plain",)).get_content()
    assert "Pertemuan Kelas Menjahit pada 4 Des 2026 10.00 dibatalkan." in siti
    assert "Alasan: Fasilitator sakit" in siti
    assert emails["ani@example.org"]["Subject"] == "Cancelled: Kelas Menjahit, Dec 4, 2026, 10:00 AM"


async def test_members_are_told_the_old_and_new_time_of_a_moved_session(db, smtp, channels):
    program = await a_program(title="Sewing class")
    await member(program, "Maria", email="maria@example.org", locale="en")
    session_id = await session_at(program, timedelta(days=3))  # 4 Dec, 10:00 in Jakarta
    await _move(program, session_id, date(2026, 12, 5), time(14, 0), time(15, 30))
    with clock.frozen(NOW):
        await delivery.deliver_due(channels=channels)
    [(_to, _raw, email)] = smtp.messages
    assert email["Subject"] == "New time: Sewing class, Dec 5, 2026, 2:00 PM"
    body = email.get_body(("plain",)).get_content()
    assert "The session of Sewing class on Dec 4, 2026, 10:00\u202fAM has moved to a new time:" in body
    assert "Dec 5, 2026, 2:00\u202fPM–3:30\u202fPM" in body


async def test_a_move_in_indonesian_by_text_message_names_both_times(db):
    program = await a_program(title="Kelas Menjahit")
    await member(program, "Ani", phone="0812 3456 7890")
    session_id = await session_at(program, timedelta(days=3))
    await _move(program, session_id, date(2026, 12, 5), time(14, 0), time(15, 30))
    [sms] = await outbox("session_moved")
    assert sms["channel"] == "sms" and sms["address"] == "+6281234567890"
    assert sms["body_text"].strip() == "Kelas Menjahit: pertemuan pada 4 Des 2026 10.00 dipindah ke 5 Des 2026 14.00."


async def test_a_change_within_a_day_of_the_session_is_urgent_and_skips_quiet_hours(db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    near = await session_at(program, timedelta(hours=20))
    far = await session_at(program, timedelta(days=3))
    night = NOW + timedelta(hours=13)  # 23:00 in Jakarta
    await _cancel(program, near, at=night)
    await _cancel(program, far, at=night)
    due = {m["session_id"]: m["next_attempt_at"] for m in await outbox("session_cancelled")}
    assert due[near] == night
    assert due[far] == NOW + timedelta(hours=21)  # 07:00 the next morning in Jakarta


async def test_a_session_moved_again_is_told_again_but_the_same_change_only_once(db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(days=3))
    await _move(program, session_id, date(2026, 12, 5), time(14, 0), time(15, 30))
    await _move(program, session_id, date(2026, 12, 5), time(14, 0), time(16, 0))
    await _move(program, session_id, date(2026, 12, 6), time(9, 0), time(10, 0))
    keys = [m["idempotency_key"] for m in await outbox("session_moved")]
    assert len(keys) == 2 and len(set(keys)) == 2


async def test_a_moved_session_is_reminded_of_at_its_new_time_not_its_old_one(db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(hours=20))
    assert await reminders.queue_due_reminders(NOW) == 1
    await _move(program, session_id, date(2026, 12, 8), time(10, 0), time(11, 0))
    assert await outbox("session_reminder") == []  # the reminder for the old time is withdrawn
    assert await reminders.queue_due_reminders(NOW) == 0  # a week ahead: not due yet
    assert await reminders.queue_due_reminders(NOW + timedelta(days=6, hours=8)) == 1


async def test_a_past_session_cancelled_or_moved_tells_nobody(db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, -timedelta(days=2))
    await _move(program, session_id, date(2026, 11, 28), time(14, 0), time(15, 0))
    await _cancel(program, session_id)
    assert await OutboxMessage.count().where(OutboxMessage.template.is_in(["session_moved", "session_cancelled"])) == 0


async def test_a_discreet_programs_real_title_is_in_no_cancellation_or_move_message(db, smtp, channels):
    program = await a_program(title="Dukungan Korban Kekerasan", public_title="Kelompok Rabu", discreet=True)
    await member(program, "Siti", email="siti@example.org")
    await member(program, "Ani", phone="0812 3456 7890")
    moved = await session_at(program, timedelta(days=3))
    cancelled = await session_at(program, timedelta(days=4))
    await _move(program, moved, date(2026, 12, 5), time(14, 0), time(15, 30))
    await _cancel(program, cancelled, reason="Ruangan dipakai")
    texts = [m["body_text"] for m in await OutboxMessage.select().where(OutboxMessage.channel == "sms")]
    assert len(texts) == 2 and all("Kelompok Rabu" in text for text in texts)
    with clock.frozen(NOW):
        await delivery.deliver_due(channels=channels)
    assert len(smtp.messages) == 2
    whole = " ".join(texts)
    for _to, raw, email in smtp.messages:
        assert "Kelompok Rabu" in email["Subject"]
        whole += raw.decode("ascii", "replace") + email.get_body(("plain",)).get_content()
        whole += email.get_body(("html",)).get_content()
    for word in ("Dukungan", "Korban", "Kekerasan"):
        assert word.lower() not in whole.lower()


async def test_a_refused_cancellation_queues_nothing(db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(days=3))
    with pytest.raises(DomainError):
        await _cancel(program, session_id, reason="  ")
    assert await OutboxMessage.count() == 0


async def test_a_change_rolled_back_after_the_messages_were_queued_leaves_none(db, monkeypatch):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(days=3))

    async def later_step_fails(change: events.SessionChange) -> None:
        raise RuntimeError("a later step of the same change failed")

    monkeypatch.setitem(events._HANDLERS, "tests.later_step_fails", later_step_fails)
    with pytest.raises(RuntimeError):
        await _cancel(program, session_id)
    with pytest.raises(RuntimeError):
        await _move(program, session_id, date(2026, 12, 5), time(14, 0), time(15, 30))
    assert await OutboxMessage.count() == 0
    row = await ProgramSession.select(ProgramSession.status).where(ProgramSession.id == session_id).first()
    assert row["status"] == "scheduled"


async def test_cancelling_through_the_schedule_page_tells_the_members(organizer_client, db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(days=3))
    with clock.frozen(NOW):
        response = await post_form(
            organizer_client, f"/manage/programs/{program.slug}/sessions/{session_id}/cancel", {"reason": "Banjir"}
        )
    assert response.status_code in (200, 303)
    [message] = await outbox("session_cancelled")
    assert message["address"] == "siti@example.org" and "Banjir" in message["body_text"]
