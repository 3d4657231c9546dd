"""make bench (delivery): 10,000 queued reminder-like messages delivered by the real delivery loop to a local SMTP
sink, against a plain aiosmtplib send loop of the same messages to the same sink in the same run.

The sink is aiosmtpd's Sink handler in a process of its own, so that it does not share this event loop. Set
DATABASE_URL=postgresql://… to measure on PostgreSQL (earlier bench messages and people are deleted first);
BENCH_MESSAGES changes the number of messages, BENCH_DELIVERY_SECONDS the longest each side runs."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

# The server's modules are imported inside the functions below: only after main() has pointed DATABASE_URL,
# PICCOLO_CONF and GOTONG_SMTP_URL at this run's database and sink, which they read when imported.
ROOT = Path(__file__).resolve().parent.parent
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "10000"))
# Each side stops after this long (the rate is then measured on what it sent), so that `make bench` stays bounded.
MAX_SECONDS = float(os.environ.get("BENCH_DELIVERY_SECONDS", "40"))
CHUNK = 500


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return sink
        time.sleep(0.1)
    sink.kill()
    raise RuntimeError("the SMTP sink did not start")


async def _seed() -> None:
    """MESSAGES participants with consent to be contacted, and one due reminder-like message for each."""
    from server import clock
    from server.db import engine
    from server.messages.outbox import render
    from server.messages.tables import OutboxMessage
    from server.people.tables import Participant

    await OutboxMessage.delete(force=True).where(OutboxMessage.idempotency_key.like("bench:%")).run()
    await Participant.delete(force=True).where(Participant.display_name.like("Bench %")).run()
    subject, text, html = render(
        "registration_received",
        "id",
        {
            "name": "Siti Rahayu",
            "program_title": "Kelas Menjahit — Pekalongan",
            "status": "enrolled",
            "personal_url": "https://gotong.example/my/0123456789abcdef0123456789abcdef",
            "unsubscribe_url": "https://gotong.example/unsubscribe/1.abc",
        },
    )
    due = clock.now() - timedelta(minutes=1)
    async with engine().transaction():  # one commit: seeding is not what is measured
        await _insert_chunks(subject, text, html, due)


async def _insert_chunks(subject: str, text: str, html: str, due) -> None:
    from server.messages.tables import OutboxMessage
    from server.people.tables import Consent, Participant

    for start in range(0, MESSAGES, CHUNK):
        numbers = range(start, min(start + CHUNK, MESSAGES))
        people = [
            Participant(display_name=f"Bench {number}", email=f"orang{number}@example.org", preferred_locale="id")
            for number in numbers
        ]
        ids = [row["id"] for row in await Participant.insert(*people).returning(Participant.id).run()]
        await Consent.insert(
            *[Consent(participant=pid, purpose="contact", text_version="v1", source="staff") for pid in ids]
        ).run()
        await OutboxMessage.insert(
            *[
                OutboxMessage(
                    participant=pid,
                    address=f"orang{number}@example.org",
                    channel="email",
                    template="registration_received",
                    language="id",
                    idempotency_key=f"bench:{number}",
                    status="queued",
                    next_attempt_at=due,
                    subject=subject,
                    body_text=text,
                    body_html=html,
                )
                for number, pid in zip(numbers, ids, strict=True)
            ]
        ).run()


async def _messages() -> list[dict]:
    from server.messages.tables import OutboxMessage

    return await OutboxMessage.select().where(OutboxMessage.idempotency_key.like("bench:%")).run()


async def _plain_loop(messages: list[dict], settings) -> tuple[int, float]:
    """The ceiling: the same e-mails built the same way and sent one after the other on one SMTP connection,
    nothing else (no database). Returns how many it sent and in how long."""
    import aiosmtplib

    from server.messages.email import build_email, smtp_server

    server = smtp_server(settings.smtp_url)
    started = time.perf_counter()
    sent = 0
    async with aiosmtplib.SMTP(hostname=server.hostname, port=server.port, timeout=30) as client:
        for message in messages:
            await client.send_message(build_email(message, mail_from=settings.mail_from, to=message["address"]))
            sent += 1
            if time.perf_counter() - started > MAX_SECONDS:
                break
    return sent, time.perf_counter() - started


async def _sent() -> int:
    from server.messages.tables import OutboxMessage

    bench = OutboxMessage.idempotency_key.like("bench:%")
    return await OutboxMessage.count().where(bench & (OutboxMessage.status == "sent")).run()


async def _delivery_loop() -> tuple[int, float]:
    """The real thing: delivery.run (claims, consent at send time, EmailSender, recording each message) until every
    message is sent. Returns how many it sent and in how long."""
    from server.messages import delivery

    stop = asyncio.Event()
    started = time.perf_counter()
    loop = asyncio.create_task(delivery.run(stop, idle_seconds=0.05))
    while (sent := await _sent()) < MESSAGES and time.perf_counter() - started < MAX_SECONDS:
        await asyncio.sleep(0.1)
    elapsed = time.perf_counter() - started
    stop.set()
    await loop
    return sent, elapsed


async def _main() -> None:
    from server.cli import migrate
    from server.config import load_settings
    from server.db import start_pool
    from server.messages import jobs

    settings = load_settings()
    if settings.is_postgres and settings.db_pool:
        await start_pool(min_size=1, max_size=4)
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()
    started = time.monotonic()
    await _seed()
    messages = await _messages()
    print(f"seeded {len(messages)} messages in {time.monotonic() - started:.0f} s")
    plain_sent, plain_time = await _plain_loop(messages, settings)
    jobs._jobs.clear()  # only delivery is measured
    delivered, delivery_time = await _delivery_loop()
    plain_rate, delivery_rate = plain_sent / plain_time, delivered / delivery_time
    print(f"plain aiosmtplib loop, one connection: {plain_rate:6.0f} msgs/s ({plain_sent} in {plain_time:.1f} s)")
    print(f"delivery loop (delivery.run)         : {delivery_rate:6.0f} msgs/s ({delivered} in {delivery_time:.1f} s)")
    print(f"ratio delivery/plain = {delivery_rate / plain_rate:.2f}   (target >= 0.5)")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="gotong-bench-delivery-"))
    port = _free_port()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'delivery.sqlite3'}")
    os.environ["PICCOLO_CONF"] = "piccolo_conf"
    os.environ["GOTONG_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    os.environ["GOTONG_MAIL_FROM"] = "Gotong <kabar@gotong.example>"
    os.environ.pop("GOTONG_SMS_WEBHOOK_URL", None)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    print(f"--- message delivery: {MESSAGES} e-mails ({os.environ['DATABASE_URL'].split(':', 1)[0]})")
    sink = _start_sink(port)
    try:
        asyncio.run(_main())
    finally:
        sink.terminate()
        sink.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
