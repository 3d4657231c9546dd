"""Rules for surveys: building questionnaires, ready-made templates, consent-first answering, invitations and data entry."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from piccolo.query.functions.aggregate import Count, Max, Min

from server import clock
from server.audit import record_audit
from server.config import settings
from server.db import transaction
from server.enrolment.participant_access import list_participants
from server.errors import DomainError, Forbidden, NotFound
from server.i18n import N_, gettext, translations
from server.people.tables import AccessToken
from server.people.tokens import invite_token as derive_invite_token
from server.people.tokens import new_token, plausible, same_hash, token_hash
from server.programs.services import can_manage, managed_program_ids
from server.programs.tables import Program
from server.surveys.tables import Answer, Question, Response, Survey, SurveyInvite
from server.web.access import CurrentStaff
from server.web.labels import LABELS

PURPOSES = ("needs_assessment", "pre", "post", "session_feedback")
KINDS = ("single", "multiple", "likert", "rating", "number", "short_text", "long_text", "ranking")
CHOICE_KINDS = ("single", "multiple", "ranking")
NUMERIC_KINDS = ("likert", "rating", "number")
TEXT_KINDS = ("short_text", "long_text")
LANGUAGE_CHOICES = ("id,en", "id", "en")
# Fixed five-point agreement scale; stored as value_number 1-5 so that means and pre/post changes are comparable.
LIKERT = (
    ("1", N_("Strongly disagree")),
    ("2", N_("Disagree")),
    ("3", N_("Neither agree nor disagree")),
    ("4", N_("Agree")),
    ("5", N_("Strongly agree")),
)
RATING_MAX = 10
MAX_TEXT = 5000
MAX_OPTIONS = 20
MAX_RANKING_OPTIONS = 10

LABELS.register(
    "survey_purpose",
    {
        "needs_assessment": N_("Needs assessment"),
        "pre": N_("Before the program (pre)"),
        "post": N_("After the program (post)"),
        "session_feedback": N_("Session feedback"),
    },
)
LABELS.register(
    "question_kind",
    {
        "single": N_("Single choice"),
        "multiple": N_("Multiple choice"),
        "likert": N_("Agreement scale (5 points)"),
        "rating": N_("Rating from 0 to 10"),
        "number": N_("Number"),
        "short_text": N_("Short text"),
        "long_text": N_("Long text"),
        "ranking": N_("Priority ranking"),
    },
)
LABELS.register("survey_languages", {"id,en": N_("Indonesian and English"), "id": N_("Indonesian only"), "en": N_("English only")})
LABELS.register("survey_status", {"draft": N_("Draft"), "scheduled": N_("Not open yet"), "open": N_("Open"), "closed": N_("Closed")})
LABELS.register("audit_subject", {"survey": N_("Survey")})

# The text staff may edit. What happens to the answers is stated by privacy_statement() below, made from the code's
# own rules and the configured group size, so that no edited or outdated text can promise something else.
DEFAULT_CONSENT = {
    True: N_(
        "Taking part is voluntary. You may skip questions that are not required and stop at any time. "
        "Your answers are anonymous."
    ),
    False: N_(
        "Taking part is voluntary. You may skip questions that are not required and stop at any time. "
        "Your answers are linked to your personal link so that your answers before and after the program can be "
        "compared."
    ),
}

PRIVACY_STATEMENT = {
    True: N_(
        "Your answers are anonymous: your name, your personal link, your internet address and your browser are not "
        "stored with them, and the time of answering is kept only to the hour. The survey team sees the results, "
        "written answers included, only once at least %(n)s people have answered, and the answers of a smaller "
        "group (for example the people of one neighbourhood) are never shown separately."
    ),
    False: N_(
        "Your answers are stored with your name so that your answers before and after the program can be "
        "compared; only staff who run this program and the organisation's coordinators see them. Results, written "
        "answers included, are shown only once at least %(n)s people have answered, and the answers of a smaller "
        "group (for example the people of one neighbourhood) are never shown separately."
    ),
}


def privacy_statement(survey: dict[str, Any], min_group: int) -> str:
    """What happens to the answers, shown under the consent text: it quotes the same number the results use."""
    return gettext(PRIVACY_STATEMENT[bool(survey["anonymous"])], n=min_group)



# --- dates ---------------------------------------------------------------------------------------
# Surveys open and close on whole days in the organisation's timezone: open from the start of the opening day,
# closed from the end of the closing day.

def _zone() -> ZoneInfo:
    return ZoneInfo(settings.default_timezone)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), _zone()).astimezone(timezone.utc)


def local_day(instant: datetime | None, *, end: bool = False) -> date | None:
    if instant is None:
        return None
    if end:
        instant = instant - timedelta(microseconds=1)
    return instant.astimezone(_zone()).date()


def _date_values(values: dict[str, Any]) -> dict[Any, Any]:
    opens_on, closes_on = values.get("opens_on"), values.get("closes_on")
    if opens_on and closes_on and closes_on < opens_on:
        raise DomainError("closes_before_opens", N_("The survey must close after it opens."), field="closes_on")
    return {
        Survey.opens_at: day_start(opens_on) if opens_on else None,
        Survey.closes_at: day_start(closes_on + timedelta(days=1)) if closes_on else None,
    }


def availability(survey: dict[str, Any], now: datetime | None = None) -> str:
    """open, not_yet or closed, from the survey's dates alone (publishing is checked separately)."""
    now = now or clock.now()
    if survey["opens_at"] is not None and now < survey["opens_at"]:
        return "not_yet"
    if survey["closes_at"] is not None and now >= survey["closes_at"]:
        return "closed"
    return "open"


