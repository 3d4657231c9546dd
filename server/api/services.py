"""What the API reads: programs and sessions as the public may see them, and counts and aggregates from the kept
figures and the reports. Each function runs a fixed number of queries, whatever the size of the data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from piccolo.custom_types import Combinable

from server import clock, privacy
from server.api import models
from server.api.keys import Key
from server.attendance.stats import T_SESSION_STATS, counted_sql
from server.errors import Forbidden, NotFound
from server.programs.tables import Program
from server.reports import checks
from server.reports import services as reports
from server.reports.sql import as_int, raw, share
from server.schedule.tables import ProgramSession
from server.surveys import results
from server.surveys.services import questionnaires
from server.surveys.services.questions import list_questions
from server.surveys.small_groups import suppressed_groups, too_small
from server.surveys.tables import Survey
from server.web.access import CurrentStaff

# The API is a machine reading exported figures: the privacy policy's anyone-through-an-export cell decides.
VIEWER = privacy.ANYONE
CHANNEL = privacy.EXPORT
MAX_LIMIT = 200
DEFAULT_LIMIT = 50

_PROGRAM_COLUMNS = (
    Program.id,
    Program.slug,
    Program.title,
    Program.public_title,
    Program.discreet,
    Program.place_members_only,
    Program.kind,
    Program.phase,
    Program.visibility,
    Program.timezone,
    Program.capacity,
    Program.enrolment_mode,
    Program.starts_on,
    Program.ends_on,
    Program.area,
)


def _real_details(program: dict[str, Any] | None) -> bool:
    """Whether the API may say what this program is about (its real title, and with it the slug, area, session
    topics, survey wording and the figures of small groups): the policy's cell for the API's viewer and channel."""
    return privacy.may_see(VIEWER, CHANNEL, privacy.TITLE, program=program)


# Whether a discreet program's real details reach the API at all: asked of the policy once, for any discreet
# program, so that a list can leave those programs' surveys out in SQL (and its pages stay full).
DISCREET_SHOWN = privacy.may_see(VIEWER, CHANNEL, privacy.TITLE, program={"discreet": True})


def _program_out(row: dict[str, Any]) -> models.ProgramOut:
    real_title = _real_details(row)
    return models.ProgramOut(
        id=row["id"],
        slug=row["slug"] if real_title else None,
        title=privacy.title(row, VIEWER, CHANNEL),
        kind=row["kind"],
        phase=row["phase"],
        visibility=row["visibility"],
        discreet=bool(row["discreet"]),
        timezone=row["timezone"],
        capacity=row["capacity"],
        enrolment_mode=row["enrolment_mode"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        area=row["area"] if real_title else "",
    )


def _page(rows: list[Any], limit: int) -> tuple[list[Any], int | None]:
    """Rows read with limit + 1: the page, and the cursor of the next one if there is more."""
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1]["id"]
    return rows, None


async def list_programs(key: Key, limit: int, after: int | None) -> models.ProgramPage:
    """Programs not archived, by id, that the key may read. One query."""
    condition: Combinable = Program.archived == False  # noqa: E712 - Piccolo builds SQL from the comparison
    if after is not None:
        condition &= Program.id > after
    if key.program_ids is not None:
        condition &= Program.id.is_in(sorted(key.program_ids))
    rows = await Program.select(*_PROGRAM_COLUMNS).where(condition).order_by(Program.id).limit(limit + 1).run()
    found, cursor = _page(rows, limit)
    return models.ProgramPage(items=[_program_out(row) for row in found], next_cursor=cursor)


async def program_row(program_id: int) -> dict[str, Any]:
    row = (
        await Program.select(*_PROGRAM_COLUMNS)
        .where((Program.id == program_id) & (Program.archived == False))  # noqa: E712
        .first()
        .run()
    )
    if row is None:
        raise NotFound("program")
    return row


def program_out(row: dict[str, Any]) -> models.ProgramOut:
    return _program_out(row)


async def list_sessions(program: dict[str, Any], limit: int, after: int | None) -> models.SessionPage:
    """A program's sessions by id: dates and status, no place, link, reason or notes. One query."""
    condition: Combinable = ProgramSession.program == program["id"]
    if after is not None:
        condition &= ProgramSession.id > after
    rows = (
        await ProgramSession.select(
            ProgramSession.id,
            ProgramSession.status,
            ProgramSession.starts_at,
            ProgramSession.ends_at,
            ProgramSession.topic,
        )
        .where(condition)
        .order_by(ProgramSession.id)
        .limit(limit + 1)
        .run()
    )
    found, cursor = _page(rows, limit)
    # A topic is staff's free text and may name what a discreet program is about: it goes with the real title.
    topic_shown = _real_details(program)
    items = [
        models.SessionOut(
            id=row["id"],
            program_id=program["id"],
            status=row["status"],
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            topic=row["topic"] if topic_shown else "",
        )
        for row in found
    ]
    return models.SessionPage(items=items, next_cursor=cursor)


