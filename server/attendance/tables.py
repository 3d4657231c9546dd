"""Attendance: one row per person per session (the last write for a person wins), and each enrolment's kept figures."""

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.enrolment.tables import Enrolment
from server.people.tables import Participant, Staff
from server.programs.tables import Program
from server.schedule.tables import ProgramSession


class Attendance(Table):
    id: Serial
    session = ForeignKey(references=ProgramSession, index=True, on_delete=OnDelete.cascade)
    # Null for a guest at an open group, who is counted but not registered.
    participant = ForeignKey(references=Participant, null=True, index=True, on_delete=OnDelete.cascade)
    guest_label = Varchar(length=120, default="")
    status = Varchar(length=20)  # present | late | excused | absent
    note = Text(default="")
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    recorded_at = Timestamptz(default=TimestamptzNow())
    # Unique (session, participant): a unique index made in the migration.


class EnrolmentStats(Table):
    """One enrolment's attendance figures, kept in step with every write that changes them (server/attendance/
    stats.py), so that warnings and rates need not sum every mark. They are exact for any instant in
    [valid_from, valid_until): the starts of the program's nearest countable sessions around the last recompute
    (None: unbounded). A reader outside that window computes from the marks instead."""

    id: Serial
    enrolment = ForeignKey(references=Enrolment, unique=True, on_delete=OnDelete.cascade)
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    # Counted sessions at whose start the person was a member, and how each was marked (unmarked = absent).
    sessions = Integer(default=0)
    present = Integer(default=0)
    late = Integer(default=0)
    excused = Integer(default=0)
    absent = Integer(default=0)
    # Counted absences after the last attended session (excused neither extends nor breaks it).
    streak = Integer(default=0)
    last_attended = Timestamptz(null=True, default=None)
    valid_from = Timestamptz(null=True, default=None)
    valid_until = Timestamptz(null=True, default=None)


class SessionStats(Table):
    """One session's attendance figures, kept in step with every write to its program (server/attendance/stats.py),
    so that the attendance tab, reports and data checks sum one row per session instead of every mark. Unlike an
    enrolment's figures they do not depend on the instant: whether the session counts is decided when reading, from
    the status, start and `recorded` kept here (the counted-session rule of server/attendance/rules.py)."""

    id: Serial
    session = ForeignKey(references=ProgramSession, unique=True, on_delete=OnDelete.cascade)
    program = ForeignKey(references=Program, on_delete=OnDelete.cascade)
    # Copies of the session's own columns, so that readers filter and order without joining the sessions.
    starts_at = Timestamptz(null=True, default=None)
    ends_at = Timestamptz(null=True, default=None)
    status = Varchar(length=20, default="scheduled")
    # Every mark on the session, guests included, and the marks by status of registered people.
    recorded = Integer(default=0)
    guests = Integer(default=0)
    present = Integer(default=0)
    late = Integer(default=0)
    excused = Integer(default=0)
    absent = Integer(default=0)
    # Members at the session's start and how they were marked (unmarked members are counted apart, not as absent).
    members = Integer(default=0)
    members_attended = Integer(default=0)
    members_excused = Integer(default=0)
    members_absent = Integer(default=0)
    members_unmarked = Integer(default=0)
    # Composite indexes (program, starts_at) and (recorded, ends_at) are made in the migration.


class ServedMonth(Table):
    """Who a program served in a month of the organisation (its timezone): one row per participant with a present or
    late mark on a session not cancelled starting in that month, and one row (no participant) counting the guests'
    visits. Kept in step with every write to the program (server/attendance/stats.py, keep_served), so that
    "people served" need not read every mark."""

    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    participant = ForeignKey(references=Participant, null=True, index=True, on_delete=OnDelete.cascade)
    # The month's first day, in `timezone` (the organisation's when the row was written).
    month = Date()
    visits = Integer(default=0)
    timezone = Varchar(length=64, default="")


class ServedPeriod(Table):
    """A participant served at least once in a calendar month, quarter or year (kind, first day), in any program:
    the distinct count of a period is the number of its rows. Derived from ServedMonth by the same keeper."""

    id: Serial
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    kind = Varchar(length=8)  # month | quarter | year
    start = Date()
    # The groups the row is counted in (ServedGroup), from the person's answers when it was written or they last
    # changed: a change of answers moves the counts from these groups to the new ones. The age group is the one
    # reached in the period's year; the area is as typed, single-spaced ("" is "not recorded" for all four).
    gender = Varchar(length=20, default="")
    age_group = Varchar(length=8, default="")
    disability = Varchar(length=8, default="")
    area = Varchar(length=120, default="")
    # Composite index (kind, start) is made in the migration.


class ServedGroup(Table):
    """How many people a calendar month, quarter or year (kind, first day) served in one group of one breakdown
    (dimension: gender, age_group, disability or area; value: the group, "" not recorded): its ServedPeriod rows
    counted by their groups, moved by the same keeper as they are inserted, deleted or regrouped, so that the
    report's "who was served" reads a few rows whatever the number of people served."""

    id: Serial
    kind = Varchar(length=8)  # month | quarter | year
    start = Date()
    dimension = Varchar(length=16)
    value = Varchar(length=120, default="")
    people = Integer(default=0)
    # Unique index (kind, start, dimension, value) is made in the migration.


class ServedCount(Table):
    """How many people a calendar month, quarter or year (kind, first day) served: its number of ServedPeriod rows,
    and the guests' visits of its ServedMonth rows, kept by the same keeper from the rows it inserts and deletes, so
    that a period's "people served" is one row read whatever the organisation's size."""

    id: Serial
    kind = Varchar(length=8)  # month | quarter | year
    start = Date()
    people = Integer(default=0)
    guests = Integer(default=0)
    # Unique index (kind, start) is made in the migration.


class ProgramPeriodStats(Table):
    """One program's attendance totals in a calendar month, quarter or year of the organisation (its timezone,
    recorded in the row), over its countable sessions (not cancelled; held or with marks) starting in it, whatever
    the instant: sessions, members at their starts and how they were marked, and the people who were members at
    the start of at least one. Kept in step with every write to the program (server/attendance/program_periods.py),
    so that the organisation overview's "attendance by program" reads one row per program."""

    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    kind = Varchar(length=8)  # month | quarter | year
    start = Date()
    timezone = Varchar(length=64, default="")
    sessions = Integer(default=0)
    members = Integer(default=0)
    attended = Integer(default=0)
    absent = Integer(default=0)  # absent or unmarked members
    excused = Integer(default=0)
    people = Integer(default=0)
    # Unique index (kind, start, program) is made in the migration.
