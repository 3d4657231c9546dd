"""The staff view of a program's list: people by status with their consents, who may see personal links, people
to enrol, and recent waitlist promotions (for the dashboard)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import privacy
from server.db import as_datetime, raw
from server.enrolment import participant_access
from server.enrolment.services import consent_states
from server.enrolment.tables import Enrolment, EnrolmentChange
from server.enrolment.waitlist import ACTIVE, ENROLMENT_COLUMNS, LIST_ORDER
from server.people.tables import Participant
from server.programs.tables import Program, TeamMember
from server.web.access import CurrentStaff

T_CHANGE = EnrolmentChange._meta.tablename
T_ENROLMENT = Enrolment._meta.tablename
T_PARTICIPANT = Participant._meta.tablename
T_PROGRAM = Program._meta.tablename
T_TEAM = TeamMember._meta.tablename


async def sees_confidential(staff: CurrentStaff, program_id: int) -> bool:
    """Personal links on a program's list: whoever may see contact details of the program's people
    (its team, admins)."""
    on_team = (
        not staff.is_admin
        and await TeamMember.exists().where((TeamMember.program == program_id) & (TeamMember.staff == staff.id)).run()
    )
    return privacy.may_see(privacy.staff_viewer(staff, on_team=on_team), privacy.PAGE, privacy.CONTACT)


async def program_participants(program_id: int) -> dict[str, list[dict[str, Any]]]:
    """The program's people by status, waitlist in queue order with positions, in a fixed number of queries."""
    rows = (
        await Enrolment.select(
            *ENROLMENT_COLUMNS,
            Enrolment.participant.display_name.as_alias("display_name"),
            Enrolment.participant.anonymised_at.as_alias("anonymised_at"),
        )
        .where(Enrolment.program == program_id)
        .order_by(Enrolment.requested_at)
        .order_by(Enrolment.id)
        .run()
    )
    consents = await consent_states([row["participant"] for row in rows])
    groups: dict[str, list[dict[str, Any]]] = {status: [] for status in LIST_ORDER}
    for row in rows:
        row["consents"] = consents.get(row["participant"], {})
        row["active"] = row["status"] in ACTIVE  # still on the list: may be withdrawn
        groups.setdefault(row["status"], []).append(row)
    for position, row in enumerate(groups["waitlisted"], start=1):
        row["position"] = position
    return groups


async def enrolment_candidates(staff: CurrentStaff, program_id: int, search: str) -> list[dict[str, Any]]:
    """People this staff member may see whose display name matches, minus those already on the program's list."""
    if not search.strip():
        return []
    found = await participant_access.list_participants(staff, search=search.strip()[:100], limit=20)
    found = [row for row in found if row["anonymised_at"] is None]
    if not found:
        return []
    ids = [row["id"] for row in found]
    listed = {
        row["participant"]
        for row in await Enrolment.select(Enrolment.participant)
        .where(
            (Enrolment.program == program_id) & Enrolment.participant.is_in(ids) & Enrolment.status.is_in(list(ACTIVE))
        )
        .run()
    }
    consents = await consent_states(ids)
    return [dict(row, consents=consents[row["id"]]) for row in found if row["id"] not in listed]


async def recent_promotions(staff: CurrentStaff, since: datetime) -> list[dict[str, Any]]:
    """Waitlist promotions since a moment, on the programs this staff member manages (for the dashboard), newest
    first. In SQL rather than built by the ORM: the dashboard is the page staff open first."""
    team = f'SELECT t.program FROM "{T_TEAM}" t WHERE t.staff = :staff'
    mine = "" if staff.is_organizer else f" AND c.program IN ({team})"
    rows = await raw(
        f"""
        SELECT c.id AS id, c.changed_at AS changed_at, c.to_status AS to_status, e.id AS enrolment_id,
               pa.id AS participant_id, pa.display_name AS display_name, p.id AS program_id, p.slug AS slug,
               p.title AS title
        FROM "{T_CHANGE}" c JOIN "{T_ENROLMENT}" e ON e.id = c.enrolment
             JOIN "{T_PARTICIPANT}" pa ON pa.id = e.participant JOIN "{T_PROGRAM}" p ON p.id = c.program
        WHERE c.automatic = 'promotion' AND c.changed_at >= :since{mine}
        ORDER BY c.changed_at DESC, c.id DESC LIMIT 100
        """,
        since=since,
        staff=staff.id,
    )
    for row in rows:
        row["changed_at"] = as_datetime(row["changed_at"])
    return rows
