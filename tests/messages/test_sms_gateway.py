"""The SMS/WhatsApp channel against a real HTTP gateway in the test process: the documented JSON and bearer token,
the gateway's answers (accepted, refused, busy, silent), and who gets a text message at all."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from factories import make_program
from querycount import count_queries

from server import clock
from server.config import load_settings
from server.enrolment import registration
from server.errors import DomainError
from server.messages import delivery
from server.messages.outbox import queue
from server.messages.recipients import Recipient, participant_recipients
from server.messages.sms import MAX_LENGTH, SmsGatewaySender
from server.messages.tables import OutboxMessage
from server.people.consent import withdraw_consent
from server.people.participants import create_participant
from server.people.tables import Participant

# Midday in Jakarta: outside the quiet hours, so that what these tests queue is due at once.
NOON = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
TOKEN = "gateway-secret-123"
CONTACT = ["participation", "data_collection", "contact"]


class Gateway:
    """What the gateway received, and the answers it gives next: (status, body, seconds to wait before answering);
    once they are used up it accepts every message."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, str, float]] = []
        self.lock = threading.Lock()

    def next_answer(self) -> tuple[int, str, float]:
        with self.lock:
            if self.answers:
                return self.answers.pop(0)
            return 200, json.dumps({"id": f"gw-{len(self.requests)}"}), 0.0


@pytest.fixture
def gateway():
    received = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with received.lock:
                received.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "content_type": self.headers.get("Content-Type"),
                        "json": json.loads(body),
                    }
                )
            status, answer, delay = received.next_answer()
            time.sleep(delay)
            data = answer.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    received.url = f"http://127.0.0.1:{server.server_address[1]}/send"  # type: ignore[attr-defined]
    yield received
    server.shutdown()
    server.server_close()


@pytest.fixture
def channels(gateway):
    settings = dataclasses.replace(load_settings(), sms_webhook_url=gateway.url, sms_webhook_token=TOKEN)
    return {"sms": SmsGatewaySender(settings, timeout=0.5)}


async def _person(purposes=CONTACT, **values) -> int:
    values = {"display_name": "Bunga", "phone": "0812 3456 7890", "preferred_locale": "id", **values}
    return await create_participant(None, values, list(purposes))


async def _queue_text(participant_id: int, key: str = "test:1", title: str = "Kelas Menjahit") -> bool:
    return await queue(
        key=key,
        template="registration_received",
        language="id",
        address="+6281234567890",
        channel="sms",
        participant_id=participant_id,
        context={
            "name": "Bunga",
            "program_title": title,
            "status": "enrolled",
            "personal_url": "https://g.example/my/abc",
        },
    )


async def _row() -> dict:
    [row] = await OutboxMessage.select().run()
    return row


async def test_the_gateway_receives_the_documented_json_with_the_bearer_token_and_its_id_is_kept(db, gateway, channels):
    with clock.frozen(NOON):
        pid = await _person()
        await _queue_text(pid, key="reminder:12:34")
        assert await delivery.deliver_due(channels=channels) == 1
    [request] = gateway.requests
    assert request["path"] == "/send"
    assert request["authorization"] == f"Bearer {TOKEN}"
    assert request["content_type"] == "application/json"
    row = await _row()
    assert request["json"] == {
        "to": "+6281234567890",
        "text": "Tempat Anda di Kelas Menjahit sudah pasti. Halaman pribadi Anda: https://g.example/my/abc",
        "idempotency_key": "reminder:12:34",
        "message_id": row["id"],
    }
    assert row["status"] == "sent" and row["provider_id"] == "gw-1" and row["sent_at"] == NOON
    assert row["body_text"] == ""  # the personal link is not kept once sent


async def test_without_a_token_no_authorization_header_is_sent(db, gateway):
    settings = dataclasses.replace(load_settings(), sms_webhook_url=gateway.url, sms_webhook_token="")
    with clock.frozen(NOON):
        await _queue_text(await _person())
        await delivery.deliver_due(channels={"sms": SmsGatewaySender(settings)})
    assert gateway.requests[0]["authorization"] is None


