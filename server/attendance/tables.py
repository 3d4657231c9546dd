"""Attendance: one row per person per session; the last write for a person wins."""

from piccolo.columns import ForeignKey, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.people.tables import Participant, Staff
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
