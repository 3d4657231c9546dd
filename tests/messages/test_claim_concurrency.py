"""Several workers share one outbox: concurrent claims never take the same message, and a lease is taken over only
once it has run out. Runs on SQLite (BEGIN IMMEDIATE serialises claims) and on PostgreSQL (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from mail_fixtures import channels, smtp  # noqa: F401  (fixtures)

from server import clock
from server.messages import delivery
from server.messages.tables import OutboxMessage

MESSAGES = 200


async def _insert(count: int, **values) -> list[int]:
    due = clock.now() - timedelta(minutes=1)
    rows = await OutboxMessage.insert(
        *[
            OutboxMessage(
                address=f"orang{number}@example.org",
                template="bench",
                idempotency_key=f"concurrency:{number}",
                next_attempt_at=due,
                subject=f"Pesan {number}",
                body_text=f"Pesan nomor {number}\n",
                **values,
            )
            for number in range(count)
        ]
    ).run()
    return [row["id"] for row in rows]


async def test_two_delivery_loops_deliver_every_message_exactly_once(db, smtp, channels):
    await _insert(MESSAGES)

    async def loop() -> int:
        claimed = 0
        while batch := await delivery.deliver_due(5, channels=channels):  # small batches: many competing claims
            claimed += batch
        return claimed

    claimed = await asyncio.gather(loop(), loop())
    assert sum(claimed) == MESSAGES and all(claimed)  # both loops took part
    received = Counter(str(email["Subject"]) for _to, _raw, email in smtp.messages)
    assert set(received) == {f"Pesan {number}" for number in range(MESSAGES)}
    assert set(received.values()) == {1}
    rows = await OutboxMessage.select(OutboxMessage.status, OutboxMessage.attempts).run()
    assert {(row["status"], row["attempts"]) for row in rows} == {("sent", 1)}


async def test_a_sending_message_is_taken_over_only_once_its_lease_has_run_out(db):
    start = clock.now()
    [expired] = await _insert(1, status="sending", lease_until=start - timedelta(seconds=1), attempts=1)
    live = await OutboxMessage.insert(
        OutboxMessage(
            address="lain@example.org",
            template="bench",
            idempotency_key="concurrency:live",
            status="sending",
            next_attempt_at=start - timedelta(minutes=1),
            lease_until=start + timedelta(seconds=1),
            attempts=1,
            subject="Pesan hidup",
        )
    ).run()
    with clock.frozen(start):
        # Two workers look at once: the abandoned message goes to one of them, the live one to neither.
        claims = await asyncio.gather(*[delivery.claim(10, ["email"], start) for _ in range(2)])
        assert sorted(len(claim) for claim in claims) == [0, 1]
        [taken] = [message for claim in claims for message in claim]
        assert taken["id"] == expired and taken["attempts"] == 2
        assert taken["lease_until"] == start + delivery.LEASE
    later = start + timedelta(seconds=2)  # the live lease has run out now
    with clock.frozen(later):
        [again] = await delivery.claim(10, ["email"], later)
    assert again["id"] == live[0]["id"]
