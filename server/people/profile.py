"""The optional "about you" answers of a participant (gender, year of birth, disability, area), kept only under
consent to data collection, and the pure rules that turn them into report groups (age group, disability)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server import clock
from server.audit import record_audit
from server.db import participant_changed, transaction
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.people.consent import active_consents
from server.people.tables import Participant
from server.web.access import CurrentStaff
from server.web.labels import LABELS

GENDERS = ("female", "male", "another", "unsaid")
# The Washington Group Short Set: six questions, each answered on the same four-step scale.
WG_QUESTIONS = ("seeing", "hearing", "walking", "remembering", "self_care", "communicating")
WG_ANSWERS = ("1", "2", "3", "4")  # no difficulty | some difficulty | a lot of difficulty | cannot do at all
# The Washington Group's recommended cut-off: "a lot of difficulty" or "cannot do at all" in any domain.
WG_DISABILITY = ("3", "4")
# Age groups at report time: (code, lowest age, highest age or None).
AGE_GROUPS = (("0-17", 0, 17), ("18-24", 18, 24), ("25-59", 25, 59), ("60+", 60, None))
EARLIEST_BIRTH_YEAR = 1900
MAX_AREA = 120

LABELS.register(
    "gender",
    {"female": N_("Female"), "male": N_("Male"), "another": N_("Another gender"), "unsaid": N_("Prefer not to say")},
)
LABELS.register(
    "wg_question",
    {
        "seeing": N_("Do you have difficulty seeing, even if wearing glasses?"),
        "hearing": N_("Do you have difficulty hearing, even if using a hearing aid?"),
        "walking": N_("Do you have difficulty walking or climbing steps?"),
        "remembering": N_("Do you have difficulty remembering or concentrating?"),
        "self_care": N_("Do you have difficulty with self-care, such as washing all over or dressing?"),
        "communicating": N_(
            "Using your usual language, do you have difficulty communicating, for example understanding or being "
            "understood?"
        ),
    },
)
LABELS.register(
    "wg_answer",
    {
        "1": N_("No difficulty"),
        "2": N_("Some difficulty"),
        "3": N_("A lot of difficulty"),
        "4": N_("Cannot do at all"),
    },
)


def age_group(birth_year: int | None, year: int) -> str:
    """The age group of someone born in `birth_year` during `year` (the age they reach that year), or "" unknown."""
    if birth_year is None or birth_year > year:
        return ""
    age = year - birth_year
    for code, lowest, highest in AGE_GROUPS:
        if age >= lowest and (highest is None or age <= highest):
            return code
    return ""


def disability_code(answers: Mapping[str, str]) -> str:
    """The six answers as one stored code, in WG_QUESTIONS order; "" unless all six were answered."""
    values = [answers.get(question) or "" for question in WG_QUESTIONS]
    if not all(value in WG_ANSWERS for value in values):
        return ""
    return "".join(values)


def disability_answers(code: str) -> dict[str, str]:
    """The stored code back as {question: answer} (empty answers when none was recorded)."""
    if len(code or "") != len(WG_QUESTIONS):
        return {question: "" for question in WG_QUESTIONS}
    return dict(zip(WG_QUESTIONS, code, strict=True))


def disability_status(code: str) -> str:
    """ "yes" when any answer is "a lot of difficulty" or "cannot do at all", "no" otherwise, "" when not asked."""
    if len(code or "") != len(WG_QUESTIONS) or not all(value in WG_ANSWERS for value in code):
        return ""
    return "yes" if any(value in WG_DISABILITY for value in code) else "no"


def normal_area(area: str) -> str:
    """An area as typed, single-spaced."""
    return " ".join((area or "").split())[:MAX_AREA]


async def may_collect(participant_id: int) -> bool:
    """Whether the person's consent to data collection is in force (the answers are asked and kept only then)."""
    return "data_collection" in (await active_consents([participant_id])).get(participant_id, set())


async def about(participant_id: int) -> dict[str, Any]:
    """The person's answers, for their form and their data download."""
    row = (
        await Participant.select(Participant.gender, Participant.birth_year, Participant.disability, Participant.area)
        .where(Participant.id == participant_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("participant")
    return {
        "gender": row["gender"],
        "birth_year": row["birth_year"],
        "area": row["area"],
        **{f"wg_{question}": answer for question, answer in disability_answers(row["disability"]).items()},
    }


def check_about(values: Mapping[str, Any], year: int) -> dict[str, Any]:
    """The stored columns of a set of answers, or a DomainError naming the field that is wrong."""
    gender = values.get("gender") or ""
    if gender and gender not in GENDERS:
        raise DomainError("bad_gender", N_("Choose one of the options."), field="gender")
    birth_year = values.get("birth_year")
    if birth_year is not None and not EARLIEST_BIRTH_YEAR <= int(birth_year) <= year:
        raise DomainError(
            "bad_birth_year",
            N_("Enter a year of birth between %(first)s and %(last)s."),
            field="birth_year",
            first=EARLIEST_BIRTH_YEAR,
            last=year,
        )
    answers = {question: values.get(f"wg_{question}") or "" for question in WG_QUESTIONS}
    given = [question for question, answer in answers.items() if answer]
    for question in given:
        if answers[question] not in WG_ANSWERS:
            raise DomainError("bad_answer", N_("Choose one of the options."), field=f"wg_{question}")
    if given and len(given) < len(WG_QUESTIONS):
        missing = next(question for question in WG_QUESTIONS if not answers[question])
        raise DomainError(
            "wg_incomplete", N_("Answer all six questions about difficulties, or none."), field=f"wg_{missing}"
        )
    return {
        "gender": gender,
        "birth_year": int(birth_year) if birth_year is not None else None,
        "disability": disability_code(answers),
        "area": normal_area(values.get("area") or ""),
    }


async def save_about(participant_id: int, values: Mapping[str, Any], *, actor: CurrentStaff | None) -> None:
    """Saves the answers (all or nothing) when consent to data collection is in force; refused (409) without it,
    so nothing is ever stored that the person did not agree to."""
    row = await Participant.select(Participant.anonymised_at).where(Participant.id == participant_id).first().run()
    if row is None:
        raise NotFound("participant")
    if row["anonymised_at"] is not None:
        raise DomainError("anonymised", N_("This person's data has been erased."))
    now = clock.now()
    checked = check_about(values, clock.organisation_today(now).year)
    if not await may_collect(participant_id):
        raise DomainError(
            "no_data_consent",
            N_("These answers are kept only with consent to recording information. Nothing was saved."),
        )
    updates = {getattr(Participant, key): value for key, value in checked.items()}
    async with transaction():
        await Participant.update({**updates, Participant.updated_at: now}).where(Participant.id == participant_id).run()
        # The kept breakdowns of who was served group people by these answers.
        await participant_changed(participant_id)
        # The audit says that the answers changed, never what they are.
        await record_audit(actor, "update", "participant", participant_id, N_("changed: %(fields)s"), fields="about")
