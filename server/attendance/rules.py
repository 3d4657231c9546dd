"""The two rules every attendance figure rests on, written once: which sessions count, and who was a member at a
session's start — as named SQL fragments, Piccolo conditions and Python predicates — plus the `marks` common table
expressions that rates, warnings and reports sum up.

- A session *counts* once it is held: status "held", or a "scheduled" session that has started and has attendance
  recorded. Cancelled sessions never count, and neither do sessions that have not started.
- A person is a *member at a session's start* when their enrolment (status enrolled, completed or withdrawn) began
  at or before the start and had not ended by then — or when they have a mark on that session. Sessions before they
  joined or after they left are not absences; but a mark makes the person count for that session: when a sheet is
  filled in after the fact (a paper register typed in later), people enrolled since are listed apart ("enrolled
  after this session started", sheets.on_sheet_sql), and marking one of them counts the session for them, with
  the status marked. Unmarked, they do not count. Bulk marks ("the rest present/absent") use only the dates
  (`enrolled_at_start`), so nobody is counted for a session without a choice made for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.columns.combination import And

from server.attendance.tables import Attendance
from server.db import as_datetime as as_datetime  # the SQL helpers, where attendance's modules look for them
from server.db import raw as raw
from server.enrolment.tables import Enrolment
from server.people.tables import Participant
from server.programs.tables import Program, TeamMember
from server.schedule.tables import ProgramSession

# Enrolments whose dates decide which sessions count (a withdrawn person counts until they left).
MEMBER_STATUSES = ("enrolled", "completed", "withdrawn")
ATTENDED = ("present", "late")

T_SESSION = ProgramSession._meta.tablename
T_ATTENDANCE = Attendance._meta.tablename
T_ENROLMENT = Enrolment._meta.tablename
T_PARTICIPANT = Participant._meta.tablename
T_PROGRAM = Program._meta.tablename
T_TEAM = TeamMember._meta.tablename
_MEMBER_LIST = ", ".join(f"'{status}'" for status in MEMBER_STATUSES)


# --- counted session -------------------------------------------------------------------------------


def counted_session_sql(s: str = "s") -> str:
    """SQL condition on a session aliased `s`: it counts for attendance at the bound instant `:now`."""
    return (
        f"{s}.status <> 'cancelled' AND {s}.starts_at <= :now AND ({s}.status = 'held' OR EXISTS "
        f'(SELECT 1 FROM "{T_ATTENDANCE}" x WHERE x."session" = {s}.id))'
    )


COUNTED_SESSION_SQL = counted_session_sql()


def is_counted_session(session: dict[str, Any], now: datetime, *, recorded: bool) -> bool:
    """The same rule for a session row already loaded; `recorded`: whether any attendance was taken."""
    return (
        session["status"] != "cancelled" and session["starts_at"] <= now and (session["status"] == "held" or recorded)
    )


# --- member at session start -----------------------------------------------------------------------


def member_at_start_sql(e: str = "e", starts_at: str = "s.starts_at", session_id: str = "s.id") -> str:
    """SQL condition on an enrolment aliased `e`: a member at the start of the session `session_id` starting at
    `starts_at` (SQL expressions): enrolled by its dates then, or marked on that session."""
    return (
        f"{e}.status IN ({_MEMBER_LIST}) AND {e}.enrolled_at IS NOT NULL "
        f"AND (({e}.enrolled_at <= {starts_at} AND ({e}.ended_at IS NULL OR {e}.ended_at > {starts_at})) "
        f'OR EXISTS (SELECT 1 FROM "{T_ATTENDANCE}" mk WHERE mk."session" = {session_id} '
        f"AND mk.participant = {e}.participant))"
    )


MEMBER_AT_START_SQL = member_at_start_sql()


def enrolled_at_start(program_id: int, starts_at: datetime) -> And:
    """The Piccolo condition on Enrolment: enrolled in the program by the dates when a session started."""
    return (
        (Enrolment.program == program_id)
        & Enrolment.status.is_in(list(MEMBER_STATUSES))
        & Enrolment.enrolled_at.is_not_null()
        & (Enrolment.enrolled_at <= starts_at)
        & (Enrolment.ended_at.is_null() | (Enrolment.ended_at > starts_at))
    )


def ever_member(program_id: int) -> And:
    """The Piccolo condition on Enrolment: everyone who is or was a member of the program (a register's rows)."""
    return (
        (Enrolment.program == program_id)
        & Enrolment.status.is_in(list(MEMBER_STATUSES))
        & Enrolment.enrolled_at.is_not_null()
    )


def is_enrolled_at_start(enrolment: dict[str, Any], starts_at: datetime) -> bool:
    """The dates part of the rule for an enrolment row already loaded (enrolled_at, ended_at, status if selected)."""
    if enrolment.get("status", MEMBER_STATUSES[0]) not in MEMBER_STATUSES or enrolment["enrolled_at"] is None:
        return False
    return enrolment["enrolled_at"] <= starts_at and (
        enrolment["ended_at"] is None or enrolment["ended_at"] > starts_at
    )


def is_member_at_start(enrolment: dict[str, Any], starts_at: datetime, *, marked: bool) -> bool:
    """The member-at-start rule for an enrolment row already loaded; `marked`: the person has a mark on the session."""
    if enrolment.get("status", MEMBER_STATUSES[0]) not in MEMBER_STATUSES or enrolment["enrolled_at"] is None:
        return False
    return marked or is_enrolled_at_start(enrolment, starts_at)


def marks_sql(program_filter: str) -> str:
    """Common table expressions: `counted` sessions, `marks` (one row per member per counted session with their
    status, absent when unmarked), `last_seen` and `rates` (attended, absent, excused, current run of absences)."""
    return f"""
    WITH counted AS (
        SELECT s.id AS session_id, s.program AS program_id, s.starts_at AS starts_at
        FROM "{T_SESSION}" s
        WHERE {program_filter} AND {COUNTED_SESSION_SQL}
    ),
    marks AS (
        SELECT e.participant AS participant_id, c.program_id AS program_id, c.session_id AS session_id,
               c.starts_at AS starts_at, COALESCE(a.status, 'absent') AS status
        FROM counted c
        JOIN "{T_ENROLMENT}" e ON e.program = c.program_id
             AND {member_at_start_sql("e", "c.starts_at", "c.session_id")}
        LEFT JOIN "{T_ATTENDANCE}" a ON a."session" = c.session_id AND a.participant = e.participant
    ),
    last_seen AS (
        SELECT participant_id, program_id,
               MAX(CASE WHEN status IN ('present', 'late') THEN starts_at END) AS last_attended
        FROM marks GROUP BY participant_id, program_id
    ),
    rates AS (
        SELECT m.participant_id AS participant_id, m.program_id AS program_id,
               SUM(CASE WHEN m.status IN ('present', 'late') THEN 1 ELSE 0 END) AS attended,
               SUM(CASE WHEN m.status = 'absent' THEN 1 ELSE 0 END) AS absent,
               SUM(CASE WHEN m.status = 'excused' THEN 1 ELSE 0 END) AS excused,
               SUM(CASE WHEN m.status = 'absent' AND (l.last_attended IS NULL OR m.starts_at > l.last_attended)
                        THEN 1 ELSE 0 END) AS streak,
               MAX(l.last_attended) AS last_attended
        FROM marks m
        JOIN last_seen l ON l.participant_id = m.participant_id AND l.program_id = m.program_id
        GROUP BY m.participant_id, m.program_id
    )
    """