async def _attendance(program_id: int, now: datetime) -> models.AttendanceCounts:
    rows = await raw(
        f"""
        SELECT COUNT(*) AS sessions, SUM(ss.members) AS members, SUM(ss.members_attended) AS attended,
               SUM(ss.members_excused) AS excused, SUM(ss.members_absent) AS absent,
               SUM(ss.members_unmarked) AS unmarked, SUM(ss.guests) AS guests
        FROM "{T_SESSION_STATS}" ss
        WHERE ss.program = :program AND {counted_sql("ss")}
        """,
        program=program_id,
        now=now,
    )
    row = rows[0] if rows else {}
    attended, absent, unmarked = as_int(row.get("attended")), as_int(row.get("absent")), as_int(row.get("unmarked"))
    return models.AttendanceCounts(
        sessions=as_int(row.get("sessions")),
        member_places=as_int(row.get("members")),
        attended=attended,
        excused=as_int(row.get("excused")),
        absent=absent,
        unmarked=unmarked,
        guests=as_int(row.get("guests")),
        # As the reports count it: an unmarked member counts as absent.
        rate=share(attended, attended + absent + unmarked),
    )


async def program_figures(
    program: dict[str, Any], min_group: int, now: datetime | None = None
) -> models.ProgramFigures:
    """Sessions, enrolment and attendance counts of one program. Three queries. For a program whose real details
    the API may not give (a discreet one), counts of people below the small-group size are left out: being in
    such a group is itself what must not be told."""
    now = now or clock.now()
    program_id = program["id"]
    sessions = await reports.session_counts(program_id, now)
    enrolment = await reports.enrolment_counts(program_id)
    figures = models.ProgramFigures(
        program_id=program_id,
        sessions=models.SessionCounts(**{key: sessions[key] for key in models.SessionCounts.__dataclass_fields__}),
        enrolment=models.EnrolmentCounts(
            **{key: enrolment[key] for key in models.EnrolmentCounts.__dataclass_fields__}
        ),
        attendance=await _attendance(program_id, now),
        minimum_group=min_group,
    )
    if not _real_details(program):
        _hide_small_groups(figures, min_group)
    return figures


_ENROLMENT_PARTS = ("still_enrolled", "completed", "withdrawn")  # together: took_part
_ENROLMENT_ALONE = ("left_before_start", "waitlisted")  # in no total that is shown
_ATTENDANCE_PARTS = ("attended", "excused", "absent", "unmarked")  # together: member_places


def _hide_small_groups(figures: models.ProgramFigures, minimum: int) -> None:
    """Empties (None) every count of 1 to minimum - 1 people or places, and the counts that would give them away:
    the rest of a partition whose total is shown (the rule of server/surveys/small_groups.py) and the shares computed
    from a hidden count. Too few people in the program hide its enrolment and attendance counts altogether."""
    hidden: list[str] = []

    def hide(part: Any, section: str, names: Iterable[str]) -> None:
        for name in names:
            if getattr(part, name) is not None:
                setattr(part, name, None)
                hidden.append(f"{section}.{name}")

    def partition(part: Any, section: str, total: str, names: tuple[str, ...], few_people: bool) -> None:
        if few_people or too_small(getattr(part, total), minimum):
            hide(part, section, (total, *names))
        else:
            found = suppressed_groups({name: getattr(part, name) for name in names}, minimum)
            hide(part, section, [name for name in names if name in found])

    enrolment, attendance = figures.enrolment, figures.attendance
    few_people = too_small(enrolment.took_part or 0, minimum)
    partition(enrolment, "enrolment", "took_part", _ENROLMENT_PARTS, few_people)
    hide(enrolment, "enrolment", [name for name in _ENROLMENT_ALONE if too_small(getattr(enrolment, name), minimum)])
    # Each share, with the counts shown, would give back the hidden counts it is computed from.
    if any(getattr(enrolment, name) is None for name in _ENROLMENT_PARTS):
        hide(enrolment, "enrolment", ("retention",))
    if enrolment.completed is None:
        hide(enrolment, "enrolment", ("completion",))
    partition(attendance, "attendance", "member_places", _ATTENDANCE_PARTS, few_people)
    if too_small(attendance.guests or 0, minimum):
        hide(attendance, "attendance", ("guests",))
    if any(getattr(attendance, name) is None for name in _ATTENDANCE_PARTS):
        hide(attendance, "attendance", ("rate",))
    figures.hidden = hidden