@pytest.mark.parametrize("answer", ['{"id": null}', "[1, 2]", "OK", ""])
async def test_an_accepted_message_without_an_id_from_the_gateway_keeps_no_provider_id(db, gateway, channels, answer):
    gateway.answers.append((202, answer, 0.0))
    with clock.frozen(NOON):
        await _queue_text(await _person())
        await delivery.deliver_due(channels=channels)
    row = await _row()
    assert row["status"] == "sent" and row["provider_id"] == ""


async def test_a_refusal_fails_the_message_at_once_and_admins_see_why_without_the_link(
    db, gateway, channels, admin_client
):
    # A gateway that echoes what it refused: the personal link must not stay in the error shown to staff.
    gateway.answers.append((422, '{"error": "number not on WhatsApp", "text": "... https://g.example/my/abc"}', 0.0))
    with clock.frozen(NOON):
        pid = await _person()
        await _queue_text(pid)
        await delivery.deliver_due(channels=channels)
        assert await delivery.deliver_due(channels=channels) == 0
    row = await _row()
    assert row["status"] == "failed" and row["attempts"] == 1 and len(gateway.requests) == 1
    assert "422" in row["last_error"] and "number not on WhatsApp" in row["last_error"]
    assert "/my/abc" not in row["last_error"]
    page = await admin_client.get("/admin/outbox?status=failed")
    assert "number not on WhatsApp" in page.text and "/my/[redacted]" in page.text


@pytest.mark.parametrize("status", [500, 503, 429, 408])
async def test_a_busy_gateway_is_tried_again_after_the_back_off_then_the_message_is_sent(db, gateway, channels, status):
    gateway.answers.append((status, '{"error": "busy"}', 0.0))
    with clock.frozen(NOON):
        await _queue_text(await _person())
        await delivery.deliver_due(channels=channels)
        row = await _row()
        assert row["status"] == "queued" and row["attempts"] == 1 and str(status) in row["last_error"]
        assert row["next_attempt_at"] == NOON + delivery.backoff(1)
        assert await delivery.deliver_due(channels=channels) == 0  # not before its time
    with clock.frozen(NOON + delivery.backoff(1)):
        assert await delivery.deliver_due(channels=channels) == 1
    row = await _row()
    assert row["status"] == "sent" and row["attempts"] == 2 and row["last_error"] == "" and row["provider_id"] == "gw-2"
    assert [r["json"]["idempotency_key"] for r in gateway.requests] == ["test:1", "test:1"]


async def test_a_gateway_that_does_not_answer_in_time_is_tried_again_then_the_message_is_sent(db, gateway, channels):
    gateway.answers.append((200, '{"id": "late"}', 1.5))  # the sender waits 0.5 s
    with clock.frozen(NOON):
        await _queue_text(await _person())
        await delivery.deliver_due(channels=channels)
        row = await _row()
        assert row["status"] == "queued" and "Timeout" in row["last_error"]
    with clock.frozen(NOON + delivery.backoff(1)):
        assert await delivery.deliver_due(channels=channels) == 1
    row = await _row()
    assert row["status"] == "sent" and row["attempts"] == 2


async def test_a_long_text_is_sent_whole_so_its_link_still_works(db, gateway, channels):
    with clock.frozen(NOON):
        await _queue_text(await _person(), title="Kelas " + "Menjahit " * 40)
        await delivery.deliver_due(channels=channels)
    text = gateway.requests[0]["json"]["text"]
    assert len(text) > MAX_LENGTH and text.endswith("https://g.example/my/abc")


async def test_a_person_with_only_a_phone_gets_the_registration_as_a_short_text_without_the_discreet_title(
    db, gateway, channels
):
    program = await make_program(title="Dukungan Korban Kekerasan", public_title="Kelompok Rabu", discreet=True)
    values = {"display_name": "Bunga", "phone": "0812-3456-7890", "preferred_locale": "id"}
    with clock.frozen(NOON):
        done = await registration.self_register(program.id, values, CONTACT)
        await delivery.deliver_due(channels=channels)
    [request] = gateway.requests
    text = request["json"]["text"]
    assert request["json"]["to"] == "+6281234567890"
    assert text.startswith("Tempat Anda di Kelompok Rabu sudah pasti.")
    assert text.endswith(f"/my/{done.personal_token}") and len(text) <= MAX_LENGTH
    whole = json.dumps(request["json"], ensure_ascii=False).lower()
    for word in ("dukungan", "korban", "kekerasan"):
        assert word not in whole
    row = await _row()
    assert row["channel"] == "sms" and row["subject"] == ""