def status(survey: dict[str, Any], now: datetime | None = None) -> str:
    if not survey["published"]:
        return "draft"
    return {"not_yet": "scheduled", "closed": "closed"}.get(availability(survey, now), "open")


def public_url(survey: dict[str, Any]) -> str:
    return f"{settings.base_url}/s/{survey['token']}"


# --- who may see and change a survey -------------------------------------------------------------

async def get_survey(survey_id: int) -> dict[str, Any]:
    row = (
        await Survey.select(*Survey.all_columns(), Survey.program.title.as_alias("program_title"))
        .where(Survey.id == survey_id)
        .first()
        .output(load_json=True)
        .run()
    )
    if row is None:
        raise NotFound("survey")
    return row


async def survey_for_staff(staff: CurrentStaff, survey_id: int) -> dict[str, Any]:
    """Organizers see every survey; a facilitator sees the surveys of their programs and the ones they made."""
    survey = await get_survey(survey_id)
    if staff.is_organizer or survey["created_by"] == staff.id:
        return survey
    if survey["program"] is not None and await can_manage(staff, survey["program"]):
        return survey
    raise Forbidden()


async def list_surveys(staff: CurrentStaff) -> list[dict[str, Any]]:
    query = Survey.select(
        Survey.id, Survey.title, Survey.purpose, Survey.program, Survey.program.title.as_alias("program_title"),
        Survey.published, Survey.opens_at, Survey.closes_at, Survey.anonymous, Survey.created_at,
    ).order_by(Survey.created_at, ascending=False)
    ids = await managed_program_ids(staff)
    if ids is not None:
        query = query.where(Survey.program.is_in(ids or [-1]) | (Survey.created_by == staff.id))
    rows = await query.run()
    counts = await response_counts([row["id"] for row in rows])
    now = clock.now()
    for row in rows:
        row["responses"] = counts.get(row["id"], 0)
        row["status"] = status(row, now)
    return rows


async def response_counts(survey_ids: list[int]) -> dict[int, int]:
    if not survey_ids:
        return {}
    rows = await Response.select(Response.survey, Count()).where(Response.survey.is_in(survey_ids)).group_by(Response.survey).run()
    return {row["survey"]: row["count"] for row in rows}


