"""Delivering the outbox: claiming due messages, checking consent at send time, sending, retrying with back-off."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from piccolo.engine.sqlite import TransactionType

from server import clock, phones
from server.config import Settings
from server.config import settings as default_settings
from server.db import engine, writer_turn
from server.messages import jobs
from server.messages.email import EmailSender, PermanentFailure
from server.messages.sms import SmsGatewaySender
from server.messages.tables import OutboxMessage
from server.people.consent import active_consents
from server.people.tables import Participant

log = logging.getLogger("gotong.messages")

# A claim holds this long; a worker killed mid-send leaves its messages `sending`, and another worker takes them
# again once the lease has run out. Far longer than one send (30 s SMTP timeout), so that a live worker is never
# overtaken.
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
BATCH = 20
# Messages of a batch in flight at once, each lane on its own connection to the provider. A lane records each message
# as soon as the provider accepted it and before it sends its next one, so a worker killed mid-batch has sent at most
# one unrecorded message per lane; the lanes' records share commits (_Recorder, docs/performance.md).
LANES = 4
IDLE_SECONDS = 5.0

# A channel's sender: (message row, address) -> the provider's id for it; raises PermanentFailure when retrying
# is pointless, any other exception for a temporary failure. A sender may also have `batch()`: an async context
# manager giving a sender for the messages of one batch (see _batch_senders).
Sender = Callable[[dict[str, Any], str], Awaitable[str]]


def senders(settings: Settings) -> dict[str, Sender]:
    """The channels this installation can send through. A channel without a provider keeps its messages queued."""
    found: dict[str, Sender] = {}
    if settings.smtp_url:
        found["email"] = EmailSender(settings)
    if settings.sms_webhook_url:
        found["sms"] = SmsGatewaySender(settings)
    return found


def backoff(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes after the 1st, 2nd, 3rd, 4th failed attempt."""
    return timedelta(minutes=4 ** (attempts - 1))


def _due(now: datetime, channels: list[str]) -> Any:
    queued = (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now)
    abandoned = (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now)
    return OutboxMessage.channel.is_in(channels) & (queued | abandoned)


def _claim_transaction() -> Any:
    # SQLite: BEGIN IMMEDIATE takes the write lock before the SELECT, so two claims run one after the other and the
    # second sees the first's messages as `sending`. PostgreSQL: FOR UPDATE SKIP LOCKED (below) lets concurrent
    # claims pass each other's rows.
    if engine().engine_type == "sqlite":
        return engine().transaction(transaction_type=TransactionType.immediate)
    return engine().transaction()


async def claim(batch: int, channels: list[str], now: datetime) -> list[dict[str, Any]]:
    """Marks up to `batch` due messages `sending` under a lease, in one short transaction, and returns them."""
    async with writer_turn(), _claim_transaction():
        query = OutboxMessage.select(OutboxMessage.id).where(_due(now, channels))
        query = query.order_by(OutboxMessage.next_attempt_at).limit(batch)
        if engine().engine_type != "sqlite":
            query = query.lock_rows("UPDATE", skip_locked=True)
        ids = [row["id"] for row in await query.run()]
        if not ids:
            return []
        await (
            OutboxMessage.update(
                {
                    OutboxMessage.status: "sending",
                    OutboxMessage.lease_until: now + LEASE,
                    OutboxMessage.attempts: OutboxMessage.attempts + 1,
                }
            )
            .where(OutboxMessage.id.is_in(ids))
            .run()
        )
    return await OutboxMessage.select().where(OutboxMessage.id.is_in(ids)).order_by(OutboxMessage.id).run()


async def _recipient_addresses(messages: list[dict[str, Any]]) -> dict[int, str | None]:
    """Where each message of a batch goes now, in two queries whatever the batch's size; None when it must not go: a
    participant without current consent to be contacted (withdrawn since it was queued) or without an address any
    more. Read just before the batch is sent, so a withdrawal counts up to the batch's first message."""
    participant_ids = sorted({message["participant"] for message in messages if message["participant"] is not None})
    consents = await active_consents(participant_ids)
    people = {
        person["id"]: person
        for person in (
            await Participant.select(Participant.id, Participant.email, Participant.phone, Participant.anonymised_at)
            .where(Participant.id.is_in(participant_ids))
            .run()
            if participant_ids
            else []
        )
    }
    found: dict[int, str | None] = {}
    for message in messages:
        participant_id = message["participant"]
        if participant_id is None:
            found[message["id"]] = message["address"] or None
            continue
        person = people.get(participant_id)
        if "contact" not in consents.get(participant_id, set()) or person is None or person["anonymised_at"]:
            found[message["id"]] = None
        elif message["channel"] == "email":
            found[message["id"]] = person["email"] or None
        else:
            found[message["id"]] = phones.e164(person["phone"]) or None
    return found


async def _finish(message_id: int, values: dict[Any, Any]) -> None:
    # Only while still ours: a message taken over after an expired lease is recorded by the worker that has it.
    await (
        OutboxMessage.update({**values, OutboxMessage.lease_until: None})
        .where((OutboxMessage.id == message_id) & (OutboxMessage.status == "sending"))
        .run()
    )


# How a lane records a message's outcome: (message id, column values); _Recorder.record in a batch.
Finish = Callable[[int, dict[Any, Any]], Awaitable[None]]


