"""Helpers for enrolment tests: people with consent, programs with a capacity, a team, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factories import make_program

from server.people.links import reissue_personal_links
from server.people.participants import create_participant

NOON = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 12:00 in Jakarta


def at(hours: float = 0) -> datetime:
    """A fixed clock: NOON plus some hours."""
    return NOON + timedelta(hours=hours)


async def make_person(
    display_name: str = "Wati", *, consents=("participation", "data_collection"), actor=None, **values
) -> int:
    base = {"display_name": display_name, "phone": "", "email": "", "preferred_locale": "id"}
    base.update(values)
    consents = list(consents)
    if (base.get("phone") or base.get("email")) and "contact" not in consents:
        consents.append("contact")  # contact details are kept only with consent to be contacted
    return await create_participant(actor, base, consents)


async def make_group(capacity: int | None = 2, offer_hours: int | None = None, **overrides):
    details = {"offer_hours": offer_hours} if offer_hours else {}
    return await make_program(capacity=capacity, details=details, **overrides)


async def join_team(program, staff, role: str = "lead") -> None:
    from server.programs.tables import TeamMember

    await TeamMember.insert(TeamMember(program=program.id, staff=staff.id, role=role)).run()


async def status_of(enrolment_id: int) -> str:
    from server.enrolment.tables import Enrolment

    row = await Enrolment.select(Enrolment.status).where(Enrolment.id == enrolment_id).first().run()
    return row["status"]


async def statuses(program) -> dict[str, list[int]]:
    """Participant ids by status, each list in queue order."""
    from server.enrolment.tables import Enrolment

    rows = (
        await Enrolment.select(Enrolment.participant, Enrolment.status)
        .where(Enrolment.program == program.id)
        .order_by(Enrolment.requested_at)
        .order_by(Enrolment.id)
        .run()
    )
    found: dict[str, list[int]] = {}
    for row in rows:
        found.setdefault(row["status"], []).append(row["participant"])
    return found


async def personal_token(participant_id: int) -> str:
    """A fresh personal link for the person (only its hash is stored, so a test gets one by issuing it)."""
    return await reissue_personal_links(None, participant_id)
