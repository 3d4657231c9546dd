"""Tables for recurring series and the concrete program sessions they produce."""

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Serial, Text, Timestamp, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.people.tables import Staff
from server.programs.tables import Program


class Series(Table):
    """A recurring schedule: an RFC 5545 RRULE anchored at a local wall-clock start in the program's timezone."""

    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    rrule = Text()
    # Wall-clock time in `timezone`, so a weekly 19:00 stays 19:00 across DST changes.
    local_start = Timestamp()
    duration_minutes = Integer(default=90)
    timezone = Varchar(length=64)
    topic = Varchar(length=300, default="")
    location = Varchar(length=300, default="")
    online_link = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class ProgramSession(Table):
    """One dated meeting of a program ("session" alone would collide with the HTTP session)."""

    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    series = ForeignKey(references=Series, null=True, index=True, on_delete=OnDelete.set_null)
    # Stable calendar identity: never changes when the session is edited or moved.
    uid = Varchar(length=120, unique=True)
    sequence = Integer(default=0)
    status = Varchar(length=20, default="scheduled", index=True)  # scheduled | cancelled | held
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    # The start the series rule gave this occurrence, before any move (RECURRENCE-ID).
    original_start = Timestamptz(null=True, default=None)
    detached = Boolean(default=False)  # edited by hand: series-wide edits leave it alone
    topic = Varchar(length=300, default="")
    location = Varchar(length=300, default="")
    online_link = Varchar(length=500, default="")
    cancel_reason = Text(default="")
    notes = Text(default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class SessionFacilitator(Table):
    id: Serial
    session = ForeignKey(references=ProgramSession, index=True, on_delete=OnDelete.cascade)
    staff = ForeignKey(references=Staff, index=True, on_delete=OnDelete.cascade)
