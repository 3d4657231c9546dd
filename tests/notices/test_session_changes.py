"""Restored sessions, sessions cancelled again, a whole series retimed (one message per person) and what a discreet
program's cancellation message leaves out."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from messages.mail_fixtures import channels, smtp  # noqa: F401  (fixtures)
from notice_helpers import NOW, a_program, member, outbox, program_row, session_at

from server import clock
from server.messages import delivery
from server.messages.tables import OutboxMessage
from server.notices import reminders
from server.notices import sessions as notices
from server.schedule import events
from server.schedule import services as schedule
from server.schedule.services import Details, Repeat
from server.schedule.tables import ProgramSession


async def _cancel(program, session_id: int, reason: str = "Fasilitator sakit", at=NOW) -> None:
    with clock.frozen(at):
        await schedule.cancel_occurrence(await program_row(program), session_id, reason)


async def _restore(program, session_id: int, at=NOW) -> None:
    with clock.frozen(at):
        await schedule.restore_occurrence(await program_row(program), session_id)


def _recorded(monkeypatch, table: dict) -> list:
    seen: list = []

    async def record(change) -> None:
        seen.append(change)

    monkeypatch.setitem(table, "tests.record", record)
    return seen


async def _whole_messages(smtp, channels) -> str:
    """Every message's text message body, and every e-mail's raw form, plain and HTML parts, delivered."""
    whole = " ".join(m["body_text"] for m in await OutboxMessage.select().where(OutboxMessage.channel == "sms"))
    with clock.frozen(NOW):
        await delivery.deliver_due(channels=channels)
    for _to, raw, email in smtp.messages:
        whole += email["Subject"] + raw.decode("ascii", "replace") + email.get_body(("plain",)).get_content()
        whole += email.get_body(("html",)).get_content()
    return whole


# --- cancelled, restored, cancelled again ----------------------------------------------------------------------


async def test_a_session_cancelled_again_after_a_restore_is_told_again(db):
    program = await a_program()
    siti = await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(days=3))
    await _cancel(program, session_id)
    await OutboxMessage.update({OutboxMessage.status: "sent"}).where(OutboxMessage.participant == siti).run()
    await _restore(program, session_id, at=NOW + timedelta(hours=1))
    await _cancel(program, session_id, reason="Banjir", at=NOW + timedelta(hours=2))
    cancelled = await outbox("session_cancelled")
    assert len(cancelled) == 2 and len({m["idempotency_key"] for m in cancelled}) == 2
    assert "Banjir" in cancelled[1]["body_text"]
    assert len(await outbox("session_restored")) == 1


async def test_the_same_cancellation_handled_twice_is_queued_once(db, monkeypatch):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(days=3))
    seen = _recorded(monkeypatch, events._HANDLERS)
    await _cancel(program, session_id)
    await OutboxMessage.update({OutboxMessage.status: "sent"}, force=True).run()
    await _restore(program, session_id)
    for change in seen:  # a retry of each change, e.g. a handler run again
        await notices.session_changed(change)
    assert len(await outbox("session_cancelled")) == 1
    assert len(await outbox("session_restored")) == 1


async def test_members_are_told_a_restored_session_takes_place_after_all(db, smtp, channels):
    program = await a_program(title="Sewing class")
    await member(program, "Maria", email="maria@example.org", locale="en")
    await member(program, "Ani", phone="0812 3456 7890")
    session_id = await session_at(program, timedelta(days=3), location="Balai Warga")
    await _cancel(program, session_id)
    await OutboxMessage.update({OutboxMessage.status: "sent"}, force=True).run()  # the cancellation reached them
    await _restore(program, session_id)
    [sms] = [m for m in await outbox("session_restored") if m["channel"] == "sms"]
    assert sms["body_text"].strip() == (
        "Sewing class: pertemuan pada 4 Des 2026 10.00 tidak jadi dibatalkan; tetap berlangsung sesuai rencana."
    )
    with clock.frozen(NOW):
        await delivery.deliver_due(channels=channels)
    [(_to, _raw, email)] = smtp.messages
    assert email["Subject"] == "Not cancelled after all: Sewing class, Dec 4, 2026, 10:00 AM"
    body = email.get_body(("plain",)).get_content()
    assert "no longer cancelled" in body and "Balai Warga" in body


async def test_a_cancellation_still_waiting_is_withdrawn_on_restore_and_nobody_hears_of_either(db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(days=3))
    night = NOW + timedelta(hours=13)  # 23:00 in Jakarta: the cancellation waits for the morning
    await _cancel(program, session_id, at=night)
    await _restore(program, session_id, at=night + timedelta(minutes=10))
    assert await outbox("session_cancelled") == []
    assert await outbox("session_restored") == []


async def test_a_restored_session_is_reminded_of_again(db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(hours=20))
    assert await reminders.queue_due_reminders(NOW) == 1
    await _cancel(program, session_id)
    assert await outbox("session_reminder") == []  # withdrawn with the cancellation
    await _restore(program, session_id)
    assert await reminders.queue_due_reminders(NOW + timedelta(minutes=5)) == 1
    [reminder] = await outbox("session_reminder")
    assert reminder["idempotency_key"] == reminders.reminder_key(session_id, reminder["participant"])


# --- a discreet program's cancellation -------------------------------------------------------------------------


async def test_a_discreet_programs_cancellation_leaves_out_the_reason_everywhere(db, smtp, channels):
    program = await a_program(title="Dukungan Korban Kekerasan", public_title="Kelompok Rabu", discreet=True)
    await member(program, "Siti", email="siti@example.org")
    await member(program, "Ani", phone="0812 3456 7890")
    session_id = await session_at(program, timedelta(days=3))
    await _cancel(program, session_id, reason="Konselor trauma berhalangan")
    whole = await _whole_messages(smtp, channels)
    assert len(smtp.messages) == 1 and "Kelompok Rabu" in whole
    for word in ("Konselor", "trauma", "berhalangan", "Alasan", "Dukungan", "Kekerasan"):
        assert word.lower() not in whole.lower()


async def test_an_ordinary_programs_cancellation_keeps_the_reason(db):
    program = await a_program(title="Kelas Menjahit")
    await member(program, "Siti", email="siti@example.org")
    session_id = await session_at(program, timedelta(days=3))
    await _cancel(program, session_id, reason="Konselor berhalangan")
    [message] = await outbox("session_cancelled")
    assert "Alasan: Konselor berhalangan" in message["body_text"] and "Konselor berhalangan" in message["body_html"]


# --- a whole series retimed ------------------------------------------------------------------------------------


async def _weekly(program, first: date, count: int) -> list[int]:
    """A weekly series on Thursdays, 10:00-11:30 in Jakarta; its sessions' ids in time order."""
    row = await program_row(program)
    repeat = Repeat(frequency="weekly", first_day=first, weekdays=("TH",), count=count)
    series_id, _conflicts = await schedule.add_series(
        row, repeat=repeat, start=time(10, 0), end=time(11, 30), details=Details(location="Balai Warga")
    )
    rows = (
        await ProgramSession.select(ProgramSession.id)
        .where(ProgramSession.series == series_id)
        .order_by(ProgramSession.starts_at)
    )
    return [r["id"] for r in rows]


