"""Survey invitations by message: inviting a program's enrolled people with a personal link, and the one reminder.

Links are stored hashed, so a message can carry one only when it is issued. The sent link is a second random token
of the person's invite (`SurveyInvite.sent_token`), next to the one derived from their personal page, so that
opening the personal page does not end the link in the message. The reminder cannot repeat the first link (only
its hash is kept): it issues a new one, which ends the first, and says so."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from server import audit, clock, privacy
from server.db import transaction
from server.enrolment.tables import Enrolment
from server.errors import DomainError
from server.i18n import N_
from server.messages.recipients import Recipient, participant_recipients, queue_to
from server.people.tokens import new_token, token_hash
from server.programs.tables import Program
from server.surveys.services.questionnaires import availability, local_day, public_url
from server.surveys.tables import Response, SurveyInvite

# The reminder goes this long after the invitation, to those who have not answered, while the survey is open.
REMINDER_AFTER = timedelta(days=3)
# How many reminders one run of the job sends at most (the next run takes the rest).
REMINDER_BATCH = 200


def _link(survey: dict[str, Any], token: str) -> str:
    return f"{public_url(survey)}/i/{token}"


def _context(program: dict[str, Any], survey: dict[str, Any], link: str) -> dict[str, Any]:
    # The survey's own title is not in the message: it may name what a discreet program is about. The program is
    # named by the privacy policy's title for a message.
    viewer = privacy.participant_viewer(enrolled=True)
    return {
        "program_title": privacy.title(program, viewer, privacy.MESSAGE),
        "survey_url": link,
        # The last day to answer, in the organisation's days as the survey's form shows them.
        "closes_on": local_day(survey["closes_at"], end=True),
    }


async def _set_sent_tokens(tokens: dict[int, str], now: datetime, *, reminder: bool) -> None:
    """Stores the hashes of newly issued links in one statement, whatever their number."""
    if not tokens:
        return
    cases = " ".join("WHEN {} THEN {}" for _ in tokens)
    args: list[Any] = []
    for invite_id, token in tokens.items():
        args += [invite_id, token_hash(token)]
    column = "reminded_at" if reminder else "sent_at"
    ids = ", ".join("{}" for _ in tokens)
    sql = f"UPDATE survey_invite SET sent_token = CASE id {cases} END, {column} = {{}} WHERE id IN ({ids})"
    await SurveyInvite.raw(sql, *args, now, *tokens).run()


async def invite_enrolled(actor: Any, survey: dict[str, Any], now: datetime | None = None) -> int:
    """Sends everyone enrolled in the survey's program who may be contacted, has not answered and has not been
    invited by message yet, their personal link (key `survey:{invite}`), in one transaction; returns how many.
    An anonymous survey has no personal links (they would tie answers to people): it is refused."""
    now = now or clock.now()
    if survey["anonymous"]:
        raise DomainError("survey_invite_anonymous", N_("An anonymous survey has no personal links: share its link."))
    if not survey["program"]:
        raise DomainError("survey_invite_program", N_("Only a survey of a program can be sent to its participants."))
    if not survey["published"] or availability(survey, now) != "open":
        raise DomainError("survey_invite_closed", N_("Only an open, published survey can be sent."))
    async with transaction():
        program = await Program.select().where(Program.id == survey["program"]).first().run()
        if program is None:  # the survey's program is a foreign key: deleted with it
            raise DomainError(
                "survey_invite_program", N_("Only a survey of a program can be sent to its participants.")
            )
        enrolled = Enrolment.select(Enrolment.participant).where(
            (Enrolment.program == survey["program"]) & (Enrolment.status == "enrolled")
        )
        ids = [row["participant"] for row in await enrolled.run()]
        answered = {
            row["participant"]
            for row in await Response.select(Response.participant)
            .where((Response.survey == survey["id"]) & Response.participant.is_in(ids or [0]))
            .run()
        }
        recipients = await participant_recipients([pid for pid in ids if pid not in answered])
        invites = {
            row["participant"]: row
            for row in await SurveyInvite.select(SurveyInvite.id, SurveyInvite.participant, SurveyInvite.sent_at)
            .where((SurveyInvite.survey == survey["id"]) & SurveyInvite.participant.is_in(list(recipients) or [0]))
            .run()
        }
        missing = [pid for pid in recipients if pid not in invites]
        if missing:
            # A placeholder for the page-derived hash, as server/surveys/services/invites.py makes it.
            rows = [
                SurveyInvite(survey=survey["id"], participant=pid, token=token_hash(new_token())) for pid in missing
            ]
            for row in await SurveyInvite.insert(*rows).returning(SurveyInvite.id, SurveyInvite.participant).run():
                invites[row["participant"]] = {"id": row["id"], "participant": row["participant"], "sent_at": None}
        to_send = {invites[pid]["id"]: recipients[pid] for pid in recipients if invites[pid]["sent_at"] is None}
        tokens = {invite_id: new_token() for invite_id in to_send}
        await _set_sent_tokens(tokens, now, reminder=False)
        for invite_id, recipient in to_send.items():
            await _queue(recipient, "survey_invitation", f"survey:{invite_id}", program, survey, tokens[invite_id], now)
        await audit.record_audit(
            actor,
            "survey_invited",
            "survey",
            survey["id"],
            N_("Survey invitation sent to %(count)s participants"),
            count=len(to_send),
        )
    return len(to_send)


async def _queue(
    recipient: Recipient,
    template: str,
    key: str,
    program: dict[str, Any],
    survey: dict[str, Any],
    token: str,
    now: datetime,
) -> None:
    await queue_to(
        recipient,
        key=key,
        template=template,
        context=_context(program, survey, _link(survey, token)),
        program_id=program["id"],
        timezone=program["timezone"],
        now=now,
    )


async def send_survey_reminders(now: datetime) -> int:
    """The periodic job: one reminder, `REMINDER_AFTER` the invitation, to those invited by message who have not
    answered, while the survey is open and published. The same number of queries whatever the number of people
    (besides one insert per message queued). Claiming (`reminded_at`) before reissuing the link makes it safe with
    several delivery loops: a loop that lost the claim issues nothing, so no sent link is overwritten.

    Someone who no longer consents to be contacted (or has no address) when the reminder is due gets none, and the
    invite stays claimed: retrying would fill every batch with the same people and starve the rest, and a reminder
    days later is no longer the one reminder the invitation promised. Their first link keeps working (no new one
    is issued), and the audit log records, on the person, that the reminder was not sent and why."""
    due = (
        await SurveyInvite.select(
            SurveyInvite.id,
            SurveyInvite.participant,
            SurveyInvite.survey,
            SurveyInvite.survey.token.as_alias("survey_token"),
            SurveyInvite.survey.program.as_alias("program"),
            SurveyInvite.survey.opens_at.as_alias("opens_at"),
            SurveyInvite.survey.closes_at.as_alias("closes_at"),
        )
        .where(
            (SurveyInvite.sent_at <= now - REMINDER_AFTER)
            & SurveyInvite.reminded_at.is_null()
            & SurveyInvite.used_at.is_null()
            & (SurveyInvite.survey.published == True)  # noqa: E712
            & (SurveyInvite.survey.anonymous == False)  # noqa: E712
        )
        .order_by(SurveyInvite.id)
        .limit(REMINDER_BATCH)
        .run()
    )
    due = [row for row in due if availability(row, now) == "open" and row["program"]]
    if not due:
        return 0
    async with transaction():
        answered = {
            (row["survey"], row["participant"])
            for row in await Response.select(Response.survey, Response.participant)
            .where(
                Response.survey.is_in(sorted({row["survey"] for row in due}))
                & Response.participant.is_in(sorted({row["participant"] for row in due}))
            )
            .run()
        }
        due = [row for row in due if (row["survey"], row["participant"]) not in answered]
        if not due:
            return 0
        ids = [row["id"] for row in due]
        claimed = {
            row["id"]
            for row in await SurveyInvite.update({SurveyInvite.reminded_at: now})
            .where(SurveyInvite.id.is_in(ids) & SurveyInvite.reminded_at.is_null())
            .returning(SurveyInvite.id)
            .run()
        }
        due = [row for row in due if row["id"] in claimed]
        recipients = await participant_recipients([row["participant"] for row in due])
        for row in due:
            if row["participant"] not in recipients:
                await audit.record_audit(
                    None,
                    "survey_reminder_not_sent",
                    "participant",
                    row["participant"],
                    N_("Survey reminder not sent (survey %(survey)s): no consent to be contacted or no address"),
                    survey=row["survey"],
                )
        due = [row for row in due if row["participant"] in recipients]
        programs = {
            row["id"]: row
            for row in await Program.select().where(Program.id.is_in(sorted({r["program"] for r in due}) or [0])).run()
        }
        tokens = {row["id"]: new_token() for row in due}
        await _set_sent_tokens(tokens, now, reminder=True)
        for row in due:
            survey = {"token": row["survey_token"], "closes_at": row["closes_at"]}
            program = programs[row["program"]]
            recipient = recipients[row["participant"]]
            await _queue(
                recipient, "survey_reminder", f"survey-reminder:{row['id']}", program, survey, tokens[row["id"]], now
            )
    return len(due)


async def issue_sent_links(
    survey: dict[str, Any], participant_ids: list[int], now: datetime
) -> dict[int, tuple[int, str]]:
    """Issues a personal link by message to each person for the survey, inside the caller's transaction: their
    invite (made when missing) gets a new sent link, which ends any link sent before. Returns, per person, the
    invite's id and the link, to be put in the message now (only its hash is kept). Three queries whatever the
    number of people. For features that invite people one by one on their own schedule (a case's follow-up)."""
    if not participant_ids:
        return {}
    invites = {
        row["participant"]: row["id"]
        for row in await SurveyInvite.select(SurveyInvite.id, SurveyInvite.participant)
        .where((SurveyInvite.survey == survey["id"]) & SurveyInvite.participant.is_in(participant_ids))
        .run()
    }
    missing = [pid for pid in participant_ids if pid not in invites]
    if missing:
        # A placeholder for the page-derived hash, as server/surveys/services/invites.py makes it.
        rows = [SurveyInvite(survey=survey["id"], participant=pid, token=token_hash(new_token())) for pid in missing]
        for row in await SurveyInvite.insert(*rows).returning(SurveyInvite.id, SurveyInvite.participant).run():
            invites[row["participant"]] = row["id"]
    tokens = {invites[pid]: new_token() for pid in participant_ids}
    await _set_sent_tokens(tokens, now, reminder=False)
    return {pid: (invites[pid], _link(survey, tokens[invites[pid]])) for pid in participant_ids}
