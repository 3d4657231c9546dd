"""The first real message: a self-registration that gets a place or joins the waitlist is confirmed by e-mail."""

from __future__ import annotations

import pytest
from factories import make_program
from mail_fixtures import channels, smtp  # noqa: F401  (fixtures)

from server.enrolment import registration
from server.errors import DomainError
from server.messages import delivery
from server.messages.tables import OutboxMessage

CONSENTS = ["participation", "data_collection", "contact"]


async def _register(program, name: str, email: str = "", locale: str = "id", purposes=CONSENTS):
    values = {"display_name": name, "email": email, "preferred_locale": locale}
    return await registration.self_register(program.id, values, list(purposes))


async def test_a_place_is_confirmed_by_email_with_the_personal_link_in_the_persons_language(db, smtp, channels):
    program = await make_program(title="Kelas Menjahit", capacity=5)
    done = await _register(program, "Siti", "Siti@Example.org", "id")
    await delivery.deliver_due(channels=channels)
    [(recipients, _raw, email)] = smtp.messages
    assert recipients == ["siti@example.org"]
    assert email["Subject"] == "Tempat Anda di Kelas Menjahit sudah pasti"
    assert f"/my/{done.personal_token}" in email.get_body(("plain",)).get_content()


async def test_a_waitlisted_registration_is_told_so_in_english_when_chosen(db, smtp, channels):
    program = await make_program(title="Sewing class", capacity=1)
    await _register(program, "Ani", "ani@example.org")
    await _register(program, "Maria", "maria@example.org", "en")
    await delivery.deliver_due(channels=channels)
    maria = next(email for to, _raw, email in smtp.messages if to == ["maria@example.org"])
    assert maria["Subject"] == "We received your registration for Sewing class"
    assert "waiting list" in maria.get_body(("plain",)).get_content()


async def test_a_discreet_program_is_named_only_by_its_neutral_title_anywhere_in_the_message(db, smtp, channels):
    program = await make_program(title="Dukungan Korban Kekerasan", public_title="Kelompok Rabu", discreet=True)
    await _register(program, "Siti", "siti@example.org")
    await delivery.deliver_due(channels=channels)
    [(_to, raw, email)] = smtp.messages
    assert "Kelompok Rabu" in email["Subject"]
    whole = raw.decode("ascii", "replace") + email.get_body(("plain",)).get_content()
    whole += email.get_body(("html",)).get_content()
    for word in ("Dukungan", "Korban", "Kekerasan"):
        assert word.lower() not in whole.lower()


async def test_nothing_is_queued_without_an_email_address_or_consent_to_be_contacted(db):
    program = await make_program(capacity=5)
    await _register(program, "Budi")
    await _register(program, "Ani", purposes=["participation", "data_collection"])
    assert await OutboxMessage.count().run() == 0


async def test_a_refused_registration_queues_nothing(db):
    program = await make_program(enrolment_mode="closed")
    with pytest.raises(DomainError):
        await _register(program, "Siti", "siti@example.org")
    assert await OutboxMessage.count().run() == 0
