"""Tables for programs and what hangs off them: goals, milestones, partners and team members."""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.people.tables import Staff


class Program(Table):
    """A support group, skill workshop or community development project."""

    id: Serial
    slug = Varchar(length=80, unique=True, index=True)
    kind = Varchar(length=30)  # support_group | skill_workshop | community_project
    title = Varchar(length=200)
    # The only title shown outside staff pages when the program is discreet.
    public_title = Varchar(length=200, default="")
    discreet = Boolean(default=False)
    summary = Text(default="")
    description = Text(default="")
    visibility = Varchar(length=20, default="private", index=True)  # public | unlisted | private
    phase = Varchar(length=20, default="assessment", index=True)
    timezone = Varchar(length=64, default="Asia/Jakarta")
    default_location = Varchar(length=300, default="")
    default_online_link = Varchar(length=500, default="")
    capacity = Integer(null=True, default=None)
    enrolment_mode = Varchar(length=20, default="approval")  # open | approval | closed
    starts_on = Date(null=True, default=None)
    ends_on = Date(null=True, default=None)
    requires_licence = Boolean(default=False)
    completion_threshold = Integer(default=75)  # percent of sessions attended, for workshops
    # Hours before each session its members are reminded of it (server/notices/reminders.py); 0: no reminders.
    reminder_hours = Integer(default=24)
    area = Varchar(length=200, default="")  # neighbourhood served, for community projects
    # The public sees only the area; the exact place and online link reach enrolled participants and staff.
    place_members_only = Boolean(default=False)
    assessment_notes = Text(default="")
    archived = Boolean(default=False, index=True)
    # Room for kind-specific settings that do not deserve a column of their own.
    details = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ProgramSlugAlias(Table):
    """A web address a program used before. Only staff pages follow it (to the current address); public pages
    answer a plain 404, because a public redirect would tie an old address — perhaps one that spelled a
    discreet group's real name — to the program."""

    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    slug = Varchar(length=80, unique=True, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class PhaseChange(Table):
    """Each move of a program through the intervention cycle, with the reason for moving back."""

    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    from_phase = Varchar(length=20)
    to_phase = Varchar(length=20)
    reason = Text(default="")
    changed_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    changed_at = Timestamptz(default=TimestamptzNow())


class TeamMember(Table):
    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    staff = ForeignKey(references=Staff, index=True, on_delete=OnDelete.cascade)
    role = Varchar(length=20, default="co_facilitator")  # lead | co_facilitator | organizer


class Goal(Table):
    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    statement = Text()
    indicator = Varchar(length=300, default="")
    unit = Varchar(length=60, default="")
    baseline = Float(default=0.0)
    target = Float(default=0.0)
    current_value = Float(null=True, default=None)
    due_on = Date(null=True, default=None)
    position = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class GoalUpdate(Table):
    id: Serial
    goal = ForeignKey(references=Goal, index=True, on_delete=OnDelete.cascade)
    value = Float()
    note = Text(default="")
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    recorded_at = Timestamptz(default=TimestamptzNow())


class Milestone(Table):
    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    title = Varchar(length=200)
    due_on = Date(null=True, default=None)
    owner = Varchar(length=120, default="")
    status = Varchar(length=20, default="planned")  # planned | in_progress | done | blocked
    note = Text(default="")


class Partner(Table):
    id: Serial
    name = Varchar(length=200)
    contact_name = Varchar(length=120, default="")
    phone = Varchar(length=40, default="")
    email = Varchar(length=200, default="")
    website = Varchar(length=300, default="")


class ProgramPartner(Table):
    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    partner = ForeignKey(references=Partner, index=True, on_delete=OnDelete.cascade)
    role = Varchar(length=200, default="")