async def program_choices(staff: CurrentStaff, keep: int | None = None) -> list[tuple[int, str]]:
    """Programs a survey may be attached to by this person: the ones they manage (and the survey's current one)."""
    ids = await managed_program_ids(staff)
    query = Program.select(Program.id, Program.title).order_by(Program.title)
    condition = Program.archived == False  # noqa: E712
    if ids is not None:
        condition = condition & Program.id.is_in(ids or [-1])
    if keep is not None:
        condition = condition | (Program.id == keep)
    return [(row["id"], row["title"]) for row in await query.where(condition).run()]


async def _check_program(actor: CurrentStaff, program_id: int | None, current: int | None = None) -> None:
    if program_id is None or program_id == current:
        return
    if not await Program.exists().where(Program.id == program_id).run() or not await can_manage(actor, program_id):
        raise DomainError("bad_program", N_("Choose one of your programs."), field="program")


def _check_choices(values: dict[str, Any]) -> None:
    if values.get("purpose") not in PURPOSES:
        raise DomainError("bad_purpose", N_("Choose one of the options."), field="purpose")
    if values.get("languages") not in LANGUAGE_CHOICES:
        raise DomainError("bad_languages", N_("Choose one of the options."), field="languages")


# --- surveys -------------------------------------------------------------------------------------

async def create_survey(actor: CurrentStaff, values: dict[str, Any]) -> int:
    _check_choices(values)
    dates = _date_values(values)
    await _check_program(actor, values.get("program"))
    survey = Survey(
        title=values["title"],
        purpose=values["purpose"],
        program=values.get("program"),
        intro=values.get("intro") or "",
        consent_text=values.get("consent_text") or "",
        opens_at=dates[Survey.opens_at],
        closes_at=dates[Survey.closes_at],
        languages=values["languages"],
        anonymous=bool(values.get("anonymous")),
        published=False,
        token=new_token(),
        created_by=actor.id,
        details={},
    )
    async with transaction():
        await survey.save().run()
        await record_audit(actor, "create", "survey", survey.id, f"survey created: {values['title'][:100]}")
    return survey.id


async def update_survey(actor: CurrentStaff, survey: dict[str, Any], values: dict[str, Any]) -> None:
    _check_choices(values)
    dates = _date_values(values)
    await _check_program(actor, values.get("program"), current=survey["program"])
    anonymous = bool(values.get("anonymous"))
    if anonymous != survey["anonymous"] and await Response.exists().where(Response.survey == survey["id"]).run():
        # People answered under one promise about their identity; changing it afterwards would break that promise.
        raise DomainError(
            "anonymity_locked",
            N_("Responses have already been collected, so whether this survey is anonymous can no longer change. Make a new survey instead."),
            field="anonymous",
        )
    if anonymous and not survey["anonymous"] and await SurveyInvite.exists().where(SurveyInvite.survey == survey["id"]).run():
        # Personal links were handed out as named: their holders may answer believing the survey names them, and
        # an answer through such a link must never be mistaken for an anonymous one.
        raise DomainError(
            "anonymity_invites",
            N_("Personal links have already been made for this survey, so it cannot become anonymous. Make a new anonymous survey instead."),
            field="anonymous",
        )
    await Survey.update(
        {
            Survey.title: values["title"],
            Survey.purpose: values["purpose"],
            Survey.program: values.get("program"),
            Survey.intro: values.get("intro") or "",
            Survey.consent_text: values.get("consent_text") or "",
            Survey.languages: values["languages"],
            Survey.anonymous: anonymous,
            Survey.updated_at: clock.now(),
            **dates,
        }
    ).where(Survey.id == survey["id"]).run()


async def set_published(actor: CurrentStaff, survey: dict[str, Any], published: bool) -> None:
    if published and not await Question.exists().where(Question.survey == survey["id"]).run():
        raise DomainError("no_questions", N_("Add at least one question before publishing."))
    await Survey.update({Survey.published: published, Survey.updated_at: clock.now()}).where(Survey.id == survey["id"]).run()
    await record_audit(actor, "update", "survey", survey["id"], "published" if published else "unpublished")


# --- questions -----------------------------------------------------------------------------------

