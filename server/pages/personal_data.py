"""Everything held about one participant, from every feature's declaration: their data download and its erasure."""

from __future__ import annotations

# Importing the declarations is what fills the registry (server/personal_data.py): a feature that holds personal
# data adds its module here, and tests/people/test_personal_data_registry.py fails until it does.
from datetime import datetime
from typing import Any

from server import clock, personal_data
from server.attendance import personal_data as attendance_data
from server.audit import record_audit
from server.cases import personal_data as case_data
from server.db import transaction
from server.enrolment import personal_data as enrolment_data
from server.enrolment.services import end_places_for_erasure
from server.errors import DomainError
from server.i18n import N_
from server.messages import personal_data as message_data
from server.people import personal_data as people_data
from server.people.participants import get_participant
from server.surveys import personal_data as survey_data
from server.web.access import CurrentStaff

DECLARATIONS = (people_data, message_data, enrolment_data, attendance_data, survey_data, case_data)


async def download(participant_id: int) -> dict[str, Any]:
    """Everything recorded about the person that is theirs to take away, section by section (JSON)."""
    return await personal_data.export(participant_id)


async def download_csv(participant_id: int) -> str:
    """The same as one flat table of section, record, field, value."""
    return personal_data.export_csv(await personal_data.export(participant_id))


async def erase_participant(actor: CurrentStaff, participant_id: int, *, now: datetime | None = None) -> int:
    """An administrator erases a person on request: their open places end through the enrolment rules (under the
    program lock, the waitlist moves up), then every registry entry erases or anonymises what it holds, in one
    transaction. Counts stay. Returns how many enrolments were ended."""
    if not actor.is_admin:
        raise DomainError("admin_only", N_("Only administrators can erase a person's data."))
    row = await get_participant(participant_id)
    now = now or clock.now()
    ended = await end_places_for_erasure(actor, participant_id, now=now)
    if row["anonymised_at"] is None:
        async with transaction():
            await personal_data.erase(participant_id, now)
            await record_audit(
                actor, "erase", "participant", participant_id, N_("identity and contact erased on request")
            )
    return ended
