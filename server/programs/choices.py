"""The fixed choices of programs: kinds, visibilities, enrolment modes, phases, team roles, milestone statuses."""

KINDS = ("support_group", "skill_workshop", "community_project")
VISIBILITIES = ("public", "unlisted", "private")
ENROLMENT_MODES = ("open", "approval", "closed")
PHASES = ("assessment", "planning", "implementation", "evaluation", "closed")
TEAM_ROLES = ("lead", "co_facilitator", "organizer")
MILESTONE_STATUSES = ("planned", "in_progress", "done", "blocked")
