"""Self-registration from the public program page: a new person, their consents and their place, or the earlier
registration when the same phone or e-mail is already on the program's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server import clock, privacy
from server.config import settings
from server.enrolment.services import expire_offers
from server.enrolment.tables import Enrolment
from server.enrolment.waitlist import ACTIVE, enrol_locked, load_program
from server.errors import DomainError
from server.i18n import N_
from server.messages.recipients import participant_recipients, queue_to
from server.people import links, participants
from server.people.consent import PURPOSES
from server.programs.locking import program_lock
from server.programs.rules import accepts_registrations
from server.programs.services import ensure_open


def registration_open(program: dict[str, Any]) -> bool:
    """Whether the public may register: an open or approval program that is still running."""
    return accepts_registrations(program)


@dataclass(frozen=True)
class Registration:
    participant_id: int
    enrolment_id: int
    status: str
    duplicate: bool  # an earlier registration with the same phone or e-mail: nothing new was saved
    personal_token: str | None = None  # the new personal link, to show once; never for a duplicate


async def self_register(
    program_id: int, values: dict[str, Any], purposes: list[str], *, now: datetime | None = None
) -> Registration:
    """Registration from the public page. A second submission with a phone or e-mail already on this program's
    list saves nothing and answers with the earlier registration."""
    now = now or clock.now()
    await expire_offers(now)
    async with program_lock(program_id):
        program = await load_program(program_id)
        if program["enrolment_mode"] not in ("open", "approval") or program["visibility"] == "private":
            raise DomainError("registration_closed", N_("Registration for this program is closed."))
        ensure_open(program)
        if "participation" not in purposes or "data_collection" not in purposes:
            raise DomainError(
                "consent_missing", N_("Taking part needs your consent to both of these."), field="consent_participation"
            )
        earlier = await _earlier_registration(program_id, values.get("phone") or "", values.get("email") or "")
        if earlier is not None:
            return Registration(earlier["participant"], earlier["id"], earlier["status"], True)
        participant_id = await participants.create_participant(
            None, values, [p for p in purposes if p in PURPOSES], source="self_registration"
        )
        row = await enrol_locked(None, program, participant_id, source="self_registration", now=now)
        token = await links.reissue_personal_links(None, participant_id)
        # A request waiting for approval is answered when staff decide (their own message), not now.
        if row["status"] in ("enrolled", "waitlisted"):
            await _queue_confirmation(program, participant_id, row, token)
        return Registration(participant_id, row["id"], row["status"], False, token)


async def _queue_confirmation(
    program: dict[str, Any], participant_id: int, enrolment: dict[str, Any], token: str
) -> None:
    """ "Registration received / place confirmed" with the personal link, in the person's language, on their channel
    (e-mail, else a text message), only with consent to be contacted; queued under the program lock: a registration
    refused or rolled back queues nothing. The title is the privacy policy's for a message (a discreet program's
    neutral title: a message is read on a shared phone, in a notification preview). Urgent: the person is waiting
    for it, whatever the hour."""
    recipient = (await participant_recipients([participant_id])).get(participant_id)
    if recipient is None:
        return
    viewer = privacy.participant_viewer(enrolled=enrolment["status"] == "enrolled")
    await queue_to(
        recipient,
        key=f"registration:{enrolment['id']}",
        template="registration_received",
        program_id=program["id"],
        timezone=program["timezone"],
        urgent=True,
        context={
            "program_title": privacy.title(program, viewer, privacy.MESSAGE),
            "status": enrolment["status"],
            # The personal page's address (server/pages/personal.py); no request here to reverse it from.
            "personal_url": f"{settings.base_url}/my/{token}",
        },
    )


async def _earlier_registration(program_id: int, phone: str, email: str) -> dict[str, Any] | None:
    digits = participants.phone_digits(phone) if phone else ""
    email = email.strip().lower()
    if not digits and not email:
        return None
    same: Any = None
    if digits:
        same = Enrolment.participant.phone_digits == digits
    if email:
        clause = Enrolment.participant.email == email
        same = clause if same is None else same | clause
    return (
        await Enrolment.select(Enrolment.id, Enrolment.participant, Enrolment.status)
        .where((Enrolment.program == program_id) & Enrolment.status.is_in(list(ACTIVE)) & same)
        .first()
        .run()
    )
