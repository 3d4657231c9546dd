"""A program's evaluation report: sessions, people, attendance rates, outcomes, feedback and the written evaluation.

Every figure is a COUNT/SUM/AVG with GROUP BY in the database (portable raw SQL through Table.raw where Piccolo's
query builder cannot say it), so a report runs the same number of queries whatever the number of sessions, people
and answers. Attendance rates come from the attendance rules (server/attendance/rules.py): the same `counted`
sessions and `marks` there decide who attended, here only summed up differently. Survey figures keep the surveys'
small-group rule (server/surveys/results.py): a mean of fewer answers than the limit is not shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import clock
from server.attendance import rates as attendance
from server.errors import DomainError
from server.i18n import N_
from server.programs import services as programs
from server.reports.sql import (
    HELD_SQL,
    T_ANSWER,
    T_ATTENDANCE,
    T_ENROLMENT,
    T_PARTICIPANT,
    T_QUESTION,
    T_RESPONSE,
    T_SESSION,
    T_SURVEY,
    as_int,
    instant,
    raw,
    share,
)
from server.reports.tables import Evaluation
from server.surveys import results
from server.surveys import services as surveys
from server.surveys.tables import Survey
from server.web.access import CurrentStaff

# Attendance-rate buckets of the distribution chart, with their bounds:
# [0, 25 %), [25 %, 50 %), [50 %, 75 %), [75 %, 100 %].
BUCKETS = {"b0": (0.0, 0.25), "b1": (0.25, 0.5), "b2": (0.5, 0.75), "b3": (0.75, 1.0)}
# Scale questions whose mean a feedback summary shows, with the top of their scale.
SCALE_MAX = {"likert": 5.0, "rating": 10.0}
MAX_EVALUATION = 20_000


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
                    AND NOT EXISTS (SELECT 1 FROM "{T_ATTENDANCE}" y WHERE y."session" = s.id)
                   THEN 1 ELSE 0 END) AS not_taken,
          MIN(CASE WHEN s.status <> 'cancelled' THEN s.starts_at END) AS first_at,
          MAX(CASE WHEN s.status <> 'cancelled' THEN s.starts_at END) AS last_at
        FROM "{T_SESSION}" s
        WHERE s.program = :program
        """,
        program=program_id,
        now=now,
    )
    row = rows[0] if rows else {}
    counts: dict[str, Any] = {
        key: as_int(row.get(key)) for key in ("planned", "cancelled", "held", "upcoming", "not_taken")
    }
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
    keys = ("took_part", "still_enrolled", "completed", "withdrawn", "left_before_start", "waitlisted", "anonymised")
    counts: dict[str, Any] = {key: as_int(row.get(key)) for key in keys}
    counts["retained"] = counts["still_enrolled"] + counts["completed"]
    counts["retention"] = share(counts["retained"], counts["took_part"])
    counts["completion"] = share(counts["completed"], counts["took_part"])
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
    sql = (
        attendance.rates_sql("{program} = :program")
        + f"""
    SELECT b.bucket AS bucket, COUNT(*) AS people, SUM(b.attended) AS attended, SUM(b.absent) AS absent,
           SUM(b.excused) AS excused
    FROM (SELECT {_BUCKET_SQL} AS bucket, attended, absent, excused FROM figures) b
    GROUP BY b.bucket
    """
    )
    found = {row["bucket"]: row for row in await raw(sql, program=program_id, now=now)}
    buckets: list[dict[str, Any]] = [
        {"key": key, "low": low, "high": high, "people": as_int(found.get(key, {}).get("people"))}
        for key, (low, high) in BUCKETS.items()
    ]
    rated = sum(bucket["people"] for bucket in buckets)
    for bucket in buckets:
        bucket["share"] = share(bucket["people"], rated) or 0.0
    attended = sum(as_int(row["attended"]) for row in found.values())
    absent = sum(as_int(row["absent"]) for row in found.values())
    return {
        "buckets": buckets,
        "people": rated,
        "not_rated": as_int(found.get("none", {}).get("people")),
        "attended": attended,
        "absent": absent,
        "excused": sum(as_int(row["excused"]) for row in found.values()),
        "rate": share(attended, attended + absent),
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
                "id": row["id"],
                "starts_at": row["starts_at"],
                "topic": row["topic"],
                "attended": attended,
                "expected": row["expected"],
                "excused": row["excused"],
                "guests": row["guests"],
                "rate": row["rate"],
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


async def prepost_change(surveys_found: list[dict[str, Any]], minimum: int) -> dict[str, Any] | None:
    """The surveys feature's pre/post comparison of the newest before and after surveys; None without a pair."""
    pre = next((s for s in surveys_found if s["purpose"] == "pre"), None)
    post = next((s for s in surveys_found if s["purpose"] == "post"), None)
    if pre is None or post is None:
        return None
    comparison = await results.prepost_comparison(
        pre, post, await surveys.list_questions(pre["id"]), await surveys.list_questions(post["id"]), minimum
    )
    return {"pre": pre, "post": post, **comparison}


async def feedback_summary(program_id: int, minimum: int, purpose: str = "session_feedback") -> dict[str, Any]:
    """Session feedback (or, with `purpose`, follow-up surveys) of the program: responses per survey and the mean
    of each scale question. A
    question answered by 1 to minimum - 1 people is `hidden`: neither its number of answers nor its mean is given
    (the small-group rule of survey results). Two queries."""
    where = "s.purpose = :purpose AND (s.program = :program OR r.program = :program)"
    counts = await raw(
        f"""
        SELECT s.id AS survey_id, s.title AS title, COUNT(r.id) AS responses
        FROM "{T_RESPONSE}" r JOIN "{T_SURVEY}" s ON s.id = r.survey
        WHERE {where}
        GROUP BY s.id, s.title ORDER BY s.id
        """,
        program=program_id,
        purpose=purpose,
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
        purpose=purpose,
    )
    surveys_found = []
    for row in counts:
        questions = []
        for mean in means:
            if mean["survey_id"] != row["survey_id"]:
                continue
            answers = as_int(mean["answers"])
            hidden = results.too_small(answers, minimum)
            value = float(mean["mean"]) if mean["mean"] is not None and not hidden else None
            top = SCALE_MAX[mean["kind"]]
            questions.append(
                {
                    "text": mean["text"],
                    "kind": mean["kind"],
                    "answers": None if hidden else answers,
                    "mean": value,
                    "scale_max": top,
                    "fraction": (value or 0) / top,
                    "hidden": hidden,
                }
            )
        surveys_found.append(
            {
                "id": row["survey_id"],
                "title": row["title"],
                "responses": as_int(row["responses"]),
                "questions": questions,
            }
        )
    return {"surveys": surveys_found, "responses": sum(s["responses"] for s in surveys_found)}


async def list_evaluations(program_id: int) -> list[dict[str, Any]]:
    """Every saved version of the written evaluation, newest first."""
    return (
        await Evaluation.select(
            Evaluation.id,
            Evaluation.text,
            Evaluation.written_at,
            Evaluation.written_by.display_name.as_alias("by"),
        )
        .where(Evaluation.program == program_id)
        .order_by(Evaluation.written_at, ascending=False)
        .order_by(Evaluation.id, ascending=False)
        .run()
    )


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


async def program_report(
    program: dict[str, Any], now: datetime | None = None, min_group: int | None = None
) -> dict[str, Any]:
    """Everything the evaluation report shows, in a fixed number of queries (at most sixteen). `min_group` is the
    app's small-group limit (settings.min_group_size when None)."""
    now = now or clock.now()
    minimum = results.min_group_size(min_group)
    goals = await programs.list_goals(program["id"])
    summaries = await attendance.session_summaries(program, now)
    surveys_found = await outcome_surveys(program["id"])
    goals_met = sum(1 for goal in goals if goal["progress"] is not None and goal["progress"] >= 1.0)
    return {
        "generated_at": now,
        "min_group": minimum,
        "goals": goals,
        "goals_met": goals_met,
        "goals_measured": sum(1 for goal in goals if goal["current_value"] is not None),
        "sessions": await session_counts(program["id"], now),
        "people": await enrolment_counts(program["id"]),
        "trend": attendance_trend(summaries),
        "distribution": await rate_distribution(program["id"], now),
        "prepost": await prepost_change(surveys_found, minimum),
        "feedback": await feedback_summary(program["id"], minimum),
        "follow_up": await feedback_summary(program["id"], minimum, purpose="follow_up"),
        "milestones": await programs.list_milestones(program["id"]) if program["kind"] == "community_project" else [],
        "evaluations": await list_evaluations(program["id"]),
    }


def milestone_counts(milestones: list[dict[str, Any]]) -> dict[str, int]:
    counts = {status: 0 for status in programs.MILESTONE_STATUSES}
    for milestone in milestones:
        counts[milestone["status"]] = counts.get(milestone["status"], 0) + 1
    return counts