async def _retime(program, session_id: int, start: time, end: time, at=NOW, location="Balai Warga") -> None:
    await schedule.edit_series(
        await program_row(program), session_id, start=start, end=end, details=Details(location=location), now=at
    )


async def test_a_retimed_series_sends_one_message_per_person_with_the_next_five_future_times(db, smtp, channels):
    program = await a_program(title="Sewing class")
    await member(program, "Maria", email="maria@example.org", locale="en")
    await member(program, "Ani", phone="0812 3456 7890")
    ids = await _weekly(program, date(2026, 11, 19), 8)  # 19 and 26 Nov are past; 3-31 Dec are to come
    await _retime(program, ids[3], time(14, 0), time(15, 30))
    messages = await outbox("schedule_changed")
    assert len(messages) == 2 and len({m["participant"] for m in messages}) == 2
    assert await outbox("session_moved") == []
    [sms] = [m for m in messages if m["channel"] == "sms"]
    assert sms["body_text"].startswith("Sewing class: waktu pertemuan baru, berikutnya pada 3 Des 2026 14.00.")
    with clock.frozen(NOW):
        await delivery.deliver_due(channels=channels)
    [(_to, _raw, email)] = smtp.messages
    assert email["Subject"] == "New times: Sewing class"
    body = email.get_body(("plain",)).get_content()
    for day in (3, 10, 17, 24, 31):
        assert f"Dec {day}, 2026, 2:00\u202fPM–3:30\u202fPM" in body
    assert "Nov" not in body  # past sessions keep their time and are not listed
    assert "And 1 more." in body and "personal page" in body


