"""Which participants a staff member may see, decided by enrolments and program teams: the person's detail, the
participant list filtered by the programs someone works on, and a person's enrolments."""

from __future__ import annotations

from typing import Any

from server import privacy
from server.audit import record_audit
from server.db import contains_text
from server.enrolment.tables import Enrolment
from server.errors import NotFound
from server.i18n import N_
from server.people.participants import get_participant
from server.people.tables import Participant
from server.programs.services import managed_program_ids
from server.programs.tables import TeamMember
from server.web.access import CurrentStaff


async def person_viewer(staff: CurrentStaff, participant_id: int) -> privacy.Viewer:
    """The staff member as a viewer of this person: on the team when they work on one of the person's programs
    or registered them."""
    return privacy.staff_viewer(staff, on_team=not staff.is_admin and await _on_persons_team(staff, participant_id))


async def _on_persons_team(staff: CurrentStaff, participant_id: int) -> bool:
    program_ids = [
        row["program"]
        for row in await Enrolment.select(Enrolment.program).where(Enrolment.participant == participant_id).run()
    ]
    if (
        program_ids
        and await TeamMember.exists()
        .where(TeamMember.program.is_in(program_ids) & (TeamMember.staff == staff.id))
        .run()
    ):
        return True
    return (
        await Participant.exists()
        .where((Participant.id == participant_id) & (Participant.created_by == staff.id))
        .run()
    )


async def can_see_confidential(staff: CurrentStaff, participant_id: int) -> bool:
    """Contact details and notes (the privacy policy's page cells): admins, whoever registered the person, and
    the teams of their programs."""
    viewer = await person_viewer(staff, participant_id)
    return privacy.may_see(viewer, privacy.PAGE, privacy.CONTACT)


async def can_see_participant(staff: CurrentStaff, participant_id: int) -> bool:
    """Anyone on staff who may see the person at all (their display name): organizers, or a team of theirs."""
    if staff.is_organizer:
        return True
    return await can_see_confidential(staff, participant_id)


async def participant_for_staff(staff: CurrentStaff, participant_id: int) -> dict[str, Any]:
    """The participant as this staff member may see them; viewing confidential details is audited."""
    if not await can_see_participant(staff, participant_id):
        raise NotFound("participant")  # not Forbidden: do not confirm that the person exists
    row = await get_participant(participant_id)
    viewer = await person_viewer(staff, participant_id)
    confidential = privacy.may_see(viewer, privacy.PAGE, privacy.CONTACT)
    if confidential:
        await record_audit(staff, "view", "participant", participant_id, N_("viewed confidential details"))
    row = privacy.person_view(row, viewer, privacy.PAGE)
    row["confidential"] = confidential
    return row


async def _list_where(staff: CurrentStaff, search: str, program_id: int | None) -> Any:
    where: Any = Participant.id.is_not_null()
    ids = await managed_program_ids(staff)
    if ids is not None:
        enrolled = Enrolment.select(Enrolment.participant).where(Enrolment.program.is_in(ids or [-1]))
        where &= Participant.id.is_in(enrolled) | (Participant.created_by == staff.id)
    if program_id is not None:
        where &= Participant.id.is_in(Enrolment.select(Enrolment.participant).where(Enrolment.program == program_id))
    if search:
        where &= contains_text(Participant.display_name, search.replace("%", ""))
    return where


async def count_participants(
    staff: CurrentStaff, search: str = "", program_id: int | None = None, *, up_to: int | None = None
) -> int:
    """How many people the participant list holds for this staff member and search; counting stops at `up_to`
    (an organisation of 50,000 people is counted in the time of 1,000)."""
    where = await _list_where(staff, search, program_id)
    if up_to is None:
        return await Participant.count().where(where).run()
    listed = Participant.select(Participant.id).where(where).limit(up_to)
    rows = await Participant.raw("SELECT COUNT(*) AS n FROM ({}) AS listed", listed.querystrings[0]).run()
    return int(rows[0]["n"])


async def list_participants(
    staff: CurrentStaff, search: str = "", program_id: int | None = None, limit: int = 200, offset: int = 0
) -> list[dict[str, Any]]:
    """Display names of the people a staff member may see, by name; contact details never appear in lists."""
    return (
        await Participant.select(
            Participant.id, Participant.display_name, Participant.anonymised_at, Participant.created_at
        )
        .where(await _list_where(staff, search, program_id))
        .order_by(Participant.display_name)
        .order_by(Participant.id)
        .limit(limit)
        .offset(offset)
        .run()
    )


async def participant_enrolments(staff: CurrentStaff, participant_id: int) -> list[dict[str, Any]]:
    """A person's enrolments, with real titles only for programs this staff member manages."""
    rows = (
        await Enrolment.select(
            Enrolment.id,
            Enrolment.status,
            Enrolment.requested_at,
            Enrolment.enrolled_at,
            Enrolment.ended_at,
            Enrolment.program.id.as_alias("program_id"),
            Enrolment.program.slug.as_alias("slug"),
            Enrolment.program.title.as_alias("title"),
            Enrolment.program.public_title.as_alias("public_title"),
            Enrolment.program.discreet.as_alias("discreet"),
        )
        .where(Enrolment.participant == participant_id)
        .order_by(Enrolment.requested_at, ascending=False)
        .run()
    )
    managed = await managed_program_ids(staff)
    for row in rows:
        row["manages"] = managed is None or row["program_id"] in managed
        row["title"] = privacy.title(row, privacy.staff_viewer(staff, on_team=row["manages"]), privacy.PAGE)
    return rows
