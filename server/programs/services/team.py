"""A program's team: members and their roles, and the licence rule for facilitators."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from server.audit import record_audit, translatable
from server.db import as_date, raw
from server.errors import DomainError, Forbidden
from server.i18n import N_
from server.people.tables import Staff
from server.programs.choices import TEAM_ROLES
from server.programs.rules import ensure_open
from server.programs.tables import Program, TeamMember
from server.web.access import CurrentStaff
from server.web.labels import LABELS

T_TEAM = TeamMember._meta.tablename
T_PROGRAM = Program._meta.tablename
T_STAFF = Staff._meta.tablename


async def list_team(program_id: int) -> list[dict[str, Any]]:
    return (
        await TeamMember.select(
            TeamMember.id,
            TeamMember.role,
            TeamMember.staff.id.as_alias("staff_id"),
            TeamMember.staff.display_name.as_alias("name"),
            TeamMember.staff.role.as_alias("staff_role"),
            TeamMember.staff.licence_number.as_alias("licence_number"),
            TeamMember.staff.licence_expires_on.as_alias("licence_expires_on"),
        )
        .where(TeamMember.program == program_id)
        .order_by(TeamMember.role)
        .run()
    )


async def team_with_licences(program: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """The team, each member with `licence_problem` ('missing', 'expired' or None) where the program requires
    a licence; organizers on the team need none."""
    team = await list_team(program["id"])
    for member in team:
        needs_licence = program["requires_licence"] and member["role"] != "organizer"
        member["licence_problem"] = licence_problem(member, today) if needs_licence else None
    return team


async def add_team_member(actor: CurrentStaff, program: dict[str, Any], staff_id: int, role: str) -> None:
    ensure_open(program)
    if not actor.is_organizer:
        raise DomainError("team_needs_organizer", N_("Only organizers can change the team."), field="staff_id")
    if role not in TEAM_ROLES:
        raise DomainError("bad_role", N_("Choose one of the options."), field="role")
    if not await Staff.exists().where(Staff.id == staff_id).run():
        raise DomainError("unknown_staff", N_("Choose one of the options."), field="staff_id")
    if await TeamMember.exists().where((TeamMember.program == program["id"]) & (TeamMember.staff == staff_id)).run():
        raise DomainError("already_on_team", N_("This person is already on the team."), field="staff_id")
    await TeamMember.insert(TeamMember(program=program["id"], staff=staff_id, role=role)).run()
    await record_audit(
        actor,
        "update",
        "program_team",
        program["id"],
        N_("added staff member #%(staff)s as %(role)s"),
        staff=staff_id,
        role=translatable(LABELS.message("team_role", role)),
    )


async def remove_team_member(actor: CurrentStaff, program: dict[str, Any], member_id: int) -> None:
    ensure_open(program)
    if not actor.is_organizer:
        raise Forbidden()
    await TeamMember.delete().where((TeamMember.id == member_id) & (TeamMember.program == program["id"])).run()
    await record_audit(
        actor, "update", "program_team", program["id"], N_("removed team member #%(member)s"), member=member_id
    )


def licence_problem(member: dict[str, Any], today: date) -> str | None:
    """'missing' or 'expired' for a facilitator whose licence a program requires; None when fine."""
    if not member.get("licence_number"):
        return "missing"
    expires = member.get("licence_expires_on")
    if expires is not None and expires < today:
        return "expired"
    return None


async def licence_warnings(staff: CurrentStaff, today: date, *, expiring_within: int = 0) -> list[dict[str, Any]]:
    """Facilitators (leads and co-facilitators) on running programs that require a licence, on the programs the
    staff member works on (every program for organizers), whose licence is missing or expired (licence_problem), by
    program; with `expiring_within` days, then those whose licence runs out within them, soonest first ("expiring").
    One query that reads only their rows; in SQL rather than built by the ORM: the dashboards show them."""
    team = f'SELECT t.program FROM "{T_TEAM}" t WHERE t.staff = :staff'
    mine = "" if staff.is_organizer else f" AND m.program IN ({team})"
    soon = today + timedelta(days=expiring_within)
    until = "<=" if expiring_within else "<"  # without a window: expired only
    rows = await raw(
        f"""
        SELECT p.slug AS slug, p.title AS title, st.display_name AS name, st.licence_number AS licence_number,
               st.licence_expires_on AS licence_expires_on
        FROM "{T_TEAM}" m JOIN "{T_PROGRAM}" p ON p.id = m.program JOIN "{T_STAFF}" st ON st.id = m.staff
        WHERE p.requires_licence = :required AND p.archived = :archived AND m.role IN ('lead', 'co_facilitator')
          AND (COALESCE(st.licence_number, '') = '' OR st.licence_expires_on {until} :soon){mine}
        ORDER BY p.title, st.display_name
        """,
        required=True,
        archived=False,
        soon=soon,
        staff=staff.id,
    )
    warnings, expiring = [], []
    for row in rows:
        row["licence_expires_on"] = as_date(row["licence_expires_on"])
        problem = licence_problem(row, today)
        if problem:
            warnings.append({**row, "problem": problem})
        elif row["licence_expires_on"] is not None and row["licence_expires_on"] >= today:
            expiring.append({**row, "problem": "expiring"})
    return warnings + sorted(expiring, key=lambda row: row["licence_expires_on"])


async def staff_choices() -> list[tuple[int, str]]:
    rows = (
        await Staff.select(Staff.id, Staff.display_name)
        .where(Staff.user.active == True)  # noqa: E712
        .order_by(Staff.display_name)
        .run()
    )
    return [(row["id"], row["display_name"]) for row in rows]
