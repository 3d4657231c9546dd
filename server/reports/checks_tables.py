"""Kept counts of the data checks' open problems (server/reports/checks_kept.py keeps them in step with writes)."""

from piccolo.columns import Integer, Serial, Varchar
from piccolo.table import Table


class ProgramCheckCount(Table):
    """One row per program: its open problems that do not depend on the instant, each counted only while the
    program's phase and archiving make it a problem (a change of either recomputes the row)."""

    id: Serial
    program = Integer(unique=True)
    # Enrolled members with no participation consent in force (not archived, not closed).
    no_consent = Integer(default=0)
    # Goals with no current value (not archived, in implementation or evaluation).
    goals_without_value = Integer(default=0)
    # 1 for a program in implementation (not archived) without goals.
    without_goals = Integer(default=0)


class PersonCheck(Table):
    """One row per participant: the checks' view of the person, remembered so that a change can undo the old one
    (leave a duplicate group, lower a count). Keys are empty when they cannot match anyone (erased, blank)."""

    id: Serial
    participant = Integer(unique=True)
    contact_without_consent = Integer(default=0)
    no_participation = Integer(default=0)
    phone_key = Varchar(length=255, default="")
    email_key = Varchar(length=255, default="")
    name_key = Varchar(length=255, default="")


class DuplicateGroup(Table):
    """A key (phone digits, e-mail, name) shared by two people or more, and how many: the possible duplicates."""

    id: Serial
    reason = Varchar(length=10)
    dup_key = Varchar(length=255)
    members = Integer(default=0)


class CheckTotal(Table):
    """Organisation-wide counts kept by difference: people with contact details and no consent to be contacted, and
    the sums of the programs' kept counts (no_consent, goals_without_value, programs_without_goals)."""

    id: Serial
    kind = Varchar(length=40, unique=True)
    total = Integer(default=0)