def question_choices(question: dict[str, Any]) -> list[tuple[str, str]]:
    """The (value, label) pairs a question offers; Likert labels are translated into the active language."""
    kind = question["kind"]
    if kind == "likert":
        return [(value, gettext(label)) for value, label in LIKERT]
    if kind == "rating":
        return [(str(value), str(value)) for value in range(RATING_MAX + 1)]
    if kind in CHOICE_KINDS:
        return [(option["value"], option["label"]) for option in question["options"]]
    return []


def _prepare(question: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(question.get("options"), list):
        question["options"] = []
    question["choices"] = question_choices(question)
    return question


async def list_questions(survey_id: int) -> list[dict[str, Any]]:
    rows = await Question.select().where(Question.survey == survey_id).order_by(Question.position).order_by(Question.id).output(load_json=True).run()
    questions = [_prepare(row) for row in rows]
    numbers = {question["id"]: index for index, question in enumerate(questions, start=1)}
    by_id = {question["id"]: question for question in questions}
    for question in questions:
        question["number"] = numbers[question["id"]]
        trigger = by_id.get(question["show_if_question"]) if question["show_if_question"] else None
        question["condition"] = None
        if trigger is not None:
            label = dict(trigger["choices"]).get(question["show_if_value"], question["show_if_value"])
            question["condition"] = {"question": trigger["id"], "number": trigger["number"], "value": question["show_if_value"], "label": label}
    return questions


async def get_question(survey: dict[str, Any], question_id: int) -> dict[str, Any]:
    for question in await list_questions(survey["id"]):
        if question["id"] == question_id:
            return question
    raise NotFound("question")


async def answer_counts(survey_id: int) -> dict[int, int]:
    """How many answers each question has; a question with answers may only get wording changes."""
    rows = (
        await Answer.select(Answer.question, Count())
        .where(Answer.question.is_in(Question.select(Question.id).where(Question.survey == survey_id)))
        .group_by(Answer.question)
        .run()
    )
    return {row["question"]: row["count"] for row in rows}


def _normalise_question(values: dict[str, Any]) -> dict[str, Any]:
    kind = values.get("kind")
    if kind not in KINDS:
        raise DomainError("bad_kind", N_("Choose one of the options."), field="kind")
    options = list(values.get("options") or []) if kind in CHOICE_KINDS else []
    if kind in CHOICE_KINDS:
        limit = MAX_RANKING_OPTIONS if kind == "ranking" else MAX_OPTIONS
        if not 2 <= len(options) <= limit:
            raise DomainError("option_count", N_("Give between 2 and %(n)s options, one per line."), field="options", n=limit)
        if len({option["value"] for option in options}) != len(options):
            raise DomainError("option_duplicate", N_("Two options have the same value."), field="options")
    low, high = (values.get("min_value"), values.get("max_value")) if kind == "number" else (None, None)
    if low is not None and high is not None and low > high:
        raise DomainError("bad_range", N_("The highest value must not be below the lowest."), field="max_value")
    trigger = values.get("show_if_question")
    return {
        "kind": kind,
        "text": values["text"],
        "help": values.get("help") or "",
        "required": bool(values.get("required")),
        "options": options,
        "min_value": low,
        "max_value": high,
        "code": values.get("code") or "",
        "show_if_question": trigger,
        "show_if_value": (values.get("show_if_value") or "") if trigger else "",
    }


def _check_condition(values: dict[str, Any], questions: list[dict[str, Any]], position: int, own_id: int | None) -> None:
    trigger_id = values["show_if_question"]
    if trigger_id is None:
        return
    trigger = next((q for q in questions if q["id"] == trigger_id), None)
    if trigger is None or trigger_id == own_id or trigger["kind"] != "single" or trigger["position"] >= position:
        raise DomainError("bad_condition", N_("A question can only depend on an earlier single-choice question."), field="show_if")
    if values["show_if_value"] not in {option["value"] for option in trigger["options"]}:
        raise DomainError("bad_condition_value", N_("Choose one of that question's options."), field="show_if")


def _check_code(values: dict[str, Any], questions: list[dict[str, Any]], own_id: int | None) -> None:
    code = values["code"]
    if code and any(q["code"] == code and q["id"] != own_id for q in questions):
        raise DomainError("code_taken", N_("Another question in this survey already uses this code."), field="code")


def _check_dependents(question: dict[str, Any], values: dict[str, Any], questions: list[dict[str, Any]]) -> None:
    """A question others depend on must stay single-choice and keep the options they wait for."""
    values_left = {option["value"] for option in values["options"]} if values["kind"] == "single" else set()
    for other in questions:
        if other["show_if_question"] == question["id"] and other["show_if_value"] not in values_left:
            raise DomainError(
                "has_dependents",
                N_("Question %(n)s is shown only after an answer to this one; change that condition first."),
                field="kind" if values["kind"] != "single" else "options",
                n=other["number"],
            )


async def _check_answered(question: dict[str, Any], values: dict[str, Any]) -> None:
    """Edits that would make stored answers mean something else are refused; rewording stays allowed."""
    if values["kind"] != question["kind"]:
        raise DomainError(
            "answered_kind",
            N_("This question already has answers, so its type cannot change. Add a new question instead."),
            field="kind",
        )
    old_values = {option["value"] for option in question["options"]}
    if not old_values <= {option["value"] for option in values["options"]}:
        raise DomainError(
            "answered_options",
            N_("This question already has answers, so its option values cannot be removed or renamed. You may reword the labels or add options."),
            field="options",
        )
    if values["kind"] == "number" and (values["min_value"] is not None or values["max_value"] is not None):
        row = (
            await Answer.select(Min(Answer.value_number, alias="low"), Max(Answer.value_number, alias="high"))
            .where(Answer.question == question["id"])
            .first()
            .run()
        )
        if row and row["low"] is not None:
            if (values["min_value"] is not None and row["low"] < values["min_value"]) or (
                values["max_value"] is not None and row["high"] > values["max_value"]
            ):
                raise DomainError("answered_range", N_("Some existing answers fall outside this range."), field="min_value")


async def add_question(survey: dict[str, Any], values: dict[str, Any]) -> int:
    questions = await list_questions(survey["id"])
    values = _normalise_question(values)
    position = (max((q["position"] for q in questions), default=0)) + 1
    _check_condition(values, questions, position, None)
    _check_code(values, questions, None)
    question = Question(survey=survey["id"], position=position, **values)
    await question.save().run()
    return question.id


async def update_question(survey: dict[str, Any], question_id: int, values: dict[str, Any]) -> None:
    questions = await list_questions(survey["id"])
    question = next((q for q in questions if q["id"] == question_id), None)
    if question is None:
        raise NotFound("question")
    values = _normalise_question(values)
    _check_condition(values, questions, question["position"], question_id)
    _check_code(values, questions, question_id)
    _check_dependents(question, values, questions)
    if (await answer_counts(survey["id"])).get(question_id):
        await _check_answered(question, values)
    await Question.update({getattr(Question, key): value for key, value in values.items()}).where(Question.id == question_id).run()


async def _renumber(ordered_ids: Iterable[int]) -> None:
    for position, question_id in enumerate(ordered_ids, start=1):
        await Question.update({Question.position: position}).where(Question.id == question_id).run()


def _check_order(questions: list[dict[str, Any]]) -> None:
    place = {q["id"]: index for index, q in enumerate(questions)}
    for question in questions:
        trigger = question["show_if_question"]
        if trigger in place and place[trigger] >= place[question["id"]]:
            raise DomainError(
                "order_breaks_condition",
                N_("This move would put a question before the question it depends on."),
            )


async def move_question(survey: dict[str, Any], question_id: int, direction: str) -> None:
    questions = await list_questions(survey["id"])
    index = next((i for i, q in enumerate(questions) if q["id"] == question_id), None)
    if index is None:
        raise NotFound("question")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    _check_order(questions)
    async with transaction():
        await _renumber(q["id"] for q in questions)


async def duplicate_question(survey: dict[str, Any], question_id: int) -> int:
    """A copy right after the original; the code is left empty, because codes are unique within a survey."""
    questions = await list_questions(survey["id"])
    index = next((i for i, q in enumerate(questions) if q["id"] == question_id), None)
    if index is None:
        raise NotFound("question")
    source = questions[index]
    copy = Question(
        survey=survey["id"], kind=source["kind"], text=source["text"], help=source["help"], required=source["required"],
        options=source["options"], min_value=source["min_value"], max_value=source["max_value"], code="",
        show_if_question=source["show_if_question"], show_if_value=source["show_if_value"], position=0,
    )
    async with transaction():
        await copy.save().run()
        order = [q["id"] for q in questions]
        order.insert(index + 1, copy.id)
        await _renumber(order)
    return copy.id


async def delete_question(survey: dict[str, Any], question_id: int) -> None:
    questions = await list_questions(survey["id"])
    question = next((q for q in questions if q["id"] == question_id), None)
    if question is None:
        raise NotFound("question")
    if (await answer_counts(survey["id"])).get(question_id):
        raise DomainError("answered_delete", N_("This question already has answers and cannot be deleted. You may reword it instead."))
    dependent = next((q for q in questions if q["show_if_question"] == question_id), None)
    if dependent is not None:
        raise DomainError(
            "has_dependents",
            N_("Question %(n)s is shown only after an answer to this one; change that condition first."),
            n=dependent["number"],
        )
    async with transaction():
        await Question.delete().where(Question.id == question_id).run()
        await _renumber(q["id"] for q in questions if q["id"] != question_id)


# --- ready-made templates --------------------------------------------------------------------------

async def create_from_template(actor: CurrentStaff, key: str, *, program_id: int | None, languages: str) -> list[int]:
    """Creates the template's survey (or its pre/post pair) with its questions, written in the survey's first language."""
    from server.surveys.templates_data import TEMPLATES

    template = TEMPLATES.get(key)
    if template is None:
        raise DomainError("bad_template", N_("Choose one of the options."), field="template")
    if languages not in LANGUAGE_CHOICES:
        raise DomainError("bad_languages", N_("Choose one of the options."), field="languages")
    await _check_program(actor, program_id)
    catalog = translations(languages.split(",")[0])
    text = catalog.gettext
    created = []
    async with transaction():
        for part in template["surveys"]:
            survey = Survey(
                title=text(part["title"]),
                purpose=part["purpose"],
                program=program_id,
                intro=text(part["intro"]),
                consent_text=text(part.get("consent") or DEFAULT_CONSENT[part["anonymous"]]),
                languages=languages,
                anonymous=part["anonymous"],
                published=False,
                token=new_token(),
                created_by=actor.id,
                details={"template": key},
            )
            await survey.save().run()
            rows = []
            for position, spec in enumerate(part["questions"], start=1):
                rows.append(
                    Question(
                        survey=survey.id,
                        position=position,
                        kind=spec["kind"],
                        text=text(spec["text"]),
                        help=text(spec["help"]) if spec.get("help") else "",
                        required=spec.get("required", False),
                        options=[{"value": value, "label": text(label)} for value, label in spec.get("options", ())],
                        min_value=spec.get("min"),
                        max_value=spec.get("max"),
                        code=spec.get("code", ""),
                    )
                )
            await Question.insert(*rows).run()
            # Conditions name the trigger by code in the template; ids exist only now.
            ids = {row["code"]: row["id"] for row in await Question.select(Question.id, Question.code).where(Question.survey == survey.id).run()}
            for spec in part["questions"]:
                if spec.get("show_if"):
                    code, value = spec["show_if"]
                    await Question.update({Question.show_if_question: ids[code], Question.show_if_value: value}).where(
                        (Question.survey == survey.id) & (Question.code == spec["code"])
                    ).run()
            await record_audit(actor, "create", "survey", survey.id, f"survey created from template {key}")
            created.append(survey.id)
    return created


# --- answering -----------------------------------------------------------------------------------

async def survey_by_token(token: str) -> dict[str, Any] | None:
    """A published survey for its public link; unknown and unpublished look the same.

    The public answering link is the one token kept in plain text: it is published on purpose (posters, QR
    codes, group chats), opens no personal data, and staff must be able to show it again at any time."""
    if not token or len(token) > 64:
        return None
    row = await Survey.select().where(Survey.token == token).first().output(load_json=True).run()
    if row is None or not row["published"] or not hmac.compare_digest(row["token"], token):
        return None
    return row


async def invite_by_token(survey: dict[str, Any], invite_token: str) -> dict[str, Any] | None:
    """A personal invitation by its link (looked up by hash). It lives only as long as the person's personal
    link it was derived from: reissuing or revoking that link ends it too."""
    if not plausible(invite_token):
        return None
    row = (
        await SurveyInvite.select()
        .where((SurveyInvite.token == token_hash(invite_token)) & (SurveyInvite.survey == survey["id"]))
        .first()
        .run()
    )
    if row is None or not same_hash(row["token"], invite_token):
        return None
    page = (
        await AccessToken.select(AccessToken.created_at)
        .where((AccessToken.participant == row["participant"]) & (AccessToken.kind == "participant_page") & AccessToken.revoked_at.is_null())
        .order_by(AccessToken.created_at, ascending=False)
        .first()
        .run()
    )
    # The invite's hash is (re)written from the person's current page link; one older than that link is dead.
    if page is None or row["created_at"] < page["created_at"]:
        return None
    return dict(row, token=invite_token)  # the holder's own link, for building the form's addresses


def _signature(survey_id: int, context: str, nonce: str) -> str:
    message = f"{survey_id}:{context}:{nonce}".encode()
    digest = hmac.new(settings.secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def submission_context(survey: dict[str, Any], invite: dict[str, Any] | None) -> str:
    """What an answering form's key is bound to: its personal link, or for an anonymous survey (and the public
    link) nothing but the survey. The key is stored with the response, so for an anonymous survey it must be made
    of random data only: a key signed with an invite id would map the answer back to a person."""
    if survey["anonymous"] or invite is None:
        return "public"
    return f"invite:{invite['id']}"


def new_submission_key(survey_id: int, context: str) -> str:
    """Made only after consent and carried by the answering form: it proves consent was given for this survey
    (and this link), and being unique per form, it turns a double submission into one response."""
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_signature(survey_id, context, nonce)}"


def check_submission_key(key: str, survey_id: int, context: str) -> bool:
    if not key or len(key) > 64 or key.count(".") != 1:
        return False
    nonce, signature = key.split(".")
    return bool(nonce) and hmac.compare_digest(signature, _signature(survey_id, context, nonce))


async def submission_stored(submission_key: str) -> bool:
    return bool(submission_key) and await Response.exists().where(Response.submission_key == submission_key).run()


async def already_answered(survey_id: int, participant_id: int) -> bool:
    return await Response.exists().where((Response.survey == survey_id) & (Response.participant == participant_id)).run()


async def submit_response(
    survey: dict[str, Any],
    answers: list[tuple[int, str, float | None]],
    *,
    submission_key: str,
    language: str = "",
    participant_id: int | None = None,
    entered_by: int | None = None,
    program_id: int | None = None,
    invite_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Stores one response with its answers; returns False when this form was already stored (a double submission)."""
    now = now or clock.now()
    if survey["anonymous"]:
        # Nothing that points to a person: no participant, no invite use, and the time only to the hour,
        # so that the moment of answering cannot be matched with who was in the room.
        participant_id, invite_id = None, None
        now = now.replace(minute=0, second=0, microsecond=0)
    if await Response.exists().where(Response.submission_key == submission_key).run():
        return False
    try:
        async with transaction():
            response = Response(
                survey=survey["id"],
                participant=participant_id,
                program=program_id if program_id is not None else survey["program"],
                submitted_at=now,
                submission_key=submission_key,
                entered_by=entered_by,
                language=language,
                public_id=secrets.token_hex(8),
            )
            await response.save().run()
            if answers:
                await Answer.insert(
                    *(Answer(response=response.id, question=qid, value_text=text, value_number=number) for qid, text, number in answers)
                ).run()
            if invite_id is not None:
                await SurveyInvite.update({SurveyInvite.used_at: now}).where(SurveyInvite.id == invite_id).run()
    except Exception:
        # Two submissions of the same form racing each other: the unique key lets only one in.
        if await Response.exists().where(Response.submission_key == submission_key).run():
            return False
        raise
    return True


async def invite_link(survey_id: int, participant_id: int, page_token: str) -> str:
    """A personal answering link, derivable only by the holder of the person's page link (only its hash is
    stored). For an anonymous survey this is the public link: a personal link would tie the answers to the person."""
    survey = await get_survey(survey_id)
    if survey["anonymous"]:
        return public_url(survey)
    return f"{public_url(survey)}/i/{await _personal_invite(survey_id, participant_id, page_token)}"


async def _personal_invite(survey_id: int, participant_id: int, page_token: str) -> str:
    """The invite token derived from the page link, its hash stored on first use and rewritten after the page
    link was reissued (which ended the earlier invite link)."""
    row = await SurveyInvite.select(SurveyInvite.id, SurveyInvite.token).where(
        (SurveyInvite.survey == survey_id) & (SurveyInvite.participant == participant_id)
    ).first().run()
    if row is None:
        invite = SurveyInvite(survey=survey_id, participant=participant_id, token=token_hash(new_token()))
        await invite.save().run()
        row = {"id": invite.id, "token": invite.token}
    token = derive_invite_token(page_token, row["id"])
    if not same_hash(row["token"], token):
        await SurveyInvite.update({SurveyInvite.token: token_hash(token), SurveyInvite.created_at: clock.now()}).where(SurveyInvite.id == row["id"]).run()
    return token


async def open_surveys_for_participant(participant_id: int, page_token: str, now: datetime | None = None) -> list[dict[str, Any]]:
    """Open, published surveys of the programs a person is enrolled in, with their link, minus the ones they answered."""
    from server.enrolment.tables import Enrolment

    now = now or clock.now()
    programs = Enrolment.select(Enrolment.program).where(
        (Enrolment.participant == participant_id) & Enrolment.status.is_in(["enrolled", "completed"])
    )
    surveys = (
        await Survey.select(Survey.id, Survey.title, Survey.purpose, Survey.token, Survey.anonymous, Survey.opens_at, Survey.closes_at, Survey.published)
        .where(Survey.program.is_in(programs) & (Survey.published == True))  # noqa: E712
        .order_by(Survey.created_at)
        .run()
    )
    surveys = [s for s in surveys if availability(s, now) == "open"]
    named = [s["id"] for s in surveys if not s["anonymous"]]
    answered = set()
    if named:
        rows = await Response.select(Response.survey).where(Response.survey.is_in(named) & (Response.participant == participant_id)).run()
        answered = {row["survey"] for row in rows}
    found = []
    for survey in surveys:
        if survey["id"] in answered:
            continue
        if survey["anonymous"]:
            url = public_url(survey)
        else:
            url = f"{public_url(survey)}/i/{await _personal_invite(survey['id'], participant_id, page_token)}"
        found.append({"id": survey["id"], "title": survey["title"], "purpose": survey["purpose"], "closes_at": survey["closes_at"], "url": url})
    return found


async def entry_participants(staff: CurrentStaff, survey: dict[str, Any]) -> list[tuple[int, str]]:
    """People a facilitator may type a paper form in for: the program's participants, or everyone they may see."""
    rows = await list_participants(staff, program_id=survey["program"], limit=1000)
    return [(row["id"], row["display_name"]) for row in rows if row["anonymised_at"] is None]


_SLUG = re.compile(r"[^a-z0-9]+")


def option_value(label: str, taken: set[str]) -> str:
    """A stable stored value for an option label: lowercase ASCII words joined with underscores, made unique."""
    base = _SLUG.sub("_", label.lower()).strip("_")[:40] or "option"
    value, number = base, 2
    while value in taken:
        value = f"{base}_{number}"
        number += 1
    return value
