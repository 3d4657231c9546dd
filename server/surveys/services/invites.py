"""Personal answering links: derived from a person's personal-page link so that their pre and post answers pair
up, found again by their hash, and the open surveys a person's personal page lists with their links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import clock
from server.enrolment.tables import Enrolment
from server.i18n import get_locale
from server.people.tables import AccessToken, Participant
from server.people.tokens import invite_token as derive_invite_token
from server.people.tokens import new_token, plausible, same_hash, token_hash
from server.surveys.services.languages import survey_in
from server.surveys.services.questionnaires import availability, get_survey, public_url
from server.surveys.tables import Response, Survey, SurveyInvite


async def invite_by_token(survey: dict[str, Any], invite_token: str) -> dict[str, Any] | None:
    """A personal invitation by its link (looked up by hash): the one derived from the person's personal link, or
    the one sent by message. Either lives only as long as the person's personal link of that moment: reissuing or
    revoking that link ends it too."""
    if not plausible(invite_token):
        return None
    digest = token_hash(invite_token)
    row = (
        await SurveyInvite.select()
        .where(
            ((SurveyInvite.token == digest) | (SurveyInvite.sent_token == digest))
            & (SurveyInvite.survey == survey["id"])
        )
        .first()
        .run()
    )
    if row is None:
        return None
    if row["sent_token"] is not None and same_hash(row["sent_token"], invite_token):
        return dict(row, token=invite_token) if await _sent_link_alive(row) else None
    if not same_hash(row["token"], invite_token):
        return None
    page = (
        await AccessToken.select(AccessToken.created_at)
        .where(
            (AccessToken.participant == row["participant"])
            & (AccessToken.kind == "participant_page")
            & AccessToken.revoked_at.is_null()
        )
        .order_by(AccessToken.created_at, ascending=False)
        .first()
        .run()
    )
    # The invite's hash is (re)written from the person's current page link; one older than that link is dead.
    if page is None or row["created_at"] < page["created_at"]:
        return None
    return dict(row, token=invite_token)  # the holder's own link, for building the form's addresses


async def _sent_link_alive(row: dict[str, Any]) -> bool:
    """A link sent by message dies when the person's personal links are reissued or revoked after it was sent
    (someone may have had their phone taken); someone who never had a personal link keeps it."""
    later = (
        (AccessToken.participant == row["participant"])
        & (AccessToken.kind == "participant_page")
        & ((AccessToken.created_at > row["sent_at"]) | (AccessToken.revoked_at > row["sent_at"]))
    )
    return not await AccessToken.exists().where(later).run()


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
    row = (
        await SurveyInvite.select(SurveyInvite.id, SurveyInvite.token)
        .where((SurveyInvite.survey == survey_id) & (SurveyInvite.participant == participant_id))
        .first()
        .run()
    )
    if row is None:
        invite = SurveyInvite(survey=survey_id, participant=participant_id, token=token_hash(new_token()))
        await invite.save().run()
        row = {"id": invite.id, "token": invite.token}
    token = derive_invite_token(page_token, row["id"])
    if not same_hash(row["token"], token):
        await (
            SurveyInvite.update({SurveyInvite.token: token_hash(token), SurveyInvite.created_at: clock.now()})
            .where(SurveyInvite.id == row["id"])
            .run()
        )
    return token


async def open_surveys_for_participant(
    participant_id: int, page_token: str, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Open, published surveys of the programs a person is enrolled in, with their link, minus the ones they
    answered."""
    now = now or clock.now()
    programs = Enrolment.select(Enrolment.program).where(
        (Enrolment.participant == participant_id) & Enrolment.status.is_in(["enrolled", "completed"])
    )
    surveys = (
        await Survey.select(
            Survey.id,
            Survey.title,
            Survey.languages,
            Survey.translations,
            Survey.purpose,
            Survey.token,
            Survey.anonymous,
            Survey.opens_at,
            Survey.closes_at,
            Survey.published,
        )
        .where(Survey.program.is_in(programs) & (Survey.published == True))  # noqa: E712
        .order_by(Survey.created_at)
        .output(load_json=True)
        .run()
    )
    surveys = [s for s in surveys if availability(s, now) == "open"]
    named = [s["id"] for s in surveys if not s["anonymous"]]
    answered = set()
    if named:
        rows = (
            await Response.select(Response.survey)
            .where(Response.survey.is_in(named) & (Response.participant == participant_id))
            .run()
        )
        answered = {row["survey"] for row in rows}
    found = []
    for survey in surveys:
        if survey["id"] in answered:
            continue
        if survey["anonymous"]:
            url = public_url(survey)
        else:
            url = f"{public_url(survey)}/i/{await _personal_invite(survey['id'], participant_id, page_token)}"
        found.append(
            {
                "id": survey["id"],
                # The personal page is in the person's language: a bilingual survey's title too.
                "title": survey_in(survey, get_locale())["title"],
                "purpose": survey["purpose"],
                "closes_at": survey["closes_at"],
                "url": url,
            }
        )
    return found


async def invite_language(invite: dict[str, Any]) -> str | None:
    """The language the invited person prefers, for their answering page."""
    row = (
        await Participant.select(Participant.preferred_locale)
        .where(Participant.id == invite["participant"])
        .first()
        .run()
    )
    return row["preferred_locale"] if row else None
