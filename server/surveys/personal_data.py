"""What the surveys feature holds about a participant: their named responses with the answers, and their invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server.personal_data import PersonalData, Record, register
from server.surveys.kinds import KINDS
from server.surveys.tables import Answer, Question, Response, SurveyInvite


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def _responses(participant_id: int) -> list[Record]:
    """Responses to named surveys (anonymous ones keep no identifier, so they cannot be found, nor given back)."""
    responses = (
        await Response.select(
            Response.id,
            Response.submitted_at,
            Response.language,
            Response.survey.title.as_alias("survey"),
        )
        .where(Response.participant == participant_id)
        .order_by(Response.submitted_at)
        .order_by(Response.id)
        .run()
    )
    answers: list[dict[str, Any]] = []
    if responses:
        answers = (
            await Answer.select(
                Answer.response,
                Answer.value_text,
                Answer.value_number,
                Answer.question.text.as_alias("question"),
            )
            .where(Answer.response.is_in([r["id"] for r in responses]))
            .order_by(Answer.question.position)
            .order_by(Answer.id)
            .run()
        )
    return [
        {
            "survey": r["survey"],
            "submitted_at": _when(r["submitted_at"]),
            "language": r["language"],
            "answers": [
                {"question": a["question"], "text": a["value_text"], "number": a["value_number"]}
                for a in answers
                if a["response"] == r["id"]
            ],
        }
        for r in responses
    ]


async def _anonymise_responses(participant_id: int, now: datetime) -> None:
    """The responses stay in the survey's results as anonymous ones, like those of an anonymous survey; written
    answers go, since free text can name the person."""
    named = Response.select(Response.id).where(Response.participant == participant_id)
    text_questions = Question.select(Question.id).where(
        Question.kind.is_in([name for name, kind in KINDS.items() if kind.free_text])
    )
    await Answer.delete().where(Answer.response.is_in(named) & Answer.question.is_in(text_questions)).run()
    await Response.update({Response.participant: None}).where(Response.participant == participant_id).run()


async def _invites(participant_id: int) -> list[Record]:
    rows = (
        await SurveyInvite.select(
            SurveyInvite.created_at,
            SurveyInvite.used_at,
            SurveyInvite.survey.title.as_alias("survey"),
        )
        .where(SurveyInvite.participant == participant_id)
        .order_by(SurveyInvite.id)
        .run()
    )
    return [{"survey": r["survey"], "created_at": _when(r["created_at"]), "used_at": _when(r["used_at"])} for r in rows]


async def _erase_invites(participant_id: int, now: datetime) -> None:
    await SurveyInvite.delete().where(SurveyInvite.participant == participant_id).run()


RESPONSES = register(PersonalData("survey_responses", (Response, Answer), _responses, _anonymise_responses))
INVITES = register(PersonalData("survey_invites", (SurveyInvite,), _invites, _erase_invites))
