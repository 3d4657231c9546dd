"""Tables of the follow-up after a case closes: the checks planned at 1, 3 and 6 months and the invitation of each."""

from piccolo.columns import Date, ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table

from server.cases.tables import Case
from server.surveys.tables import Survey, SurveyInvite


class FollowUp(Table, tablename="case_follow_up"):
    """A follow-up check of a closed case: planned on closure for a day in the organisation's timezone, then sent
    as a personal survey invitation (server/cases/followups.py). Answered is read from the invite's response."""

    id: Serial
    case = ForeignKey(references=Case, index=True, on_delete=OnDelete.cascade)
    due_on = Date(index=True)
    # The follow-up survey the invitation was for, and the person's invite to it; null until sent.
    survey = ForeignKey(references=Survey, null=True, on_delete=OnDelete.set_null)
    invite = ForeignKey(references=SurveyInvite, null=True, on_delete=OnDelete.set_null)
    status = Varchar(length=20, default="planned", index=True)  # planned | sent | answered | skipped
    # Why a follow-up was skipped: no_contact (no consent to be contacted or no address), already_answered (the
    # current follow-up survey was answered at an earlier check), superseded (a later check was due at once).
    skip_reason = Varchar(length=30, default="")
    sent_at = Timestamptz(null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
