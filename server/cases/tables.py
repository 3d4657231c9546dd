"""Tables of case files: the case, its dated needs assessments (one rating per life domain) and its case notes."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.people.tables import Participant, Staff


class Case(Table, tablename="case_file"):
    """One person's case file, held by a case worker (optionally under a supervisor). A case follows the person,
    not a program: it is seen only by its case worker, its supervisor and administrators (privacy.may_see_case)."""

    id: Serial
    # Participants are anonymised, never deleted; a case without its person would mean nothing.
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    # Staff rows go only with their account: the case stays (admins see it and can hand it on).
    case_worker = ForeignKey(references=Staff, null=True, index=True, on_delete=OnDelete.set_null)
    supervisor = ForeignKey(references=Staff, null=True, index=True, on_delete=OnDelete.set_null)
    status = Varchar(length=20, default="open", index=True)  # open | closed
    crisis = Boolean(default=False)
    # The person's own words about what they want (client-centred: their goals, not ours).
    own_words = Text(default="")
    opened_at = Timestamptz(default=TimestamptzNow())
    opened_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    closed_at = Timestamptz(null=True, default=None)
    closed_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    # "" while open; goals_met | partly_met | not_met | moved_away | declined_services
    outcome = Varchar(length=30, default="")
    updated_at = Timestamptz(default=TimestamptzNow())
    # Room for what later slices attach without a table rebuild (SQLite cannot alter columns).
    details = JSON(default={})


class CaseAssessment(Table):
    """A dated needs assessment of a case: the first is the intake, each later one shows change."""

    id: Serial
    case = ForeignKey(references=Case, index=True, on_delete=OnDelete.cascade)
    assessed_on = Date()
    kind = Varchar(length=20, default="assessment")  # assessment (intake or review); room for other kinds
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    recorded_at = Timestamptz(default=TimestamptzNow())


class CaseRating(Table):
    """One life domain's rating (1 = in crisis … 5 = thriving) and note in one assessment; a domain not discussed
    has no row."""

    id: Serial
    assessment = ForeignKey(references=CaseAssessment, index=True, on_delete=OnDelete.cascade)
    domain = Varchar(length=40)
    rating = Integer()
    note = Text(default="")


class CaseNote(Table):
    """A dated case note, confidential to the case's case worker, supervisor and administrators."""

    id: Serial
    case = ForeignKey(references=Case, index=True, on_delete=OnDelete.cascade)
    written_at = Timestamptz(default=TimestamptzNow(), index=True)
    author = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    kind = Varchar(length=20, default="contact")  # contact | home_visit | phone | counselling | crisis
    text = Text(default="")