class _Recorder:
    """Records the outcomes of a batch's messages, each as soon as it is known; the outcomes that arrive while a write
    is under way are written together by the next one, in one transaction (a commit is the dearest step: SQLite and
    PostgreSQL flush to disk at each). A lane waits until its message is recorded before it sends the next one, so a
    worker killed mid-batch leaves at most one message per lane accepted by the provider but not recorded."""

    def __init__(self) -> None:
        self.pending: list[tuple[int, dict[Any, Any], asyncio.Future[None]]] = []
        self.writer: asyncio.Task[None] | None = None

    async def record(self, message_id: int, values: dict[Any, Any]) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((message_id, values, done))
        if self.writer is None:
            self.writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        while self.pending:
            group, self.pending = self.pending, []
            try:
                async with engine().transaction():
                    for message_id, values, _done in group:
                        await _finish(message_id, values)
            except Exception as error:
                for *_values, done in group:
                    done.set_exception(error)
            else:
                for *_values, done in group:
                    done.set_result(None)
        self.writer = None


# A message that will never be sent keeps no body either: it may hold a personal or survey link that still works,
# and the outbox page would show it to admins for good. Nothing re-sends a failed message; the address and the
# last error stay, so an admin can see what went wrong and correct the address.
_FAILED: dict[Any, Any] = {OutboxMessage.status: "failed", OutboxMessage.body_text: "", OutboxMessage.body_html: ""}


async def _cancel(message: dict[str, Any], reason: str, finish: Finish) -> None:
    # Nothing of what it would have said, nor the address, stays for a message that must not be sent.
    await finish(
        message["id"],
        {
            OutboxMessage.status: "cancelled",
            OutboxMessage.last_error: reason,
            OutboxMessage.address: "",
            OutboxMessage.body_text: "",
            OutboxMessage.body_html: "",
        },
    )


async def _deliver(message: dict[str, Any], address: str | None, send: Sender, finish: Finish) -> None:
    if address is None:
        await _cancel(message, "no consent to be contacted, or no address", finish)
        return
    try:
        provider_id = await send(message, address)
    except PermanentFailure as error:
        await finish(message["id"], {**_FAILED, OutboxMessage.last_error: str(error)[:1000]})
        return
    except Exception as error:  # a temporary failure: the network, the server busy, a 4xx answer
        failed = message["attempts"] >= MAX_ATTEMPTS
        await finish(
            message["id"],
            {
                **(_FAILED if failed else {OutboxMessage.status: "queued"}),
                OutboxMessage.next_attempt_at: clock.now() + backoff(message["attempts"]),
                OutboxMessage.last_error: f"{type(error).__name__}: {error}"[:1000],
            },
        )
        return
    # The one window for a second send: the provider accepted the message and this process dies before the next
    # line commits. The lease then runs out and another worker sends it again.
    await finish(
        message["id"],
        {
            OutboxMessage.status: "sent",
            OutboxMessage.sent_at: clock.now(),
            OutboxMessage.provider_id: provider_id[:200],
            OutboxMessage.address: address,
            OutboxMessage.last_error: "",
            # The bodies held the personal link in plain text; the record keeps template, subject and times.
            OutboxMessage.body_text: "",
            OutboxMessage.body_html: "",
        },
    )


async def deliver_due(batch: int = BATCH, *, channels: dict[str, Sender] | None = None) -> int:
    """Claims and delivers one batch of due messages; returns how many were claimed."""
    channels = senders(default_settings) if channels is None else channels
    if not channels:
        return 0
    messages = await claim(batch, list(channels), clock.now())
    if not messages:
        return 0
    addresses = await _recipient_addresses(messages)
    waiting = iter(messages)  # shared by the lanes: each message is taken by one of them
    recorder = _Recorder()

    async def lane() -> None:
        async with _batch_senders(channels) as batch_senders:
            for message in waiting:
                await _deliver(message, addresses[message["id"]], batch_senders[message["channel"]], recorder.record)

    async with asyncio.TaskGroup() as lanes:
        for _ in range(min(LANES, len(messages))):
            lanes.create_task(lane())
    return len(messages)


@contextlib.asynccontextmanager
async def _batch_senders(channels: dict[str, Sender]) -> AsyncIterator[dict[str, Sender]]:
    """Each channel's sender for one batch: a sender with a `batch()` (e-mail: one SMTP connection for the whole
    batch instead of one per message) opens it here and closes it after the batch."""
    async with contextlib.AsyncExitStack() as stack:
        opened: dict[str, Sender] = {}
        for name, sender in channels.items():
            batch = getattr(sender, "batch", None)
            opened[name] = await stack.enter_async_context(batch()) if batch else sender
        yield opened


async def run(stop: asyncio.Event | None = None, *, idle_seconds: float = IDLE_SECONDS) -> None:
    """Delivers until `stop` is set: the periodic jobs that are due (server/messages/jobs.py), then batch after batch
    while there is work, then a pause."""
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            await jobs.run_due(clock.now())
            claimed = await deliver_due()
        except Exception:  # a database hiccup must not end the loop; the messages stay in the outbox
            log.exception("delivery round failed")
            claimed = 0
        if claimed:
            continue
        try:
            await asyncio.wait_for(stop.wait(), timeout=idle_seconds)
        except TimeoutError:
            pass
