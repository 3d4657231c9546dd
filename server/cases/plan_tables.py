"""Tables of a case's plan made with the person: its goals, each goal's steps, and records that the plan was agreed."""

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.cases.tables import Case
from server.people.tables import Staff


class CaseGoal(Table):
    """A goal the person set with their case worker (client-centred: in their words where possible)."""

    id: Serial
    case = ForeignKey(references=Case, index=True, on_delete=OnDelete.cascade)
    text = Text(default="")
    status = Varchar(length=20, default="open")  # open | achieved | dropped
    target_date = Date(null=True, default=None)
    position = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    # When the plan's content last changed through this goal (its words, target, status dropped, a step added):
    # a plan changed after its last agreement shows "changed since agreed". Progress (a step done, a goal
    # achieved) is not a change of what was agreed.
    changed_at = Timestamptz(default=TimestamptzNow())


class CaseStep(Table):
    """One step towards a goal: what, who does it and by when; done when done_at is set."""

    id: Serial
    goal = ForeignKey(references=CaseGoal, index=True, on_delete=OnDelete.cascade)
    text = Text(default="")
    who = Varchar(length=120, default="person")  # person | case_worker | free text (a relative, a partner …)
    due_on = Date(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class PlanAgreement(Table):
    """A record that the plan was discussed with the person and agreed by them (self-determination)."""

    id: Serial
    case = ForeignKey(references=Case, index=True, on_delete=OnDelete.cascade)
    agreed_on = Date()
    how = Varchar(length=20, default="in_person")  # in_person | by_phone | online | in_writing
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    recorded_at = Timestamptz(default=TimestamptzNow())
    note = Text(default="")
