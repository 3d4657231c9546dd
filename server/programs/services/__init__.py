"""The rules for programs, one module per part (access, addresses, editing, listing, phases, goals, team, partners,
milestones); the package offers every public rule under one name, `from server.programs import services as programs`.
"Is the program open" lives in `server.programs.rules`, the fixed choices in `server.programs.choices`."""

from server.programs.choices import ENROLMENT_MODES, KINDS, MILESTONE_STATUSES, PHASES, TEAM_ROLES, VISIBILITIES
from server.programs.rules import ensure_open, is_open
from server.programs.services.access import can_manage, managed_program_ids, program_for_staff
from server.programs.services.addresses import RESERVED_SLUGS, address_leak, significant_words, slugify
from server.programs.services.editing import (
    EDITABLE_FIELDS,
    archive_program,
    capacity_raised,
    create_program,
    on_capacity_raised,
    program_slug,
    update_program,
)
from server.programs.services.goals import (
    add_goal,
    delete_goal,
    get_goal,
    goal_history,
    goal_progress,
    list_goals,
    record_goal_value,
)
from server.programs.services.listing import (
    ProgramFilter,
    count_programs_for_staff,
    count_public_programs,
    list_programs_for_staff,
    public_program,
    public_programs,
)
from server.programs.services.milestones import (
    add_milestone,
    delete_milestone,
    get_milestone,
    list_milestones,
    set_milestone_status,
    update_milestone,
)
from server.programs.services.partners import add_partner, list_partners, remove_partner
from server.programs.services.phases import (
    change_phase,
    phase_history,
    phase_requirement,
    phase_requirements,
    save_assessment_notes,
)
from server.programs.services.team import (
    add_team_member,
    licence_problem,
    licence_warnings,
    list_team,
    remove_team_member,
    staff_choices,
    team_with_licences,
)

__all__ = [
    "EDITABLE_FIELDS",
    "ENROLMENT_MODES",
    "KINDS",
    "MILESTONE_STATUSES",
    "PHASES",
    "RESERVED_SLUGS",
    "TEAM_ROLES",
    "VISIBILITIES",
    "ProgramFilter",
    "add_goal",
    "add_milestone",
    "add_partner",
    "add_team_member",
    "address_leak",
    "archive_program",
    "can_manage",
    "capacity_raised",
    "change_phase",
    "count_programs_for_staff",
    "count_public_programs",
    "create_program",
    "delete_goal",
    "delete_milestone",
    "ensure_open",
    "get_goal",
    "get_milestone",
    "goal_history",
    "goal_progress",
    "is_open",
    "licence_problem",
    "licence_warnings",
    "list_goals",
    "list_milestones",
    "list_partners",
    "list_programs_for_staff",
    "list_team",
    "managed_program_ids",
    "on_capacity_raised",
    "phase_history",
    "phase_requirement",
    "phase_requirements",
    "program_for_staff",
    "program_slug",
    "public_program",
    "public_programs",
    "record_goal_value",
    "remove_partner",
    "remove_team_member",
    "save_assessment_notes",
    "set_milestone_status",
    "significant_words",
    "slugify",
    "staff_choices",
    "team_with_licences",
    "update_milestone",
    "update_program",
]
