"""Tables of notices: what staff announced to a program's participants."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.people.tables import Staff
from server.programs.tables import Program


class Announcement(Table):
    """A message a staff member wrote to everyone enrolled in a program; the messages themselves are in the outbox
    (key `announcement:{id}:{participant}`). `recipients` is how many it was queued to. `form_key` is the random
    value issued with the preview it was sent from, unique per program (a unique index made by its migration, which
    SQLite cannot add as a column constraint): a second submit of the same preview finds it and sends nothing."""

    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    author = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    subject = Varchar(length=120)
    text = Text(default="")
    recipients = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    form_key = Varchar(length=64, null=True, default=None)
