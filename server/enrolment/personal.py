"""What a participant sees and does about their own enrolments through their personal link: their programs and
coming sessions, answering whether they come, leaving, confirming an offer, withdrawing consent, their language."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from server import clock, privacy
from server.config import SUPPORTED_LOCALES
from server.enrolment.services import PROGRAM_FIELDS, confirm_offer, withdraw
from server.enrolment.tables import Enrolment, Rsvp
from server.enrolment.waitlist import ACTIVE, ENROLMENT_COLUMNS, waitlist_position
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.people import consent
from server.people.consent import PURPOSES
from server.people.tables import Participant
from server.schedule.tables import ProgramSession

RSVP_RESPONSES = ("going", "not_going")
PERSONAL_DAYS = 60


async def personal_programs(participant_id: int) -> list[dict[str, Any]]:
    """The person's programs under their public (neutral, for discreet programs) titles, with queue positions."""
    rows = (
        await Enrolment.select(*ENROLMENT_COLUMNS, *PROGRAM_FIELDS)
        .where(Enrolment.participant == participant_id)
        .order_by(Enrolment.requested_at, ascending=False)
        .run()
    )
    for row in rows:
        row["title"] = privacy.title(row, privacy.SELF, privacy.PAGE)
        del row["public_title"]
        row["position"] = await waitlist_position(row) if row["status"] == "waitlisted" else None
        # A closed program is a record: nobody leaves it any more.
        row["may_leave"] = row["status"] in ACTIVE and row["phase"] != "closed" and not row["archived"]
    return rows


async def personal_sessions(
    participant_id: int, now: datetime | None = None, days: int = PERSONAL_DAYS
) -> list[dict[str, Any]]:
    """Coming sessions of the programs the person is enrolled in, with their own answer, in two queries."""
    now = now or clock.now()
    enrolled = Enrolment.select(Enrolment.program).where(
        (Enrolment.participant == participant_id) & (Enrolment.status == "enrolled")
    )
    rows = (
        await ProgramSession.select(
            ProgramSession.id,
            ProgramSession.starts_at,
            ProgramSession.ends_at,
            ProgramSession.status,
            ProgramSession.topic,
            ProgramSession.location,
            ProgramSession.online_link,
            ProgramSession.cancel_reason,
            ProgramSession.program.id.as_alias("program_id"),
            ProgramSession.program.title.as_alias("title"),
            ProgramSession.program.public_title.as_alias("public_title"),
            ProgramSession.program.discreet.as_alias("discreet"),
            ProgramSession.program.timezone.as_alias("timezone"),
            ProgramSession.program.default_location.as_alias("default_location"),
            ProgramSession.program.default_online_link.as_alias("default_online_link"),
        )
        .where(
            ProgramSession.program.is_in(enrolled)
            & ProgramSession.status.is_in(["scheduled", "cancelled"])
            & (ProgramSession.ends_at >= now)
            & (ProgramSession.starts_at <= now + timedelta(days=days))
        )
        .order_by(ProgramSession.starts_at)
        .run()
    )
    answers = {}
    if rows:
        answers = {
            row["session"]: row["response"]
            for row in await Rsvp.select(Rsvp.session, Rsvp.response)
            .where((Rsvp.participant == participant_id) & Rsvp.session.is_in([r["id"] for r in rows]))
            .run()
        }
    # Only programs the person is enrolled in are listed: they see the place, the room and why a session was cancelled.
    viewer = privacy.participant_viewer(enrolled=True)
    for index, row in enumerate(rows):
        row["title"] = privacy.title(row, viewer, privacy.PAGE)
        del row["public_title"]
        default_location, default_link = row.pop("default_location"), row.pop("default_online_link")
        row["location"] = row["location"] or default_location
        row["online_link"] = row["online_link"] or default_link
        row = rows[index] = privacy.session_view(row, row, viewer, privacy.PAGE)
        row["rsvp"] = answers.get(row["id"], "")
    return rows


async def answer_rsvp(participant_id: int, session_id: int, response: str, *, now: datetime | None = None) -> None:
    """Going or not, for a coming session of a program the person is enrolled in; a new answer replaces the old."""
    now = now or clock.now()
    if response not in RSVP_RESPONSES:
        raise DomainError("bad_response", N_("Choose one of the options."), field="response")
    session = (
        await ProgramSession.select(
            ProgramSession.id, ProgramSession.program, ProgramSession.status, ProgramSession.ends_at
        )
        .where(ProgramSession.id == session_id)
        .first()
        .run()
    )
    if (
        session is None
        or not await Enrolment.exists()
        .where(
            (Enrolment.participant == participant_id)
            & (Enrolment.program == session["program"])
            & (Enrolment.status == "enrolled")
        )
        .run()
    ):
        raise NotFound("session")
    if session["status"] != "scheduled" or session["ends_at"] < now:
        raise DomainError("session_closed", N_("This session can no longer be answered."), field="response")
    await (
        Rsvp.insert(Rsvp(session=session_id, participant=participant_id, response=response, answered_at=now))
        .on_conflict(
            target=(Rsvp.session, Rsvp.participant), action="DO UPDATE", values=[Rsvp.response, Rsvp.answered_at]
        )
        .run()
    )


async def personal_enrolment(participant_id: int, program_id: int) -> dict[str, Any]:
    row = (
        await Enrolment.select(*ENROLMENT_COLUMNS)
        .where((Enrolment.participant == participant_id) & (Enrolment.program == program_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("enrolment")
    return row


async def leave_program(
    participant_id: int, program_id: int, reason: str = "", *, now: datetime | None = None
) -> dict[str, Any]:
    row = await personal_enrolment(participant_id, program_id)
    return await withdraw(None, program_id, row["id"], reason or "left via personal page", now=now)


async def confirm_own_offer(participant_id: int, program_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    row = await personal_enrolment(participant_id, program_id)
    return await confirm_offer(None, program_id, row["id"], now=now)


async def withdraw_own_consent(participant_id: int, purpose: str, *, now: datetime | None = None) -> int:
    """Withdrawing consent to take part also takes the person off every open program's list; returns how many."""
    if purpose not in PURPOSES:
        raise NotFound("consent")
    now = now or clock.now()
    await consent.withdraw_consent(participant_id, purpose, actor=None)
    if purpose != "participation":
        return 0
    left = 0
    rows = (
        await Enrolment.select(
            Enrolment.id,
            Enrolment.program,
            Enrolment.program.phase.as_alias("phase"),
            Enrolment.program.archived.as_alias("archived"),
        )
        .where((Enrolment.participant == participant_id) & Enrolment.status.is_in(list(ACTIVE)))
        .order_by(Enrolment.program)
        .run()
    )
    for row in rows:
        if row["phase"] == "closed" or row["archived"]:
            continue  # a closed program is a record and stays as it was
        await withdraw(None, row["program"], row["id"], "participation consent withdrawn", now=now)
        left += 1
    return left


async def set_own_language(participant_id: int, locale: str) -> None:
    if locale not in SUPPORTED_LOCALES:
        raise DomainError("bad_locale", N_("Choose one of the options."), field="locale")
    await (
        Participant.update({Participant.preferred_locale: locale, Participant.updated_at: clock.now()})
        .where(Participant.id == participant_id)
        .run()
    )
