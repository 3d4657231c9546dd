"""Quiet hours: a non-urgent message queued in them waits until they end, in the program's timezone; an urgent one
goes at once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from server.messages import outbox
from server.messages.quiet import release_time
from server.messages.recipients import Recipient, queue_to
from server.messages.tables import OutboxMessage

NIGHT = "21:00-07:00"
JAKARTA = "Asia/Jakarta"  # UTC+7
JAYAPURA = "Asia/Jayapura"  # UTC+9


def _local(text: str, zone: str = JAKARTA) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def _at(text: str, zone: str = JAKARTA, hours: str = NIGHT) -> datetime:
    """When a message queued at local time `text` may go, as a local time in the same zone."""
    released = release_time(_local(text, zone).astimezone(UTC), zone, hours)
    assert released.tzinfo == UTC  # given back in the caller's zone
    return released.astimezone(ZoneInfo(zone))


@pytest.mark.parametrize(
    ("queued", "released"),
    [
        ("2026-03-10 12:00", "2026-03-10 12:00"),  # the day: at once
        ("2026-03-10 22:00", "2026-03-11 07:00"),  # the evening: next morning
        ("2026-03-10 23:59", "2026-03-11 07:00"),
        ("2026-03-11 00:00", "2026-03-11 07:00"),  # after midnight: the same morning
        ("2026-03-11 02:30", "2026-03-11 07:00"),
        ("2026-03-31 22:00", "2026-04-01 07:00"),  # across the end of a month
    ],
)
def test_quiet_hours_across_midnight_release_the_message_the_next_morning(queued, released):
    assert _at(queued) == _local(released)


@pytest.mark.parametrize(
    ("queued", "released"),
    [
        ("2026-03-10 20:59", "2026-03-10 20:59"),  # the last minute before: at once
        ("2026-03-10 21:00", "2026-03-11 07:00"),  # the first quiet minute
        ("2026-03-11 06:59", "2026-03-11 07:00"),  # the last quiet minute
        ("2026-03-11 07:00", "2026-03-11 07:00"),  # the end is not quiet any more
        ("2026-03-11 06:59:59", "2026-03-11 07:00"),
    ],
)
def test_quiet_hours_start_at_their_first_minute_and_end_at_their_last(queued, released):
    assert _at(queued) == _local(released)


@pytest.mark.parametrize(
    ("queued", "released"),
    [
        ("2026-03-10 11:59", "2026-03-10 11:59"),
        ("2026-03-10 12:00", "2026-03-10 14:00"),
        ("2026-03-10 13:30", "2026-03-10 14:00"),
        ("2026-03-10 14:00", "2026-03-10 14:00"),
        ("2026-03-10 23:00", "2026-03-10 23:00"),
    ],
)
def test_quiet_hours_within_one_day_release_the_message_the_same_day(queued, released):
    assert _at(queued, hours="12:00-14:00") == _local(released)


@pytest.mark.parametrize("hours", ["", "07:00-07:00", "not hours"])
def test_empty_or_meaningless_quiet_hours_delay_nothing(hours):
    assert _at("2026-03-10 23:00", hours=hours) == _local("2026-03-10 23:00")


def test_quiet_hours_are_read_in_the_given_timezone():
    # 13:30 UTC is 20:30 in Jakarta (not quiet yet) but 22:30 in Jayapura (quiet until 07:00 there, 22:00 UTC).
    evening = datetime(2026, 3, 10, 13, 30, tzinfo=UTC)
    assert release_time(evening, JAKARTA, NIGHT) == evening
    assert release_time(evening, JAYAPURA, NIGHT) == datetime(2026, 3, 10, 22, 0, tzinfo=UTC)
    # 23:30 UTC is 06:30 in Jakarta (quiet for half an hour more) but 08:30 in Jayapura (day).
    dawn = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    assert release_time(dawn, JAKARTA, NIGHT) == datetime(2026, 3, 11, 0, 0, tzinfo=UTC)
    assert release_time(dawn, JAYAPURA, NIGHT) == dawn


def test_quiet_hours_with_seconds_end_on_their_second_not_a_day_later():
    assert _at("2026-03-11 06:00", hours="21:00-07:00:30") == _local("2026-03-11 07:00:30")
    assert _at("2026-03-11 07:00:10", hours="21:00-07:00:30") == _local("2026-03-11 07:00:30")


# --- queueing ----------------------------------------------------------------------------------------------------

SITI = Recipient(0, "Siti", "sms", "+6281234567890", "id")
CONTEXT = {"program_title": "Kelas Menjahit", "status": "enrolled", "personal_url": "https://g.example/my/abc"}


@pytest.fixture
async def siti(db):
    from server.people.participants import create_participant

    values = {"display_name": "Siti", "phone": "0812 3456 7890", "preferred_locale": "id"}
    pid = await create_participant(None, values, ["participation", "data_collection", "contact"])
    return dataclasses.replace(SITI, participant_id=pid)


async def _due(key: str) -> datetime:
    row = await OutboxMessage.select(OutboxMessage.next_attempt_at).where(OutboxMessage.idempotency_key == key).first()
    return row["next_attempt_at"]


async def _queue(recipient, key: str, at: datetime, zone: str, urgent: bool = False) -> None:
    assert await queue_to(
        recipient,
        key=key,
        template="registration_received",
        context=CONTEXT,
        timezone=zone,
        urgent=urgent,
        now=at.astimezone(UTC),
    )


@pytest.mark.parametrize("zone", [JAKARTA, JAYAPURA])
async def test_a_message_queued_at_ten_in_the_evening_waits_until_seven_but_an_urgent_one_does_not(siti, zone):
    evening = _local("2026-03-10 22:00", zone)
    await _queue(siti, "reminder:1", evening, zone)
    await _queue(siti, "cancelled:1", evening, zone, urgent=True)
    assert await _due("reminder:1") == _local("2026-03-11 07:00", zone)
    assert await _due("cancelled:1") == evening


async def test_a_message_queued_in_the_day_is_due_at_once(siti):
    noon = _local("2026-03-10 12:00")
    await _queue(siti, "reminder:1", noon, JAKARTA)
    assert await _due("reminder:1") == noon


async def test_without_a_timezone_the_organisations_is_used(siti):
    # The test settings' default timezone is Asia/Jakarta: 22:00 in Jayapura is 20:00 there, not quiet.
    evening = _local("2026-03-10 22:00", JAYAPURA)
    assert await queue_to(siti, key="k", template="registration_received", context=CONTEXT, now=evening)
    assert await _due("k") == evening


async def test_quiet_hours_turned_off_delay_nothing(siti, monkeypatch):
    monkeypatch.setattr(outbox, "settings", dataclasses.replace(outbox.settings, quiet_hours=""))
    evening = _local("2026-03-10 22:00")
    await _queue(siti, "reminder:1", evening, JAKARTA)
    assert await _due("reminder:1") == evening
