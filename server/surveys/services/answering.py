"""Answering: a survey by its public link, the submission key that proves consent and stops double submissions,
storing a response (from the public form or typed in from paper), and who a paper form may be typed in for."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
from datetime import datetime
from typing import Any

from server import clock
from server.config import settings
from server.db import transaction
from server.enrolment.participant_access import list_participants
from server.surveys.tables import Answer, Response, Survey, SurveyInvite
from server.web.access import CurrentStaff


def new_public_id() -> str:
    """A response's name in exports of an anonymous survey: random, so it says nothing of the order of
    submission, and starting with a letter, so a spreadsheet never reads it as a number (sixteen digits lose
    their last ones; "1e5…" becomes a power of ten)."""
    return secrets.choice(string.ascii_lowercase) + secrets.token_hex(8)[:15]


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
    return (
        await Response.exists().where((Response.survey == survey_id) & (Response.participant == participant_id)).run()
    )


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
                public_id=new_public_id(),
            )
            await response.save().run()
            if answers:
                await Answer.insert(
                    *(
                        Answer(response=response.id, question=qid, value_text=text, value_number=number)
                        for qid, text, number in answers
                    )
                ).run()
            if invite_id is not None:
                await SurveyInvite.update({SurveyInvite.used_at: now}).where(SurveyInvite.id == invite_id).run()
    except Exception:
        # Two submissions of the same form racing each other: the unique key lets only one in.
        if await Response.exists().where(Response.submission_key == submission_key).run():
            return False
        raise
    return True


async def entry_participants(staff: CurrentStaff, survey: dict[str, Any]) -> list[tuple[int, str]]:
    """People a facilitator may type a paper form in for: the program's participants, or everyone they may see."""
    rows = await list_participants(staff, program_id=survey["program"], limit=1000)
    return [(row["id"], row["display_name"]) for row in rows if row["anonymised_at"] is None]
