"""CSV exports of programs, sessions, enrolments, attendance and survey results for spreadsheet users.

Privacy is decided here once for every export: a facilitator gets the rows of their own programs only; display
names, never legal names or notes; contact details only for programs the viewer is on the team of (admins: all),
and exporting them is written to the audit log; a discreet program's real title only for staff who manage it
(server/privacy.py decides the title); survey figures keep the small-group rule of survey results. Headers and
codes are in the active language; server/csvfile.py writes the file (byte-order mark, no cell starts a formula).

One file over 450 lines on purpose: each export is a short query with its columns, and keeping all of them side
by side keeps every export's privacy decisions in one place to review.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server import clock, privacy
from server.audit import record_audit
from server.errors import DomainError
from server.i18n import N_
from server.i18n import gettext as _
from server.programs import services as programs
from server.programs.tables import TeamMember
from server.reports.periods import Period
from server.reports.sql import (
    HELD_SQL,
    T_ANSWER,
    T_ATTENDANCE,
    T_CONSENT,
    T_ENROLMENT,
    T_PARTICIPANT,
    T_PROGRAM,
    T_QUESTION,
    T_RESPONSE,
    T_SESSION,
    T_SURVEY,
    instant,
    raw,
)
from server.surveys import results
from server.surveys.services import question_choices
from server.surveys.tables import Question
from server.web.access import CurrentStaff
from server.web.labels import LABELS

KINDS = ("programs", "sessions", "enrolments", "attendance", "surveys")
LABELS.register(
    "export_kind",
    {
        "programs": N_("Programs"),
        "sessions": N_("Sessions"),
        "enrolments": N_("Enrolments"),
        "attendance": N_("Attendance"),
        "surveys": N_("Survey results"),
    },
)
LABELS.register(
    "survey_purpose_export",
    {
        "needs_assessment": N_("Needs assessment"),
        "pre": N_("Before (pre)"),
        "post": N_("After (post)"),
        "session_feedback": N_("Session feedback"),
        "follow_up": N_("Follow-up"),
    },
)


def _yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def _number(value: Any, digits: int = 2) -> Any:
    if value is None:
        return ""
    number = float(value)
    return int(number) if number.is_integer() else round(number, digits)


def _local(value: Any, zone_name: str) -> datetime | None:
    moment = instant(value)
    return moment.astimezone(ZoneInfo(zone_name)) if moment else None


def _at(value: Any, zone_name: str) -> datetime:
    """A timestamp column that is never NULL (a session's start and end), in the program's timezone."""
    moment = _local(value, zone_name)
    if moment is None:
        raise ValueError("a timestamp was expected")
    return moment


class _Access:
    """What one staff member may export: which programs, real titles of which, contact details of which."""

    def __init__(
        self, staff: CurrentStaff, managed: list[int] | None, team: set[int], program_id: int | None, min_group: int
    ) -> None:
        self.staff = staff
        self.min_group = min_group
        self.managed = managed
        self.team = team
        self.program_id = program_id

    def where(self, column: str) -> str:
        conditions = []
        if self.managed is not None:
            conditions.append(f"{column} IN (:ids)")
        if self.program_id is not None:
            conditions.append(f"{column} = :program")
        return " AND ".join(conditions) or "1 = 1"

    @property
    def params(self) -> dict[str, Any]:
        return {"ids": self.managed or [], "program": self.program_id or 0}

    def title(self, row: dict[str, Any]) -> str:
        manages = self.managed is None or row["program_id"] in self.managed
        return privacy.title(row, privacy.staff_viewer(self.staff, on_team=manages), privacy.EXPORT)

    def sees_contact(self, program_id: int) -> bool:
        viewer = privacy.staff_viewer(self.staff, on_team=program_id in self.team)
        return privacy.may_see(viewer, privacy.EXPORT, privacy.CONTACT)


async def _access(staff: CurrentStaff, program_id: int | None, min_group: int) -> _Access:
    managed = await programs.managed_program_ids(staff)
    if program_id is not None and managed is not None and program_id not in managed:
        # Not Forbidden: the same answer for another team's program and for one that does not exist.
        raise DomainError("bad_program", N_("Choose one of the options."), field="program")
    team = set()
    if not staff.is_admin:
        team = {
            row["program"]
            for row in await TeamMember.select(TeamMember.program).where(TeamMember.staff == staff.id).run()
        }
    return _Access(staff, managed, team, program_id, min_group)


async def export_table(
    staff: CurrentStaff, kind: str, period: Period, program_id: int | None = None, min_group: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of one export; a fixed number of queries whatever the number of rows. `min_group` is
    the app's small-group limit (settings.min_group_size when None)."""
    if kind not in KINDS:
        raise DomainError("bad_kind", N_("Choose one of the options."), field="kind")
    access = await _access(staff, program_id, results.min_group_size(min_group))
    builder = {
        "programs": _programs,
        "sessions": _sessions,
        "enrolments": _enrolments,
        "attendance": _attendance,
        "surveys": _surveys,
    }[kind]
    return await builder(access, period)


_PROGRAM_COLUMNS = "p.id AS program_id, p.title AS title, p.public_title AS public_title, p.discreet AS discreet"


async def _programs(access: _Access, period: Period) -> tuple[list[str], list[list[Any]]]:
    """Programs running at some time in the period (open-ended dates count as running), with their people and
    the sessions in the period."""
    took_part = "(status IN ('enrolled', 'completed') OR (status = 'withdrawn' AND enrolled_at IS NOT NULL))"
    rows = await raw(
        f"""
        SELECT {_PROGRAM_COLUMNS}, p.slug AS slug, p.kind AS kind, p.phase AS phase, p.visibility AS visibility,
               p.starts_on AS starts_on, p.ends_on AS ends_on, p.capacity AS capacity, p.area AS area,
               p.archived AS archived, e.took_part AS took_part, e.still_enrolled AS still_enrolled,
               e.completed AS completed, e.withdrawn AS withdrawn,
               e.waitlisted AS waitlisted, ss.planned AS planned, ss.held AS held, ss.cancelled AS cancelled
        FROM "{T_PROGRAM}" p
        LEFT JOIN (
            SELECT program,
                   SUM(CASE WHEN {took_part} THEN 1 ELSE 0 END) AS took_part,
                   SUM(CASE WHEN status = 'enrolled' THEN 1 ELSE 0 END) AS still_enrolled,
                   SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
                   SUM(CASE WHEN status = 'withdrawn' AND enrolled_at IS NOT NULL THEN 1 ELSE 0 END) AS withdrawn,
                   SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END) AS waitlisted
            FROM "{T_ENROLMENT}" GROUP BY program
        ) e ON e.program = p.id
        LEFT JOIN (
            SELECT s.program AS program,
                   SUM(CASE WHEN s.status <> 'cancelled' THEN 1 ELSE 0 END) AS planned,
                   SUM(CASE WHEN {HELD_SQL} THEN 1 ELSE 0 END) AS held,
                   SUM(CASE WHEN s.status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled
            FROM "{T_SESSION}" s WHERE s.starts_at >= :start AND s.starts_at < :end GROUP BY s.program
        ) ss ON ss.program = p.id
        WHERE (p.starts_on IS NULL OR p.starts_on <= :last_day) AND (p.ends_on IS NULL OR p.ends_on >= :first_day)
          AND {access.where("p.id")}
        ORDER BY p.title, p.id
        """,
        now=clock.now(),
        start=period.start,
        end=period.end,
        first_day=period.first,
        last_day=period.last,
        **access.params,
    )
    header = [
        _("Program"),
        _("Web address"),
        _("Kind"),
        _("Phase"),
        _("Visibility"),
        _("Start date"),
        _("End date"),
        _("Capacity"),
        _("Area"),
        _("Archived"),
        _("Took part"),
        _("Still enrolled"),
        _("Completed"),
        _("Withdrew"),
        _("Waiting list"),
        _("Sessions planned in the period"),
        _("Sessions held in the period"),
        _("Sessions cancelled in the period"),
    ]
    body = [
        [
            access.title(row),
            row["slug"],
            LABELS.label("kind", row["kind"]),
            LABELS.label("phase", row["phase"]),
            LABELS.label("visibility", row["visibility"]),
            _date(row["starts_on"]),
            _date(row["ends_on"]),
            row["capacity"],
            row["area"],
            _yes_no(row["archived"]),
            *[
                int(row[key] or 0)
                for key in (
                    "took_part",
                    "still_enrolled",
                    "completed",
                    "withdrawn",
                    "waitlisted",
                    "planned",
                    "held",
                    "cancelled",
                )
            ],
        ]
        for row in rows
    ]
    return header, body


def _date(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


async def _sessions(access: _Access, period: Period) -> tuple[list[str], list[list[Any]]]:
    rows = await raw(
        f"""
        SELECT {_PROGRAM_COLUMNS}, p.timezone AS timezone, s.id AS id, s.starts_at AS starts_at, s.ends_at AS ends_at,
               s.status AS status, s.topic AS topic, s.location AS location, s.cancel_reason AS cancel_reason,
               SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'present' THEN 1 ELSE 0 END) AS present,
               SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'late' THEN 1 ELSE 0 END) AS late,
               SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'excused' THEN 1 ELSE 0 END) AS excused,
               SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'absent' THEN 1 ELSE 0 END) AS absent,
               SUM(CASE WHEN a.id IS NOT NULL AND a.participant IS NULL THEN 1 ELSE 0 END) AS guests
        FROM "{T_SESSION}" s
        JOIN "{T_PROGRAM}" p ON p.id = s.program
        LEFT JOIN "{T_ATTENDANCE}" a ON a."session" = s.id
        WHERE s.starts_at >= :start AND s.starts_at < :end AND {access.where("s.program")}
        GROUP BY p.id, p.title, p.public_title, p.discreet, p.timezone, s.id, s.starts_at, s.ends_at, s.status, s.topic,
                 s.location, s.cancel_reason
        ORDER BY s.starts_at, s.id
        """,
        start=period.start,
        end=period.end,
        **access.params,
    )
    header = [
        _("Program"),
        _("Date"),
        _("Start time"),
        _("End time"),
        _("Topic"),
        _("Location"),
        _("Status"),
        _("Reason for cancelling"),
        _("Present"),
        _("Late"),
        _("Excused"),
        _("Absent"),
        _("Guests"),
    ]
    body = []
    for row in rows:
        starts, ends = _at(row["starts_at"], row["timezone"]), _at(row["ends_at"], row["timezone"])
        body.append(
            [
                access.title(row),
                starts.date().isoformat(),
                starts.strftime("%H:%M"),
                ends.strftime("%H:%M"),
                row["topic"],
                row["location"],
                LABELS.label("session_status", row["status"]),
                row["cancel_reason"],
                *[int(row[key] or 0) for key in ("present", "late", "excused", "absent", "guests")],
            ]
        )
    return header, body


async def _enrolments(access: _Access, period: Period) -> tuple[list[str], list[list[Any]]]:
    """Enrolments that were open at some time in the period."""
    rows = await raw(
        f"""
        SELECT {_PROGRAM_COLUMNS}, p.timezone AS timezone, e.id AS id, e.status AS status,
               e.requested_at AS requested_at, e.enrolled_at AS enrolled_at, e.ended_at AS ended_at,
               pa.id AS participant_id, pa.display_name AS display_name, pa.phone AS phone, pa.email AS email,
               CASE WHEN EXISTS (SELECT 1 FROM "{T_CONSENT}" c WHERE c.participant = pa.id AND c.purpose = 'contact'
                                 AND c.withdrawn_at IS NULL) THEN 1 ELSE 0 END AS contact_consent
        FROM "{T_ENROLMENT}" e
        JOIN "{T_PROGRAM}" p ON p.id = e.program
        JOIN "{T_PARTICIPANT}" pa ON pa.id = e.participant
        WHERE e.requested_at < :end AND (e.ended_at IS NULL OR e.ended_at >= :start) AND {access.where("e.program")}
        ORDER BY p.title, p.id, pa.display_name, e.id
        """,
        start=period.start,
        end=period.end,
        **access.params,
    )
    header = [
        _("Program"),
        _("Participant number"),
        _("Name"),
        _("Status"),
        _("Asked to join on"),
        _("Enrolled on"),
        _("Left or finished on"),
        _("Phone"),
        _("E-mail"),
        _("Agrees to be contacted"),
    ]
    body, shown = [], 0
    for row in rows:
        zone = row["timezone"]
        contact = access.sees_contact(row["program_id"])
        if contact and (row["phone"] or row["email"]):
            shown += 1
        body.append(
            [
                access.title(row),
                row["participant_id"],
                row["display_name"],
                LABELS.label("enrolment_status", row["status"]),
                *[_day(row[key], zone) for key in ("requested_at", "enrolled_at", "ended_at")],
                row["phone"] if contact else "",
                row["email"] if contact else "",
                _yes_no(row["contact_consent"]),
            ]
        )
    if shown:
        await record_audit(
            access.staff, "view", "participant", None, N_("exported contact details of %(n)s enrolments"), n=shown
        )
    return header, body


def _day(value: Any, zone: str) -> str:
    moment = _local(value, zone)
    return moment.date().isoformat() if moment else ""


async def _attendance(access: _Access, period: Period) -> tuple[list[str], list[list[Any]]]:
    """Every recorded mark of sessions in the period (cancelled sessions have none that count)."""
    rows = await raw(
        f"""
        SELECT {_PROGRAM_COLUMNS}, p.timezone AS timezone, s.starts_at AS starts_at, s.topic AS topic,
               a.participant AS participant_id, pa.display_name AS display_name, a.guest_label AS guest_label,
               a.status AS status
        FROM "{T_ATTENDANCE}" a
        JOIN "{T_SESSION}" s ON s.id = a."session"
        JOIN "{T_PROGRAM}" p ON p.id = s.program
        LEFT JOIN "{T_PARTICIPANT}" pa ON pa.id = a.participant
        WHERE s.status <> 'cancelled' AND s.starts_at >= :start AND s.starts_at < :end AND {access.where("s.program")}
        ORDER BY s.starts_at, s.id, pa.display_name, a.id
        """,
        start=period.start,
        end=period.end,
        **access.params,
    )
    header = [
        _("Program"),
        _("Date"),
        _("Time"),
        _("Topic"),
        _("Participant number"),
        _("Name"),
        _("Taking part as"),
        _("Attendance"),
    ]
    body = []
    for row in rows:
        starts = _at(row["starts_at"], row["timezone"])
        guest = row["participant_id"] is None
        body.append(
            [
                access.title(row),
                starts.date().isoformat(),
                starts.strftime("%H:%M"),
                row["topic"],
                "" if guest else row["participant_id"],
                row["guest_label"] if guest else row["display_name"],
                _("Guest") if guest else _("Participant"),
                LABELS.label("attendance_status", row["status"]),
            ]
        )
    return header, body


async def _surveys(access: _Access, period: Period) -> tuple[list[str], list[list[Any]]]:
    """Counts per answer option and means of scale, number and ranking questions, for responses submitted in the
    period, one group of rows per survey and program; free text is left out (it can name people).

    Small groups, as on the results pages (named and anonymous surveys alike): a survey's program group with 1 to
    min_group - 1 responses is left out, and further groups of the same survey with it until the left-out ones
    together are at least min_group (suppressed_groups), so that the survey's total minus the exported groups
    reveals no small group; within an exported group, a question answered by 1 to min_group - 1 people is left out."""
    program_of = "COALESCE(r.program, s.program)"
    scope = access.where(program_of)
    if access.managed is not None or access.program_id is not None:
        scope += f" AND {program_of} IS NOT NULL"
    rows = await raw(
        f"""
        SELECT s.id AS survey_id, {program_of} AS program_id, q.id AS question_id, a.value_text AS value_text,
               COUNT(*) AS n, AVG(a.value_number) AS mean
        FROM "{T_ANSWER}" a
        JOIN "{T_RESPONSE}" r ON r.id = a.response
        JOIN "{T_SURVEY}" s ON s.id = r.survey
        JOIN "{T_QUESTION}" q ON q.id = a.question
        WHERE r.submitted_at >= :start AND r.submitted_at < :end AND q.kind NOT IN ('short_text', 'long_text')
          AND {scope}
        GROUP BY s.id, {program_of}, q.id, a.value_text
        """,
        start=period.start,
        end=period.end,
        **access.params,
    )
    sizes = await raw(
        f"""
        SELECT s.id AS survey_id, {program_of} AS program_id, s.title AS survey_title, s.purpose AS purpose,
               s.anonymous AS anonymous, p.title AS title, p.public_title AS public_title, p.discreet AS discreet,
               COUNT(*) AS responses
        FROM "{T_RESPONSE}" r
        JOIN "{T_SURVEY}" s ON s.id = r.survey
        LEFT JOIN "{T_PROGRAM}" p ON p.id = {program_of}
        WHERE r.submitted_at >= :start AND r.submitted_at < :end AND {scope}
        GROUP BY s.id, {program_of}, s.title, s.purpose, s.anonymous, p.title, p.public_title, p.discreet
        """,
        start=period.start,
        end=period.end,
        **access.params,
    )
    answerers = await raw(
        f"""
        SELECT s.id AS survey_id, {program_of} AS program_id, a.question AS question_id, COUNT(DISTINCT r.id) AS people
        FROM "{T_ANSWER}" a
        JOIN "{T_RESPONSE}" r ON r.id = a.response
        JOIN "{T_SURVEY}" s ON s.id = r.survey
        WHERE r.submitted_at >= :start AND r.submitted_at < :end AND {scope}
        GROUP BY s.id, {program_of}, a.question
        """,
        start=period.start,
        end=period.end,
        **access.params,
    )
    people = {(row["survey_id"], row["program_id"], row["question_id"]): int(row["people"]) for row in answerers}
    groups = {(row["survey_id"], row["program_id"]): row for row in sizes}
    per_survey: dict[int, dict[Any, int]] = {}
    for (survey_id, program_id), row in groups.items():
        per_survey.setdefault(survey_id, {})[program_id] = int(row["responses"])
    hidden = {
        (survey_id, program_id)
        for survey_id, partition in per_survey.items()
        for program_id in results.suppressed_groups(partition, access.min_group)
    }
    question_ids = sorted({row["question_id"] for row in rows})
    questions = {
        row["id"]: row
        for row in await Question.select(Question.id, Question.kind, Question.text, Question.position, Question.options)
        .where(Question.id.is_in(question_ids or [-1]))
        .output(load_json=True)
        .run()
    }
    header = [
        _("Survey"),
        _("Purpose"),
        _("Program"),
        _("Responses in the period"),
        _("Question number"),
        _("Question"),
        _("Answer"),
        _("Number of answers"),
        _("Mean (for rankings: mean place)"),
    ]
    body = []
    for row in rows:
        group = groups.get((row["survey_id"], row["program_id"]))
        question = questions.get(row["question_id"])
        if group is None or question is None:
            continue
        if (row["survey_id"], row["program_id"]) in hidden:
            continue
        if results.too_small(
            people.get((row["survey_id"], row["program_id"], row["question_id"]), 0), access.min_group
        ):
            continue
        if not isinstance(question.get("options"), list):
            question["options"] = []
        labels = dict(question_choices(question))
        kind = question["kind"]
        answer = "" if kind in ("likert", "rating", "number") else labels.get(row["value_text"], row["value_text"])
        mean = _number(row["mean"]) if kind in ("likert", "rating", "number", "ranking") else ""
        program_title = access.title(group) if group["program_id"] is not None else ""
        body.append(
            [
                group["survey_title"],
                LABELS.label("survey_purpose_export", group["purpose"]),
                program_title,
                int(group["responses"]),
                question["position"] + 1,
                question["text"],
                answer,
                int(row["n"]),
                mean,
            ]
        )
    body.sort(key=lambda r: (str(r[0]), str(r[2]), r[4], str(r[6])))
    return header, body
