"""The SQL every report shares: table names, the held-session condition, the attendance rules' fragments and
reading aggregate rows back."""

from __future__ import annotations

from typing import Any

# The attendance rules' SQL helpers: one definition of counted sessions and marks for rates everywhere.
from server.attendance.rules import T_ATTENDANCE, T_ENROLMENT, counted_session_sql, marks_sql, raw
from server.attendance.rules import as_datetime as instant  # timestamps of raw aggregates (text on SQLite)
from server.attendance.stats import T_SESSION_STATS
from server.people.tables import Consent, Participant
from server.programs.tables import Goal, Program
from server.schedule.tables import ProgramSession
from server.surveys.tables import Answer, Question, Response, Survey

__all__ = [
    "HELD_SQL",
    "T_ATTENDANCE",
    "T_ENROLMENT",
    "T_SESSION_STATS",
    "as_int",
    "instant",
    "marks_sql",
    "raw",
    "share",
]

T_PROGRAM = Program._meta.tablename
T_SESSION = ProgramSession._meta.tablename
T_PARTICIPANT = Participant._meta.tablename
T_CONSENT = Consent._meta.tablename
T_GOAL = Goal._meta.tablename
T_SURVEY = Survey._meta.tablename
T_QUESTION = Question._meta.tablename
T_RESPONSE = Response._meta.tablename
T_ANSWER = Answer._meta.tablename

# A session counts as held when the attendance rules count it (status held, or started with attendance taken).
HELD_SQL = counted_session_sql("s")


def as_int(value: Any) -> int:
    """A COUNT or SUM that may be NULL (no rows) or text."""
    return int(value or 0)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