def _survey_out(row: dict[str, Any]) -> models.SurveyOut:
    return models.SurveyOut(
        id=row["id"],
        program_id=row["program"],
        title=row["title"],
        purpose=row["purpose"],
        anonymous=bool(row["anonymous"]),
        published=bool(row["published"]),
    )


_SURVEY_COLUMNS = (
    Survey.id,
    Survey.program,
    Survey.title,
    Survey.purpose,
    Survey.anonymous,
    Survey.published,
)


async def list_surveys(key: Key, limit: int, after: int | None) -> models.SurveyPage:
    """Surveys by id that the key may read: those of its programs (every survey for a key of every program). A
    discreet program's surveys are left out: their questions' wording can name what the program is about. One
    query."""
    condition: Combinable = Survey.id > (after or 0)
    if not DISCREET_SHOWN:
        condition &= Survey.program.is_null() | (Survey.program.discreet == False)  # noqa: E712
    if key.program_ids is not None:
        condition &= Survey.program.is_in(sorted(key.program_ids))
    rows = await Survey.select(*_SURVEY_COLUMNS).where(condition).order_by(Survey.id).limit(limit + 1).run()
    found, cursor = _page(rows, limit)
    return models.SurveyPage(items=[_survey_out(row) for row in found], next_cursor=cursor)


def _question_out(item: dict[str, Any]) -> models.QuestionResult:
    question = item["question"]
    out = models.QuestionResult(
        id=question["id"],
        code=question.get("code") or "",
        kind=question["kind"],
        text=question["text"],
        hidden=bool(item["hidden"]),
        answered=item["answered"],
    )
    if item["hidden"]:
        return out
    # Written answers are left out: free text can name or describe a person, whatever the group's size.
    out.choices = [
        models.ChoiceCount(value=row["value"], label=row["label"], count=row["count"], share=row["share"])
        for row in item.get("rows", [])
        if "count" in row
    ]
    out.ranking = [
        models.RankedChoice(
            value=row["value"], label=row["label"], mean_rank=row["mean_rank"], first=row["first"], count=row["count"]
        )
        for row in item.get("ranking", [])
    ]
    out.mean, out.median = item.get("mean"), item.get("median")
    return out


async def survey_results(key: Key, survey_id: int, min_group: int) -> models.SurveyResults:
    """A survey's results with the small-group rule of server/surveys/results.py. A fixed handful of queries."""
    survey = await questionnaires.get_survey(survey_id)
    if survey["program"] is not None:
        program = await Program.select(Program.discreet).where(Program.id == survey["program"]).first().run()
        if not _real_details(program):
            raise NotFound("survey")  # as if it did not exist: a 403 would tell that it does
    if survey["program"] is None and key.program_ids is not None:
        raise Forbidden()  # a survey of no program belongs to every-program keys only
    if survey["program"] is not None and not key.may_read(survey["program"]):
        raise Forbidden()
    questions = await list_questions(survey_id)
    found = await results.survey_results(survey, questions, results.Filters(), min_group)
    return models.SurveyResults(
        survey_id=survey_id,
        responses=found["total"],
        minimum_group=found["minimum"],
        hidden=found["hidden"],
        questions=[] if found["hidden"] else [_question_out(item) for item in found["questions"]],
    )


# The data checks count for a staff member; the API has none, and an id that is no staff member's keeps the
# "people they registered themselves" part of a limited scope empty (the key's programs alone decide).
_NOBODY = CurrentStaff(id=0, user_id=0, username="", email="", display_name="API", role="organizer", locale="en")


async def data_checks(key: Key, now: datetime | None = None) -> models.DataChecks:
    """Open problems per check (kept counts for every-program keys). One query."""
    program_ids = sorted(key.program_ids) if key.program_ids is not None else None
    counts = await checks.check_counts(_NOBODY, now or clock.now(), program_ids)
    return models.DataChecks(**{name: counts[name] for name in models.DataChecks.__dataclass_fields__})