async def test_a_registration_in_english_is_texted_in_english(db, gateway, channels):
    program = await make_program(title="Sewing class", capacity=5)
    values = {"display_name": "Maria", "phone": "+62 812 3456 7890", "preferred_locale": "en"}
    with clock.frozen(NOON):
        await registration.self_register(program.id, values, CONTACT)
        await delivery.deliver_due(channels=channels)
    assert gateway.requests[0]["json"]["text"].startswith("Your place in Sewing class is confirmed.")


async def test_no_text_is_queued_or_sent_without_consent_to_be_contacted(db, gateway, channels):
    program = await make_program(capacity=5)
    values = {"display_name": "Budi", "phone": "0812 3456 7890", "preferred_locale": "id"}
    with clock.frozen(NOON):
        with pytest.raises(DomainError):  # a phone is kept only with that consent
            await registration.self_register(program.id, values, ["participation", "data_collection"])
        await registration.self_register(program.id, {**values, "phone": ""}, ["participation", "data_collection"])
        assert await OutboxMessage.count().run() == 0
        # Even a message queued by mistake for them is not sent.
        await _queue_text(await _person(purposes=["participation"], phone=""))
        await delivery.deliver_due(channels=channels)
    assert gateway.requests == []
    row = await _row()
    assert row["status"] == "cancelled" and row["body_text"] == "" and row["address"] == ""


async def test_consent_withdrawn_between_queueing_and_sending_cancels_the_text(db, gateway, channels):
    with clock.frozen(NOON):
        pid = await _person()
        await _queue_text(pid)
        await withdraw_consent(pid, "contact", actor=None)
        await delivery.deliver_due(channels=channels)
    assert gateway.requests == []
    row = await _row()
    assert row["status"] == "cancelled" and "consent" in row["last_error"] and row["body_text"] == ""


async def test_a_text_goes_to_the_number_the_person_has_when_it_is_sent(db, gateway, channels):
    with clock.frozen(NOON):
        pid = await _person()
        await _queue_text(pid)
        await OutboxMessage.update({OutboxMessage.address: "+6200000"}, force=True).run()  # an older address in the row
        await delivery.deliver_due(channels=channels)
    assert gateway.requests[0]["json"]["to"] == "+6281234567890"
    assert (await _row())["address"] == "+6281234567890"


def test_a_timeout_default_is_kept_for_production():
    sender = SmsGatewaySender(dataclasses.replace(load_settings(), sms_webhook_url="https://gw.example/send"))
    assert sender.timeout == 30.0 and sender.headers == {}


# --- who gets a text message ---------------------------------------------------------------------------------------


async def test_a_person_with_an_email_address_is_written_to_and_one_with_only_a_phone_is_texted(db):
    both = await _person(email="ani@example.org", display_name="Ani")
    phone = await _person(phone="62812-3456-7890", preferred_locale="en")
    found = await participant_recipients([both, phone, both])
    assert found[both] == Recipient(both, "Ani", "email", "ani@example.org", "id")
    assert found[phone] == Recipient(phone, "Bunga", "sms", "+6281234567890", "en")


async def test_nobody_is_a_recipient_without_consent_a_reachable_number_or_an_identity(db):
    silent = await _person(purposes=["participation"], phone="")
    withdrawn = await _person()
    await withdraw_consent(withdrawn, "contact", actor=None)
    unreachable = await _person()
    # A number saved before numbers were checked, that no numbering plan has.
    await Participant.update({Participant.phone: "0812 34"}).where(Participant.id == unreachable).run()
    erased = await _person()
    await Participant.update({Participant.anonymised_at: NOON}).where(Participant.id == erased).run()
    assert await participant_recipients([silent, withdrawn, unreachable, erased]) == {}
    assert await participant_recipients([]) == {}


async def test_finding_recipients_takes_two_queries_whatever_their_number(db):
    counts = []
    for size in (1, 30):
        ids = [await _person(display_name=f"P{size}-{n}") for n in range(size)]
        with count_queries() as counter:
            assert len(await participant_recipients(ids)) == size
        counts.append(counter["n"])
    assert counts == [2, 2]
