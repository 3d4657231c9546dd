"""Input parsing for programs, goals, phases, team members, partners and milestones."""

from server.programs.choices import ENROLMENT_MODES, KINDS, MILESTONE_STATUSES, PHASES, TEAM_ROLES, VISIBILITIES
from server.programs.services.editing import program_value_refusals
from server.web.forms import (
    Checkbox,
    Choice,
    Date,
    Decimal,
    Email,
    Form,
    Id,
    Integer,
    LongText,
    Phone,
    Slug,
    Text,
    TimeZone,
    Url,
)


class ProgramForm(Form):
    fields = {
        "title": Text(required=True, max_length=200),
        "slug": Slug(),
        "kind": Choice(required=True, choices=KINDS),
        "discreet": Checkbox(),
        "public_title": Text(max_length=200),
        "summary": LongText(max_length=1000),
        "description": LongText(max_length=10_000),
        "visibility": Choice(required=True, choices=VISIBILITIES),
        "timezone": TimeZone(required=True),
        "default_location": Text(max_length=300),
        "default_online_link": Url(),
        "place_members_only": Checkbox(),
        "capacity": Integer(min_value=0, max_value=10_000),
        "enrolment_mode": Choice(required=True, choices=ENROLMENT_MODES),
        "starts_on": Date(),
        "ends_on": Date(),
        "requires_licence": Checkbox(),
        "completion_threshold": Integer(min_value=0, max_value=100),
        # Hours a freed place is offered before it passes on; empty: the organisation's default, 0: enrol at once.
        "offer_hours": Integer(min_value=0, max_value=720),
        "area": Text(max_length=200),
        # Hours before each session its members get a reminder; 0: none. At most a week ahead.
        "reminder_hours": Integer(min_value=0, max_value=168),
    }

    def clean(self) -> None:
        # The program's rules on these values (they are checked again when it is saved), in the same round as the
        # fields' own errors.
        for refusal in program_value_refusals(self.cleaned):
            self.refuse(refusal)
        if self["completion_threshold"] is None:
            self.cleaned["completion_threshold"] = 75
        if self["reminder_hours"] is None:
            self.cleaned["reminder_hours"] = 24


class AssessmentForm(Form):
    fields = {"assessment_notes": LongText(max_length=20_000)}


class PhaseForm(Form):
    fields = {"to_phase": Choice(required=True, choices=PHASES), "reason": LongText(max_length=2000)}


class GoalForm(Form):
    fields = {
        "statement": Text(required=True, max_length=500),
        "indicator": Text(max_length=300),
        "unit": Text(max_length=60),
        "baseline": Decimal(required=True),
        "target": Decimal(required=True),
        "current_value": Decimal(),
        "due_on": Date(),
    }


class GoalValueForm(Form):
    fields = {"value": Decimal(required=True), "note": Text(max_length=500)}


class TeamMemberForm(Form):
    fields = {"staff_id": Id(required=True), "role": Choice(required=True, choices=TEAM_ROLES)}


class PartnerForm(Form):
    fields = {
        "name": Text(required=True, max_length=200),
        "contact_name": Text(max_length=120),
        "phone": Phone(),
        "email": Email(),
        "website": Url(max_length=300),
        "role": Text(max_length=200),
    }


class MilestoneForm(Form):
    fields = {
        "title": Text(required=True, max_length=200),
        "due_on": Date(),
        "owner": Text(max_length=120),
        "status": Choice(required=True, choices=MILESTONE_STATUSES),
        "note": LongText(max_length=2000),
    }


class MilestoneStatusForm(Form):
    fields = {"status": Choice(required=True, choices=MILESTONE_STATUSES)}


class CatalogueFilter(Form):
    """The public catalogue's filters; the public calendar feed (`/calendar.ics`) takes the same ones, except
    `upcoming`, which means nothing for a feed of sessions."""

    fields = {
        "kind": Choice(choices=KINDS),
        "mode": Choice(choices=("online", "in_person")),
        "area": Text(max_length=200),
        "upcoming": Checkbox(),
    }

    def feed_filters(self) -> dict[str, str]:
        """The chosen filters a calendar feed carries, in a fixed order and without the empty ones (call after
        `is_valid()`; an invalid form chooses none)."""
        if not self.is_valid():
            return {}
        return {name: str(self.cleaned[name]) for name in ("kind", "mode", "area") if self.cleaned[name]}


class StaffProgramFilter(Form):
    fields = {
        "kind": Choice(choices=KINDS),
        "phase": Choice(choices=PHASES),
        "q": Text(max_length=100),
        "archived": Checkbox(),
    }
