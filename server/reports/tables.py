"""Saved evaluation texts of program reports."""

from piccolo.columns import ForeignKey, OnDelete, Serial, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.people.tables import Staff
from server.programs.tables import Program


class Evaluation(Table):
    """The facilitator's written evaluation of a program, saved with the report and its date."""

    id: Serial
    program = ForeignKey(references=Program, index=True, on_delete=OnDelete.cascade)
    text = Text()
    written_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    written_at = Timestamptz(default=TimestamptzNow(), index=True)
