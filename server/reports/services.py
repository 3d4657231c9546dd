"""Evaluation reports of one program and the organisation dashboard: figures computed by aggregate SQL.

Every figure is a COUNT/SUM/AVG with GROUP BY in the database (portable raw SQL through Table.raw where Piccolo's
query builder cannot say it), so a report or the dashboard runs the same number of queries whatever the number of
sessions, people and answers. Attendance rates come from the attendance rules (server/attendance/services.py): the
same `counted` sessions and `marks` there decide who attended, here only summed up differently.

Periods are whole days in the organisation's timezone (settings.default_timezone); every rule takes the clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from server import clock
from server.attendance import rates as attendance

# The attendance rules' SQL helpers: one definition of counted sessions and marks for rates everywhere.
from server.attendance.rules import T_ATTENDANCE, T_ENROLMENT, marks_sql, raw
from server.config import settings
from server.errors import DomainError
from server.i18n import N_
from server.people.tables import Participant
from server.programs import services as programs
from server.programs.tables import Goal, Program, TeamMember
from server.reports.tables import Evaluation
from server.schedule.tables import ProgramSession
from server.surveys.tables import Answer, Question, Response, Survey
from server.web.access import CurrentStaff
from server.web.labels import LABELS

T_PROGRAM = Program._meta.tablename
T_SESSION = ProgramSession._meta.tablename
T_PARTICIPANT = Participant._meta.tablename
T_GOAL = Goal._meta.tablename
T_SURVEY = Survey._meta.tablename
T_QUESTION = Question._meta.tablename
T_RESPONSE = Response._meta.tablename
T_ANSWER = Answer._meta.tablename

# Attendance-rate buckets of the distribution chart, with their bounds: [0, 25 %), [25 %, 50 %), [50 %, 75 %), [75 %, 100 %].
BUCKETS = {"b0": (0.0, 0.25), "b1": (0.25, 0.5), "b2": (0.5, 0.75), "b3": (0.75, 1.0)}
# A session counts as held when the attendance rules count it (status held, or started with attendance taken).
HELD_SQL = (
    "s.status <> 'cancelled' AND s.starts_at <= :now AND (s.status = 'held' OR EXISTS "
    f"(SELECT 1 FROM \"{T_ATTENDANCE}\" x WHERE x.\"session\" = s.id))"
)
# Scale questions whose mean a feedback summary shows, with the top of their scale.
SCALE_MAX = {"likert": 5.0, "rating": 10.0}
UPCOMING_DAYS = 7
LICENCE_NOTICE_DAYS = 30
ALERT_LIST_LIMIT = 10



def zone() -> ZoneInfo:
    return ZoneInfo(settings.default_timezone)


def day_start(day: date) -> datetime:
    """The UTC instant a local day of the organisation starts."""
    return datetime.combine(day, time(0), tzinfo=zone()).astimezone(timezone.utc)


def local_today(now: datetime) -> date:
    return clock.organisation_today(now)


def instant(value: Any) -> datetime | None:
    """Timestamps from raw aggregates come back as text on SQLite."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _int(value: Any) -> int:
    return int(value or 0)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- periods ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Whole local days from `first` to `last`, both included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        return day_start(self.last + timedelta(days=1))


def this_year(now: datetime) -> Period:
    today = local_today(now)
    return Period(date(today.year, 1, 1), date(today.year, 12, 31))


