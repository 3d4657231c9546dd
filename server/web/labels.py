"""Translated names for the stored codes (roles, kinds, phases, statuses) shown in pages and exports."""

from __future__ import annotations

from server.i18n import N_, gettext


class _Labels:
    def __init__(self) -> None:
        self._groups: dict[str, dict[str, str]] = {}

    def register(self, group: str, pairs: dict[str, str]) -> None:
        self._groups.setdefault(group, {}).update(pairs)

    def label(self, group: str, value: str | None) -> str:
        message = self._groups.get(group, {}).get(value or "")
        return gettext(message) if message else (value or "")

    def message(self, group: str, value: str | None) -> str:
        """The untranslated message naming a code (to translate later, when shown), or the code itself."""
        return self._groups.get(group, {}).get(value or "") or (value or "")

    def choices(self, group: str) -> list[tuple[str, str]]:
        return [(value, gettext(message)) for value, message in self._groups.get(group, {}).items()]


LABELS = _Labels()
LABELS.register("role", {"admin": N_("Administrator"), "organizer": N_("Organizer"), "facilitator": N_("Facilitator")})
LABELS.register(
    "kind",
    {
        "support_group": N_("Support group"),
        "skill_workshop": N_("Skill workshop"),
        "community_project": N_("Community development project"),
    },
)
LABELS.register(
    "phase",
    {
        "assessment": N_("Assessment"),
        "planning": N_("Planning"),
        "implementation": N_("Implementation"),
        "evaluation": N_("Evaluation"),
        "closed": N_("Closed"),
    },
)
LABELS.register(
    "visibility",
    {"public": N_("Public"), "unlisted": N_("Unlisted (link only)"), "private": N_("Private (staff only)")},
)
LABELS.register(
    "enrolment_mode", {"open": N_("Open registration"), "approval": N_("By approval"), "closed": N_("Closed")}
)
LABELS.register("session_status", {"scheduled": N_("Scheduled"), "cancelled": N_("Cancelled"), "held": N_("Held")})
LABELS.register(
    "team_role", {"lead": N_("Lead facilitator"), "co_facilitator": N_("Co-facilitator"), "organizer": N_("Organizer")}
)
LABELS.register(
    "milestone_status",
    {"planned": N_("Planned"), "in_progress": N_("In progress"), "done": N_("Done"), "blocked": N_("Blocked")},
)
LABELS.register("delivery", {"online": N_("Online"), "in_person": N_("In person")})
LABELS.register(
    "consent_purpose",
    {
        "participation": N_("Taking part"),
        "data_collection": N_("Recording my information"),
        "contact": N_("Being contacted"),
        "referral": N_("Sharing my details for a referral"),
    },
)
LABELS.register(
    "audit_action",
    {
        "view": N_("Viewed"),
        "create": N_("Created"),
        "update": N_("Changed"),
        "consent": N_("Consent"),
        "erase": N_("Erased"),
        "token": N_("Link reissued"),
        "archive": N_("Archived"),
        "unarchive": N_("Restored"),
        "correct": N_("Correction"),
        "password": N_("Password reset"),
    },
)
LABELS.register(
    "audit_subject",
    {
        "participant": N_("Participant"),
        "staff": N_("Staff account"),
        "program": N_("Program"),
        "program_team": N_("Program team"),
        "attendance": N_("Attendance"),
    },
)
LABELS.register(
    "enrolment_status",
    {
        "requested": N_("Requested"),
        "waitlisted": N_("Waitlisted"),
        "offered": N_("Place offered"),
        "enrolled": N_("Enrolled"),
        "withdrawn": N_("Withdrawn"),
        "completed": N_("Completed"),
        "declined": N_("Declined"),
    },
)
