"""Survey records: purposes and languages, opening dates and status, who may see and change a survey, creating
one (from scratch or from a ready-made template), editing and publishing it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.custom_types import Combinable
from piccolo.query.functions.aggregate import Count

from server import clock
from server.audit import record_audit
from server.config import SUPPORTED_LOCALES, settings
from server.db import transaction
from server.errors import DomainError, Forbidden, NotFound
from server.i18n import N_, gettext, translations
from server.people.tokens import new_token
from server.programs.services import can_manage, managed_program_ids
from server.programs.tables import Program
from server.surveys.services.languages import second_language, survey_translation, with_translation
from server.surveys.tables import Question, Response, Survey, SurveyInvite
from server.surveys.templates_data import TEMPLATES
from server.web.access import CurrentStaff
from server.web.labels import LABELS

PURPOSES = ("needs_assessment", "pre", "post", "session_feedback", "follow_up")
LANGUAGE_CHOICES = ("id,en", "id", "en")

LABELS.register(
    "survey_purpose",
    {
        "needs_assessment": N_("Needs assessment"),
        "pre": N_("Before the program (pre)"),
        "post": N_("After the program (post)"),
        "session_feedback": N_("Session feedback"),
        "follow_up": N_("Follow-up after the program or case"),
    },
)
LABELS.register(
    "survey_languages", {"id,en": N_("Indonesian and English"), "id": N_("Indonesian only"), "en": N_("English only")}
)
LABELS.register("survey_language", {"id": N_("Indonesian"), "en": N_("English")})
LABELS.register(
    "survey_status", {"draft": N_("Draft"), "scheduled": N_("Not open yet"), "open": N_("Open"), "closed": N_("Closed")}
)
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


def _words(text: str) -> str:
    return " ".join(text.split())


def consent_text(survey: dict[str, Any]) -> str:
    """The consent text a respondent reads, from the survey as shown in their language (`survey_in`: a bilingual
    survey's translated text where there is one). While the text is still a default (in any language, unedited),
    the respondent reads the default in their own language."""
    stored = _words(survey["consent_text"] or "")
    for message in DEFAULT_CONSENT.values():
        if any(stored == _words(translations(locale).gettext(message)) for locale in SUPPORTED_LOCALES):
            return gettext(message)
    return survey["consent_text"]


def privacy_statement(survey: dict[str, Any], min_group: int) -> str:
    """What happens to the answers, shown under the consent text: it quotes the same number the results use."""
    return gettext(PRIVACY_STATEMENT[bool(survey["anonymous"])], n=min_group)


# --- dates ---------------------------------------------------------------------------------------
# Surveys open and close on whole days in the organisation's timezone: open from the start of the opening day,
# closed from the end of the closing day.


def _zone() -> ZoneInfo:
    return ZoneInfo(clock.organisation_timezone())


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), _zone()).astimezone(UTC)


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


async def _list_where(staff: CurrentStaff) -> Any:
    ids = await managed_program_ids(staff)
    if ids is None:
        return Survey.id.is_not_null()
    return Survey.program.is_in(ids or [-1]) | (Survey.created_by == staff.id)


async def count_surveys(staff: CurrentStaff) -> int:
    """How many surveys the staff member's survey list holds."""
    return await Survey.count().where(await _list_where(staff)).run()


async def list_surveys(staff: CurrentStaff, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """The surveys of a staff member's programs and the ones they made, newest first, with their response counts;
    `limit`/`offset` for one page."""
    query = (
        Survey.select(
            Survey.id,
            Survey.title,
            Survey.purpose,
            Survey.program,
            Survey.program.title.as_alias("program_title"),
            Survey.published,
            Survey.opens_at,
            Survey.closes_at,
            Survey.anonymous,
            Survey.created_at,
        )
        .where(await _list_where(staff))
        .order_by(Survey.created_at, ascending=False)
        .order_by(Survey.id, ascending=False)
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
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
    rows = (
        await Response.select(Response.survey, Count())
        .where(Response.survey.is_in(survey_ids))
        .group_by(Response.survey)
        .run()
    )
    return {row["survey"]: row["count"] for row in rows}


async def program_choices(staff: CurrentStaff, keep: int | None = None) -> list[tuple[int, str]]:
    """Programs a survey may be attached to by this person: the ones they manage (and the survey's current one)."""
    ids = await managed_program_ids(staff)
    query = Program.select(Program.id, Program.title).order_by(Program.title)
    condition: Combinable = Program.archived == False  # noqa: E712
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
        translations=with_translation({}, second_language(values), survey_translation(values)),
    )
    async with transaction():
        await survey.save().run()
        await record_audit(
            actor, "create", "survey", survey.id, N_("survey created: %(title)s"), title=values["title"][:100]
        )
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
            N_(
                "Responses have already been collected, so whether this survey is anonymous can no longer change. "
                "Make a new survey instead."
            ),
            field="anonymous",
        )
    if (
        anonymous
        and not survey["anonymous"]
        and await SurveyInvite.exists().where(SurveyInvite.survey == survey["id"]).run()
    ):
        # Personal links were handed out as named: their holders may answer believing the survey names them, and
        # an answer through such a link must never be mistaken for an anonymous one.
        raise DomainError(
            "anonymity_invites",
            N_(
                "Personal links have already been made for this survey, so it cannot become anonymous. "
                "Make a new anonymous survey instead."
            ),
            field="anonymous",
        )
    second = second_language(values)
    # A survey switched to one language keeps its translations (they return if it becomes bilingual again).
    translations = (
        with_translation(survey["translations"], second, survey_translation(values))
        if second is not None
        else survey["translations"]
    )
    await (
        Survey.update(
            {
                Survey.translations: translations,
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
        )
        .where(Survey.id == survey["id"])
        .run()
    )


async def set_published(actor: CurrentStaff, survey: dict[str, Any], published: bool) -> None:
    if published and not await Question.exists().where(Question.survey == survey["id"]).run():
        raise DomainError("no_questions", N_("Add at least one question before publishing."))
    await (
        Survey.update({Survey.published: published, Survey.updated_at: clock.now()})
        .where(Survey.id == survey["id"])
        .run()
    )
    await record_audit(actor, "update", "survey", survey["id"], N_("published") if published else N_("unpublished"))


# --- ready-made templates --------------------------------------------------------------------------


async def create_from_template(actor: CurrentStaff, key: str, *, program_id: int | None, languages: str) -> list[int]:
    """Creates the template's survey (or its pre/post pair) with its questions, written in the survey's first
    language."""
    template = TEMPLATES.get(key)
    if template is None:
        raise DomainError("bad_template", N_("Choose one of the options."), field="template")
    if languages not in LANGUAGE_CHOICES:
        raise DomainError("bad_languages", N_("Choose one of the options."), field="languages")
    await _check_program(actor, program_id)
    text = translations(languages.split(",")[0]).gettext
    # A bilingual survey gets the template's texts in its second language too, from the same catalogs.
    second = second_language({"languages": languages})
    other = translations(second).gettext if second else None

    def translated(entry: dict[str, Any]) -> dict[str, Any]:
        return {second: entry} if second else {}

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
                translations=translated(
                    {
                        "title": other(part["title"]),
                        "intro": other(part["intro"]),
                        "consent_text": other(part.get("consent") or DEFAULT_CONSENT[part["anonymous"]]),
                    }
                    if other
                    else {}
                ),
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
                        translations=translated(_template_question(spec, other) if other else {}),
                    )
                )
            await Question.insert(*rows).run()
            # Conditions name the trigger by code in the template; ids exist only now.
            ids = {
                row["code"]: row["id"]
                for row in await Question.select(Question.id, Question.code).where(Question.survey == survey.id).run()
            }
            for spec in part["questions"]:
                if spec.get("show_if"):
                    code, value = spec["show_if"]
                    await (
                        Question.update({Question.show_if_question: ids[code], Question.show_if_value: value})
                        .where((Question.survey == survey.id) & (Question.code == spec["code"]))
                        .run()
                    )
            await record_audit(
                actor, "create", "survey", survey.id, N_("survey created from template %(template)s"), template=key
            )
            created.append(survey.id)
    return created


def _template_question(spec: dict[str, Any], text: Any) -> dict[str, Any]:
    """A template question's texts in another language, in the shape services/languages keeps."""
    entry: dict[str, Any] = {"text": text(spec["text"])}
    if spec.get("help"):
        entry["help"] = text(spec["help"])
    if spec.get("options"):
        entry["options"] = {value: text(label) for value, label in spec["options"]}
    return entry