def _month_after(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def calendar_periods(now: datetime) -> dict[str, Period]:
    """This month, this quarter and this year, in the organisation's timezone."""
    today = local_today(now)
    month = date(today.year, today.month, 1)
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    quarter_end = _month_after(_month_after(_month_after(quarter))) - timedelta(days=1)
    return {
        "month": Period(month, _month_after(month) - timedelta(days=1)),
        "quarter": Period(quarter, quarter_end),
        "year": this_year(now),
    }


# --- the program evaluation report -----------------------------------------------------------------

async def session_counts(program_id: int, now: datetime) -> dict[str, Any]:
    """Sessions planned (every non-cancelled one, future ones too), held, cancelled, still to come, and past
    sessions whose attendance was never taken. One query."""
    rows = await raw(
        f"""
        SELECT
          SUM(CASE WHEN s.status <> 'cancelled' THEN 1 ELSE 0 END) AS planned,
          SUM(CASE WHEN s.status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,
          SUM(CASE WHEN {HELD_SQL} THEN 1 ELSE 0 END) AS held,
          SUM(CASE WHEN s.status <> 'cancelled' AND s.starts_at > :now THEN 1 ELSE 0 END) AS upcoming,
          SUM(CASE WHEN s.status <> 'cancelled' AND s.ends_at < :now
                    AND NOT EXISTS (SELECT 1 FROM "{T_ATTENDANCE}" y WHERE y."session" = s.id) THEN 1 ELSE 0 END) AS not_taken,
          MIN(CASE WHEN s.status <> 'cancelled' THEN s.starts_at END) AS first_at,
          MAX(CASE WHEN s.status <> 'cancelled' THEN s.starts_at END) AS last_at
        FROM "{T_SESSION}" s
        WHERE s.program = :program
        """,
        program=program_id, now=now,
    )
    row = rows[0] if rows else {}
    counts = {key: _int(row.get(key)) for key in ("planned", "cancelled", "held", "upcoming", "not_taken")}
    counts["first_at"], counts["last_at"] = instant(row.get("first_at")), instant(row.get("last_at"))
    return counts


async def enrolment_counts(program_id: int) -> dict[str, Any]:
    """Who took part (enrolled at some point), who stayed (still enrolled or completed), who left after joining,
    who completed, who is waiting; anonymised people are counted like everyone else. One query."""
    took_part = "(e.status IN ('enrolled', 'completed') OR (e.status = 'withdrawn' AND e.enrolled_at IS NOT NULL))"
    rows = await raw(
        f"""
        SELECT
          SUM(CASE WHEN {took_part} THEN 1 ELSE 0 END) AS took_part,
          SUM(CASE WHEN e.status = 'enrolled' THEN 1 ELSE 0 END) AS still_enrolled,
          SUM(CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END) AS completed,
          SUM(CASE WHEN e.status = 'withdrawn' AND e.enrolled_at IS NOT NULL THEN 1 ELSE 0 END) AS withdrawn,
          SUM(CASE WHEN e.status = 'withdrawn' AND e.enrolled_at IS NULL THEN 1 ELSE 0 END) AS left_before_start,
          SUM(CASE WHEN e.status = 'waitlisted' THEN 1 ELSE 0 END) AS waitlisted,
          SUM(CASE WHEN {took_part} AND pa.anonymised_at IS NOT NULL THEN 1 ELSE 0 END) AS anonymised
        FROM "{T_ENROLMENT}" e JOIN "{T_PARTICIPANT}" pa ON pa.id = e.participant
        WHERE e.program = :program
        """,
        program=program_id,
    )
    row = rows[0] if rows else {}
    counts = {key: _int(row.get(key)) for key in ("took_part", "still_enrolled", "completed", "withdrawn", "left_before_start", "waitlisted", "anonymised")}
    counts["retained"] = counts["still_enrolled"] + counts["completed"]
    counts["retention"] = _share(counts["retained"], counts["took_part"])
    counts["completion"] = _share(counts["completed"], counts["took_part"])
    return counts


_BUCKET_SQL = """
    CASE WHEN attended + absent = 0 THEN 'none'
         WHEN attended * 4 < attended + absent THEN 'b0'
         WHEN attended * 2 < attended + absent THEN 'b1'
         WHEN attended * 4 < (attended + absent) * 3 THEN 'b2'
         ELSE 'b3' END
"""


async def rate_distribution(program_id: int, now: datetime) -> dict[str, Any]:
    """How many people attended 0–25 %, 25–50 %, 50–75 % and 75–100 % of the sessions that counted for them, and
    the program's overall rate (attended / (attended + absent) over every person and session). One query."""
    sql = marks_sql("s.program = :program") + f"""
    SELECT b.bucket AS bucket, COUNT(*) AS people, SUM(b.attended) AS attended, SUM(b.absent) AS absent, SUM(b.excused) AS excused
    FROM (SELECT {_BUCKET_SQL} AS bucket, attended, absent, excused FROM rates) b
    GROUP BY b.bucket
    """
    found = {row["bucket"]: row for row in await raw(sql, program=program_id, now=now)}
    buckets = [
        {"key": key, "low": low, "high": high, "people": _int(found.get(key, {}).get("people"))} for key, (low, high) in BUCKETS.items()
    ]
    rated = sum(bucket["people"] for bucket in buckets)
    for bucket in buckets:
        bucket["share"] = _share(bucket["people"], rated) or 0.0
    attended = sum(_int(row["attended"]) for row in found.values())
    absent = sum(_int(row["absent"]) for row in found.values())
    return {
        "buckets": buckets, "people": rated, "not_rated": _int(found.get("none", {}).get("people")),
        "attended": attended, "absent": absent, "excused": sum(_int(row["excused"]) for row in found.values()),
        "rate": _share(attended, attended + absent),
    }


def attendance_trend(session_summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The held sessions in date order, with the members' attendance rate of each (from session_summaries)."""
    trend = []
    for row in sorted(session_summaries, key=lambda s: (s["starts_at"], s["id"])):
        if not row["counted"]:
            continue
        attended = row["present"] + row["late"]
        trend.append(
            {
                "id": row["id"], "starts_at": row["starts_at"], "topic": row["topic"], "attended": attended,
                "expected": row["expected"], "excused": row["excused"], "guests": row["guests"], "rate": row["rate"],
            }
        )
    return trend


async def outcome_surveys(program_id: int) -> list[dict[str, Any]]:
    """The program's before, after and session-feedback surveys, newest first. One query."""
    return (
        await Survey.select(Survey.id, Survey.title, Survey.purpose, Survey.anonymous, Survey.created_at)
        .where((Survey.program == program_id) & Survey.purpose.is_in(["pre", "post", "session_feedback"]))
        .order_by(Survey.created_at, ascending=False)
        .order_by(Survey.id, ascending=False)
        .run()
    )


async def prepost_change(surveys_found: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The surveys feature's pre/post comparison of the newest before and after surveys; None without a pair."""
    from server.surveys import results
    from server.surveys import services as surveys

    pre = next((s for s in surveys_found if s["purpose"] == "pre"), None)
    post = next((s for s in surveys_found if s["purpose"] == "post"), None)
    if pre is None or post is None:
        return None
    comparison = await results.prepost_comparison(pre, post, await surveys.list_questions(pre["id"]), await surveys.list_questions(post["id"]))
    return {"pre": pre, "post": post, **comparison}


async def feedback_summary(program_id: int) -> dict[str, Any]:
    """Session feedback of the program: responses per feedback survey and the mean of each scale question.
    Two queries."""
    where = "s.purpose = 'session_feedback' AND (s.program = :program OR r.program = :program)"
    counts = await raw(
        f"""
        SELECT s.id AS survey_id, s.title AS title, COUNT(r.id) AS responses
        FROM "{T_RESPONSE}" r JOIN "{T_SURVEY}" s ON s.id = r.survey
        WHERE {where}
        GROUP BY s.id, s.title ORDER BY s.id
        """,
        program=program_id,
    )
    means = await raw(
        f"""
        SELECT s.id AS survey_id, q.id AS question_id, q.text AS text, q.kind AS kind, q.position AS position,
               COUNT(a.id) AS answers, AVG(a.value_number) AS mean
        FROM "{T_ANSWER}" a
        JOIN "{T_QUESTION}" q ON q.id = a.question
        JOIN "{T_RESPONSE}" r ON r.id = a.response
        JOIN "{T_SURVEY}" s ON s.id = r.survey
        WHERE {where} AND q.kind IN ('likert', 'rating') AND a.value_number IS NOT NULL
        GROUP BY s.id, q.id, q.text, q.kind, q.position
        ORDER BY s.id, q.position, q.id
        """,
        program=program_id,
    )
    surveys_found = []
    for row in counts:
        questions = []
        for mean in means:
            if mean["survey_id"] != row["survey_id"]:
                continue
            value = float(mean["mean"]) if mean["mean"] is not None else None
            top = SCALE_MAX[mean["kind"]]
            questions.append(
                {"text": mean["text"], "kind": mean["kind"], "answers": _int(mean["answers"]), "mean": value, "scale_max": top,
                 "fraction": (value or 0) / top}
            )
        surveys_found.append({"id": row["survey_id"], "title": row["title"], "responses": _int(row["responses"]), "questions": questions})
    return {"surveys": surveys_found, "responses": sum(s["responses"] for s in surveys_found)}


async def list_evaluations(program_id: int) -> list[dict[str, Any]]:
    """Every saved version of the written evaluation, newest first."""
    return (
        await Evaluation.select(
            Evaluation.id, Evaluation.text, Evaluation.written_at, Evaluation.written_by.display_name.as_alias("by"),
        )
        .where(Evaluation.program == program_id)
        .order_by(Evaluation.written_at, ascending=False)
        .order_by(Evaluation.id, ascending=False)
        .run()
    )


MAX_EVALUATION = 20_000


async def save_evaluation(actor: CurrentStaff, program: dict[str, Any], text: str, now: datetime | None = None) -> int:
    """A new version of the facilitator's evaluation; earlier versions are kept and listed."""
    programs.ensure_open(program)
    # PostgreSQL text cannot hold NUL characters; nobody types them on purpose.
    text = text.replace("\x00", "").strip()
    if not text:
        raise DomainError("evaluation_required", N_("Write the evaluation before saving it."), field="text")
    if len(text) > MAX_EVALUATION:
        raise DomainError("evaluation_too_long", N_("At most %(n)s characters."), field="text", n=MAX_EVALUATION)
    row = Evaluation(program=program["id"], text=text, written_by=actor.id, written_at=now or clock.now())
    await row.save().run()
    return row.id


async def program_report(program: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Everything the evaluation report shows, in a fixed number of queries (at most fourteen)."""
    now = now or clock.now()
    goals = await programs.list_goals(program["id"])
    summaries = await attendance.session_summaries(program, now)
    surveys_found = await outcome_surveys(program["id"])
    goals_met = sum(1 for goal in goals if goal["progress"] is not None and goal["progress"] >= 1.0)
    return {
        "generated_at": now,
        "goals": goals,
        "goals_met": goals_met,
        "goals_measured": sum(1 for goal in goals if goal["current_value"] is not None),
        "sessions": await session_counts(program["id"], now),
        "people": await enrolment_counts(program["id"]),
        "trend": attendance_trend(summaries),
        "distribution": await rate_distribution(program["id"], now),
        "prepost": await prepost_change(surveys_found),
        "feedback": await feedback_summary(program["id"]),
        "milestones": await programs.list_milestones(program["id"]) if program["kind"] == "community_project" else [],
        "evaluations": await list_evaluations(program["id"]),
    }


def milestone_counts(milestones: list[dict[str, Any]]) -> dict[str, int]:
    counts = {status: 0 for status in programs.MILESTONE_STATUSES}
    for milestone in milestones:
        counts[milestone["status"]] = counts.get(milestone["status"], 0) + 1
    return counts


# --- the organisation dashboard --------------------------------------------------------------------

async def programs_by_kind_and_phase() -> dict[str, Any]:
    """Counts of running (not archived) programs per kind and phase, with totals. One query."""
    rows = await raw(
        f'SELECT kind, phase, COUNT(*) AS n FROM "{T_PROGRAM}" WHERE archived = :archived GROUP BY kind, phase',
        archived=False,
    )
    cells = {(row["kind"], row["phase"]): _int(row["n"]) for row in rows}
    grid = [
        {"kind": kind, "cells": [{"phase": phase, "count": cells.get((kind, phase), 0)} for phase in programs.PHASES],
         "total": sum(cells.get((kind, phase), 0) for phase in programs.PHASES)}
        for kind in programs.KINDS
    ]
    return {
        "rows": grid,
        "phase_totals": [{"phase": phase, "count": sum(cells.get((kind, phase), 0) for kind in programs.KINDS)} for phase in programs.PHASES],
        "total": sum(cells.values()),
    }


async def people_served(now: datetime, period: Period) -> dict[str, int]:
    """Unique participants who attended (present or late) at least one non-cancelled session this month, this
    quarter, this year and in the chosen period; guests are visits without a person, counted apart. One query."""
    periods = {**calendar_periods(now), "range": period}
    columns = ",\n".join(
        f"COUNT(DISTINCT CASE WHEN s.starts_at >= :{name}_start AND s.starts_at < :{name}_end THEN a.participant END) AS {name}"
        for name in periods
    )
    params: dict[str, Any] = {}
    for name, value in periods.items():
        params[f"{name}_start"], params[f"{name}_end"] = value.start, value.end
    params["lowest"] = min(value.start for value in periods.values())
    params["highest"] = max(value.end for value in periods.values())
    rows = await raw(
        f"""
        SELECT {columns},
          SUM(CASE WHEN a.participant IS NULL AND s.starts_at >= :range_start AND s.starts_at < :range_end THEN 1 ELSE 0 END) AS guests
        FROM "{T_ATTENDANCE}" a JOIN "{T_SESSION}" s ON s.id = a."session"
        WHERE a.status IN ('present', 'late') AND s.status <> 'cancelled'
          AND s.starts_at >= :lowest AND s.starts_at < :highest
        """,
        **params,
    )
    row = rows[0] if rows else {}
    return {name: _int(row.get(name)) for name in (*periods, "guests")}


async def attendance_by_program(period: Period, now: datetime) -> list[dict[str, Any]]:
    """Each running program's attendance rate over the sessions held in the period, with the number of sessions
    and of people they counted for. One query."""
    program_filter = (
        f"s.program IN (SELECT id FROM \"{T_PROGRAM}\" WHERE archived = :archived) "
        "AND s.starts_at >= :range_start AND s.starts_at < :range_end"
    )
    # Straight from `marks` (one row per member per counted session): a program's rate needs no per-person runs.
    sql = marks_sql(program_filter) + f"""
    SELECT m.program_id AS program_id, p.slug AS slug, p.title AS title, p.kind AS kind, p.phase AS phase,
           cs.sessions AS sessions, m.people AS people, m.attended AS attended, m.absent AS absent, m.excused AS excused
    FROM (
        SELECT program_id, COUNT(DISTINCT participant_id) AS people,
               SUM(CASE WHEN status IN ('present', 'late') THEN 1 ELSE 0 END) AS attended,
               SUM(CASE WHEN status = 'absent' THEN 1 ELSE 0 END) AS absent,
               SUM(CASE WHEN status = 'excused' THEN 1 ELSE 0 END) AS excused
        FROM marks GROUP BY program_id
    ) m
    JOIN "{T_PROGRAM}" p ON p.id = m.program_id
    JOIN (SELECT program_id, COUNT(*) AS sessions FROM counted GROUP BY program_id) cs ON cs.program_id = m.program_id
    ORDER BY p.title, m.program_id
    """
    rows = await raw(sql, now=now, archived=False, range_start=period.start, range_end=period.end)
    found = []
    for row in rows:
        attended, absent = _int(row["attended"]), _int(row["absent"])
        found.append(
            {
                "program_id": row["program_id"], "slug": row["slug"], "title": row["title"], "kind": row["kind"], "phase": row["phase"],
                "sessions": _int(row["sessions"]), "people": _int(row["people"]), "attended": attended, "absent": absent,
                "excused": _int(row["excused"]), "rate": _share(attended, attended + absent),
            }
        )
    return found


async def upcoming_sessions(now: datetime, days: int = UPCOMING_DAYS, limit: int = ALERT_LIST_LIMIT) -> dict[str, Any]:
    """Sessions of running programs starting in the next `days` days: how many, and the first few. Two queries."""
    where = (
        (ProgramSession.starts_at >= now)
        & (ProgramSession.starts_at < now + timedelta(days=days))
        & (ProgramSession.status != "cancelled")
        & (ProgramSession.program.archived == False)  # noqa: E712
    )
    count = await ProgramSession.count().where(where).run()
    rows = (
        await ProgramSession.select(
            ProgramSession.id, ProgramSession.starts_at, ProgramSession.ends_at, ProgramSession.topic,
            ProgramSession.program.slug.as_alias("slug"), ProgramSession.program.title.as_alias("title"),
            ProgramSession.program.timezone.as_alias("timezone"),
        )
        .where(where)
        .order_by(ProgramSession.starts_at)
        .order_by(ProgramSession.id)
        .limit(limit)
        .run()
    )
    return {"count": count, "rows": rows, "days": days}


async def waitlists() -> list[dict[str, Any]]:
    """People waiting per running program, longest list first. One query."""
    rows = await raw(
        f"""
        SELECT p.id AS program_id, p.slug AS slug, p.title AS title, p.capacity AS capacity, COUNT(*) AS waiting
        FROM "{T_ENROLMENT}" e JOIN "{T_PROGRAM}" p ON p.id = e.program
        WHERE e.status = 'waitlisted' AND p.archived = :archived
        GROUP BY p.id, p.slug, p.title, p.capacity
        ORDER BY COUNT(*) DESC, p.title
        """,
        archived=False,
    )
    for row in rows:
        row["waiting"] = _int(row["waiting"])
    return rows


async def programs_without_goals(program_ids: list[int] | None, limit: int = ALERT_LIST_LIMIT) -> list[dict[str, Any]]:
    """Programs in implementation that have no goal to measure their work against. One query."""
    query = Program.select(Program.id, Program.slug, Program.title).where(
        (Program.phase == "implementation")
        & (Program.archived == False)  # noqa: E712
        & Program.id.not_in(Goal.select(Goal.program))
    )
    if program_ids is not None:
        query = query.where(Program.id.is_in(program_ids or [-1]))
    return await query.order_by(Program.title).limit(limit).run()


async def expiring_licences(program_ids: list[int] | None, today: date, days: int = LICENCE_NOTICE_DAYS) -> list[dict[str, Any]]:
    """Facilitators on programs requiring a licence whose licence runs out within `days` days (not yet expired:
    programs.licence_warnings reports those). One query."""
    query = TeamMember.select(
        TeamMember.program.slug.as_alias("slug"), TeamMember.program.title.as_alias("title"),
        TeamMember.staff.display_name.as_alias("name"), TeamMember.staff.licence_expires_on.as_alias("licence_expires_on"),
    ).where(
        (TeamMember.program.requires_licence == True)  # noqa: E712
        & (TeamMember.program.archived == False)  # noqa: E712
        & TeamMember.role.is_in(["lead", "co_facilitator"])
        & (TeamMember.staff.licence_number != "")
        & (TeamMember.staff.licence_expires_on >= today)
        & (TeamMember.staff.licence_expires_on <= today + timedelta(days=days))
    )
    if program_ids is not None:
        query = query.where(TeamMember.program.is_in(program_ids or [-1]))
    rows = await query.order_by(TeamMember.staff.licence_expires_on).run()
    for row in rows:
        row["problem"] = "expiring"
    return rows


LABELS.register("licence_problem", {"missing": N_("No licence recorded"), "expired": N_("Licence expired"), "expiring": N_("Licence expires soon")})


async def licence_alerts(staff: CurrentStaff, program_ids: list[int] | None, today: date) -> list[dict[str, Any]]:
    """Missing or expired licences (programs.licence_warnings) and licences expiring within 30 days."""
    return await programs.licence_warnings(staff, today) + await expiring_licences(program_ids, today)


async def organisation_dashboard(staff: CurrentStaff, period: Period, now: datetime | None = None) -> dict[str, Any]:
    """The organizers' dashboard: programs by kind and phase, people served, attendance by program, the week's
    sessions, waitlists and alerts, in a fixed number of queries."""
    from server.reports import checks

    now = now or clock.now()
    today = local_today(now)
    warnings = await attendance.early_warnings(staff, now)
    counts = await checks.check_counts(staff, now, None)
    return {
        "period": period,
        "periods": calendar_periods(now),
        "programs": await programs_by_kind_and_phase(),
        "served": await people_served(now, period),
        "attendance": await attendance_by_program(period, now),
        "upcoming": await upcoming_sessions(now),
        "waitlists": await waitlists(),
        "alerts": {
            "not_taken": counts["no_attendance"],
            "not_taken_rows": await checks.sessions_without_attendance(staff, None, now, ALERT_LIST_LIMIT),
            "warnings": warnings,
            "licences": await licence_alerts(staff, None, today),
            "no_goals": counts["programs_without_goals"],
            "no_goals_rows": await programs_without_goals(None),
        },
        "open_checks": counts["total"],
    }


async def dashboard_summary(staff: CurrentStaff, now: datetime, warnings: list[dict[str, Any]] | None = None) -> dict[str, int]:
    """Alert counts and the number of open data checks on the signed-in staff member's programs (every program
    for organizers and admins), for the staff /dashboard page. At most six queries."""
    from server.reports import checks

    program_ids = await programs.managed_program_ids(staff)
    counts = await checks.check_counts(staff, now, program_ids)
    summary = {
        "attendance_not_taken": counts["no_attendance"],
        "early_warnings": len(warnings if warnings is not None else await attendance.early_warnings(staff, now)),
        "licences": len(await licence_alerts(staff, program_ids, local_today(now))),
        "programs_without_goals": counts["programs_without_goals"],
        "data_checks": counts["total"],
    }
    summary["alerts"] = summary["attendance_not_taken"] + summary["early_warnings"] + summary["licences"] + summary["programs_without_goals"]
    return summary

