"""Follow-up after a case closes: checks planned at 1, 3 and 6 months, the job that invites the person to the
organisation's follow-up survey with a personal link when one is due, and each check's status for the case page.

A follow-up survey is the most recent published, named (not anonymous) survey with the purpose `follow_up` that is
not tied to a program and is open. Without one, due checks wait for it. A person answers a survey once: a check
that falls due after they answered the current follow-up survey is skipped (the organisation publishes a new one
for the next round)."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any

from server import clock
from server.cases.followup_tables import FollowUp
from server.db import transaction
from server.i18n import N_
from server.messages.recipients import participant_recipients, queue_to
from server.surveys.services.invitations import issue_sent_links
from server.surveys.services.questionnaires import availability, local_day
from server.surveys.tables import Response, Survey, SurveyInvite
from server.web.labels import LABELS

# Months after the closure at which the person is asked how they are doing.
MONTHS = (1, 3, 6)
# How many due checks one run of the job handles at most (the next run takes the rest).
BATCH = 200
STATUSES = {
    "planned": N_("Planned"),
    "sent": N_("Invitation sent"),
    "answered": N_("Answered"),
    "skipped": N_("Skipped"),
}
SKIP_REASONS = {
    "no_contact": N_("no consent to be contacted or no address"),
    "already_answered": N_("the current follow-up survey was already answered"),
    "superseded": N_("a later check was due at the same time"),
}
LABELS.register("case_followup_status", STATUSES)
LABELS.register("case_followup_skip", SKIP_REASONS)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 January + 1 → 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


async def plan_followups(case_id: int, closed_at: datetime) -> None:
    """The checks of a case closing at `closed_at`, counted from its date in the organisation's timezone. Called by
    close_case inside its transaction: a refused closure plans nothing."""
    closed_on = clock.organisation_today(closed_at)
    await FollowUp.insert(*(FollowUp(case=case_id, due_on=add_months(closed_on, n)) for n in MONTHS)).run()


async def list_followups(case_id: int) -> list[dict[str, Any]]:
    """The case's checks in date order, each sent one shown as answered as soon as the person's response to its
    survey exists (before the job records it). Two queries."""
    rows = (
        await FollowUp.select(
            FollowUp.id,
            FollowUp.due_on,
            FollowUp.status,
            FollowUp.skip_reason,
            FollowUp.sent_at,
            FollowUp.answered_at,
            FollowUp.survey,
            FollowUp.survey.title.as_alias("survey_title"),
            FollowUp.invite.participant.as_alias("participant"),
        )
        .where(FollowUp.case == case_id)
        .order_by(FollowUp.due_on)
        .order_by(FollowUp.id)
        .run()
    )
    sent = [row for row in rows if row["status"] == "sent" and row["participant"] is not None]
    if sent:
        responses = (
            await Response.select(Response.survey, Response.participant, Response.submitted_at)
            .where(
                Response.survey.is_in(sorted({row["survey"] for row in sent}))
                & (Response.participant == sent[0]["participant"])
            )
            .run()
        )
        first: dict[int, datetime] = {}
        for response in sorted(responses, key=lambda r: r["submitted_at"]):
            first.setdefault(response["survey"], response["submitted_at"])
        for row in sent:
            if row["survey"] in first:
                row["status"], row["answered_at"] = "answered", first[row["survey"]]
    return rows


async def current_followup_survey(now: datetime) -> dict[str, Any] | None:
    """The organisation's follow-up survey people are invited to now (see the module's docstring). One query."""
    candidates = (
        await Survey.select(Survey.id, Survey.token, Survey.opens_at, Survey.closes_at)
        .where(
            (Survey.purpose == "follow_up")
            & (Survey.published == True)  # noqa: E712 - a SQL comparison
            & (Survey.anonymous == False)  # noqa: E712 - a SQL comparison
            & Survey.program.is_null()
        )
        .order_by(Survey.created_at, ascending=False)
        .order_by(Survey.id, ascending=False)
        .limit(20)
        .run()
    )
    return next((survey for survey in candidates if availability(survey, now) == "open"), None)


async def record_answers() -> None:
    """Sent checks whose person has answered the survey become answered, in one statement."""
    followup, invite = FollowUp._meta.tablename, SurveyInvite._meta.tablename
    response = Response._meta.tablename
    responses = (
        f'FROM "{response}" r JOIN "{invite}" i ON r.survey = i.survey AND r.participant = i.participant '
        f'WHERE i.id = "{followup}".invite'
    )
    await FollowUp.raw(
        f"UPDATE \"{followup}\" SET status = 'answered', answered_at = (SELECT MIN(r.submitted_at) {responses}) "
        f"WHERE status = 'sent' AND invite IS NOT NULL AND EXISTS (SELECT 1 {responses})"
    ).run()


async def _skip(ids: list[int], reason: str) -> None:
    if ids:
        await (
            FollowUp.update({FollowUp.status: "skipped", FollowUp.skip_reason: reason})
            .where(FollowUp.id.is_in(ids) & (FollowUp.status == "planned"))
            .run()
        )


async def send_due_followups(now: datetime) -> int:
    """The periodic job: every planned check due today or earlier (in the organisation's timezone) is sent, as a
    `followup_invitation` message carrying a new personal link to the current follow-up survey, to a person who
    consents to be contacted; returns how many were queued. The same number of queries whatever the number of
    checks (besides the outbox's per message). Claiming (`planned` → `sent`) before issuing links makes it safe
    with several delivery loops, and the key `followup:{id}` queues each message once. One transaction: a failure
    leaves every check as it was and no link issued."""
    await record_answers()
    today = clock.organisation_today(now)
    due = (
        await FollowUp.select(FollowUp.id, FollowUp.case, FollowUp.due_on, FollowUp.case.participant.as_alias("person"))
        .where((FollowUp.status == "planned") & (FollowUp.due_on <= today))
        .order_by(FollowUp.due_on)
        .order_by(FollowUp.id)
        .limit(BATCH)
        .run()
    )
    if not due:
        return 0
    survey = await current_followup_survey(now)
    if survey is None:
        return 0
    # One invitation per person and run: of several checks due at once (after a pause, or two closed cases of one
    # person), the latest is sent; the others are skipped.
    latest: dict[int, dict[str, Any]] = {}
    for row in due:
        latest[row["person"]] = row
    superseded = [row["id"] for row in due if latest[row["person"]]["id"] != row["id"]]
    people = sorted({row["person"] for row in latest.values()})
    answered = {
        row["participant"]
        for row in await Response.select(Response.participant)
        .where((Response.survey == survey["id"]) & Response.participant.is_in(people))
        .run()
    }
    recipients = await participant_recipients([pid for pid in people if pid not in answered])
    already = [row["id"] for row in latest.values() if row["person"] in answered]
    no_contact = [row["id"] for row in latest.values() if row["person"] not in answered | set(recipients)]
    to_send = [row for row in latest.values() if row["person"] in recipients]
    async with transaction():
        await _skip(superseded, "superseded")
        await _skip(already, "already_answered")
        await _skip(no_contact, "no_contact")
        if not to_send:
            return 0
        claimed = {
            row["id"]
            for row in await FollowUp.update(
                {FollowUp.status: "sent", FollowUp.survey: survey["id"], FollowUp.sent_at: now}
            )
            .where(FollowUp.id.is_in([row["id"] for row in to_send]) & (FollowUp.status == "planned"))
            .returning(FollowUp.id)
            .run()
        }
        to_send = [row for row in to_send if row["id"] in claimed]
        links = await issue_sent_links(survey, [row["person"] for row in to_send], now)
        if to_send:
            # PostgreSQL types an untyped parameter in THEN as text: the invite id is cast.
            cases = " ".join("WHEN {} THEN CAST({} AS INTEGER)" for _ in to_send)
            args: list[Any] = []
            for row in to_send:
                args += [row["id"], links[row["person"]][0]]
            ids = ", ".join("{}" for _ in to_send)
            sql = f'UPDATE "{FollowUp._meta.tablename}" SET invite = CASE id {cases} END WHERE id IN ({ids})'
            await FollowUp.raw(sql, *args, *[row["id"] for row in to_send]).run()
        closes_on = local_day(survey["closes_at"], end=True)
        for row in to_send:
            await queue_to(
                recipients[row["person"]],
                key=f"followup:{row['id']}",
                template="followup_invitation",
                context={"survey_url": links[row["person"]][1], "closes_on": closes_on},
                timezone=clock.organisation_timezone(),
                now=now,
            )
        return len(to_send)
