"""Table of referrals: a case's referral of its person to a partner organisation or to another Gotong program."""

from piccolo.columns import Boolean, Date, ForeignKey, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.cases.tables import Case
from server.people.tables import Staff
from server.programs.tables import Partner, Program


class Referral(Table):
    """A referral of the case's person to exactly one partner or one program, with the reason (staff's words, seen
    like the case itself), whether named details were shared (only under the person's current "referral" consent),
    its status and the date to follow it up."""

    id: Serial
    case = ForeignKey(references=Case, index=True, on_delete=OnDelete.cascade)
    # A partner removed from the organisation's list leaves its referrals (without the name) in the case's history.
    partner = ForeignKey(references=Partner, null=True, index=True, on_delete=OnDelete.set_null)
    program = ForeignKey(references=Program, null=True, index=True, on_delete=OnDelete.set_null)
    reason = Text(default="")
    shares_named_details = Boolean(default=False)
    status = Varchar(length=20, default="sent", index=True)  # sent | accepted | declined | completed | no_response
    follow_up_on = Date(null=True, default=None)
    created_by = ForeignKey(references=Staff, null=True, index=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)
