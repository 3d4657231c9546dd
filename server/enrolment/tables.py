"""Tables for enrolments and their history, RSVPs, and the legacy individual goals (now in case plans)."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.people.tables import Participant, Staff
from server.programs.tables import Program
from server.schedule.tables import ProgramSession


class Enrolment(Table):
    """A participant in a program. The enrolled and ended instants decide which sessions count for attendance."""

    id: Serial
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    # requested | waitlisted | offered | enrolled | withdrawn | completed | declined
    status = Varchar(length=20, index=True)
    requested_at = Timestamptz(default=TimestamptzNow())
    enrolled_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    offer_expires_at = Timestamptz(null=True, default=None)
    reason = Text(default="")
    source = Varchar(length=20, default="staff")  # staff | self_registration | referral
    updated_at = Timestamptz(default=TimestamptzNow())
    # Unique (participant, program): a unique index made in the migration.


class EnrolmentChange(Table):
    """Every status change of an enrolment, including automatic waitlist promotions."""

    id: Serial
    enrolment = ForeignKey(references=Enrolment, index=True, on_delete=OnDelete.cascade)
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    from_status = Varchar(length=20, default="")
    to_status = Varchar(length=20)
    note = Text(default="")
    automatic = Varchar(length=20, default="")  # "" | promotion | offer_expired
    changed_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    changed_at = Timestamptz(default=TimestamptzNow(), index=True)


class Rsvp(Table):
    id: Serial
    session = ForeignKey(references=ProgramSession, index=True, on_delete=OnDelete.cascade)
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    response = Varchar(length=20)  # going | not_going
    answered_at = Timestamptz(default=TimestamptzNow())
    # Unique (session, participant): a unique index made in the migration.


# --- legacy: individual goals and progress notes -------------------------------------------------------------------
# LEGACY, read-only. A person's goals now live in their case plan (server/cases/plan_tables.py) and the notes on
# their progress are case notes; migration 2026-11-30T09:00:01 copied every row there and set `moved_to`. Nothing
# writes these tables any more; they stay because SQLite cannot drop a table safely in a migration, and the
# personal-data registry (server/enrolment/personal_data.py) still exports and erases whatever is left in them.


class IndividualGoal(Table):
    """LEGACY: a participant's own goal within a program, before case plans."""

    id: Serial
    enrolment = ForeignKey(references=Enrolment, index=True, on_delete=OnDelete.cascade)
    statement = Text()
    created_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    # The case_goal this row was copied to (a plain id, not a key: deleting the plan goal must not touch this).
    moved_to = Integer(null=True, default=None)


class ProgressNote(Table):
    """LEGACY: a dated note on an individual goal's progress, before case notes."""

    id: Serial
    goal = ForeignKey(references=IndividualGoal, index=True, on_delete=OnDelete.cascade)
    note = Text()
    written_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    written_at = Timestamptz(default=TimestamptzNow())
    # The case_note this row was copied to.
    moved_to = Integer(null=True, default=None)