async def test_each_change_to_a_series_is_told_once(db, monkeypatch):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    ids = await _weekly(program, date(2026, 12, 3), 4)
    seen = _recorded(monkeypatch, events._SERIES_HANDLERS)
    await _retime(program, ids[0], time(14, 0), time(15, 30))
    await notices.series_changed(seen[0])  # the same change handled again
    await _retime(program, ids[0], time(14, 0), time(15, 30), location="Aula")  # new details, same times
    assert len(await outbox("schedule_changed")) == 1
    await _retime(program, ids[0], time(16, 0), time(17, 30))  # a second retime
    assert len(await outbox("schedule_changed")) == 2


async def test_a_retimed_series_withdraws_the_reminders_for_the_old_times(db):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    ids = await _weekly(program, date(2026, 12, 1), 3)  # a Tuesday start: the first Thursday is 3 Dec
    assert await reminders.queue_due_reminders(NOW + timedelta(days=1, hours=12)) == 1
    await _retime(program, ids[0], time(14, 0), time(15, 30), at=NOW + timedelta(days=1, hours=13))
    assert await outbox("session_reminder") == []
    [message] = await outbox("schedule_changed")
    assert message["next_attempt_at"] == NOW + timedelta(days=1, hours=13)  # within a day of the session: urgent


async def test_a_series_retime_rolled_back_tells_nobody(db, monkeypatch):
    program = await a_program()
    await member(program, "Siti", email="siti@example.org")
    ids = await _weekly(program, date(2026, 12, 3), 4)

    async def later_step_fails(change) -> None:
        raise RuntimeError("a later step of the same change failed")

    monkeypatch.setitem(events._SERIES_HANDLERS, "tests.later_step_fails", later_step_fails)
    with pytest.raises(RuntimeError):
        await _retime(program, ids[0], time(14, 0), time(15, 30))
    assert await OutboxMessage.count() == 0


async def test_a_discreet_programs_real_title_is_in_no_restored_or_schedule_message(db, smtp, channels):
    program = await a_program(title="Dukungan Korban Kekerasan", public_title="Kelompok Rabu", discreet=True)
    siti = await member(program, "Siti", email="siti@example.org")
    await member(program, "Ani", phone="0812 3456 7890")
    session_id = await session_at(program, timedelta(days=2))
    await _cancel(program, session_id)
    await OutboxMessage.delete().where(OutboxMessage.template == "session_cancelled")  # as if sent and cleared
    await _restore(program, session_id)
    ids = await _weekly(program, date(2026, 12, 10), 3)
    await _retime(program, ids[0], time(14, 0), time(15, 30))
    templates = {m["template"] for m in await OutboxMessage.select().where(OutboxMessage.participant == siti)}
    assert templates == {"session_restored", "schedule_changed"}
    whole = await _whole_messages(smtp, channels)
    assert "Kelompok Rabu" in whole
    for word in ("Dukungan", "Korban", "Kekerasan"):
        assert word.lower() not in whole.lower()


async def test_retiming_a_session_and_the_following_ones_sends_one_message_listing_only_those(db):
    program = await a_program(title="Sewing class")
    await member(program, "Maria", email="maria@example.org", locale="en")
    ids = await _weekly(program, date(2026, 12, 3), 4)  # 3, 10, 17, 24 Dec
    await schedule.edit_following(
        await program_row(program),
        ids[2],
        start=time(14, 0),
        end=time(15, 30),
        details=Details(location="Balai Warga"),
        now=NOW,
    )
    [message] = await outbox("schedule_changed")
    assert "Dec 17, 2026, 2:00\u202fPM" in message["body_text"] and "Dec 24, 2026, 2:00\u202fPM" in message["body_text"]
    assert "Dec 3," not in message["body_text"] and "Dec 10," not in message["body_text"]
