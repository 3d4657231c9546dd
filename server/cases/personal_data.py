"""What case files hold about a participant: their cases, assessments, case notes and referrals, in the download and
erasure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from server import privacy
from server.cases.followup_tables import FollowUp
from server.cases.plan_personal_data import PLAN_TABLES, erase_plans, plan_records
from server.cases.referral_tables import Referral
from server.cases.tables import Case, CaseAssessment, CaseNote, CaseRating
from server.personal_data import PersonalData, Record, register


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


# The person's own words, the status, the outcome and the ratings of their situation are about them and theirs to
# take. What staff wrote for staff — case notes and the notes on each rating — follows the privacy policy's NOTES
# row for the person themself (privacy.SELF, EXPORT: "no", as for the confidential notes on their record): the
# download says when a note was written and of which kind, so the person knows it exists and can ask for it through
# the organisation, which decides what may be released (a note may name someone else).
def _notes_released() -> bool:
    return privacy.may_see(privacy.SELF, privacy.EXPORT, privacy.NOTES)


async def _cases(participant_id: int) -> list[Record]:
    cases = (
        await Case.select(
            Case.id,
            Case.status,
            Case.opened_at,
            Case.closed_at,
            Case.outcome,
            Case.own_words,
            Case.case_worker.display_name.as_alias("case_worker"),
        )
        .where(Case.participant == participant_id)
        .order_by(Case.opened_at)
        .run()
    )
    ids = [case["id"] for case in cases] or [-1]
    ratings = (
        await CaseRating.select(
            CaseRating.assessment.case.as_alias("case"),
            CaseRating.assessment.assessed_on.as_alias("assessed_on"),
            CaseRating.domain,
            CaseRating.rating,
            CaseRating.note,
        )
        .where(CaseRating.assessment.case.is_in(ids))
        .order_by(CaseRating.assessment.assessed_on)
        .order_by(CaseRating.id)
        .run()
    )
    notes = (
        await CaseNote.select(CaseNote.case, CaseNote.written_at, CaseNote.kind, CaseNote.text)
        .where(CaseNote.case.is_in(ids))
        .order_by(CaseNote.written_at)
        .run()
    )
    referrals = (
        await Referral.select(
            Referral.case,
            Referral.partner.name.as_alias("partner"),
            Referral.program.title.as_alias("program_title"),
            Referral.program.public_title.as_alias("program_public_title"),
            Referral.program.discreet.as_alias("program_discreet"),
            Referral.reason,
            Referral.shares_named_details,
            Referral.status,
            Referral.follow_up_on,
            Referral.created_at,
            Referral.closed_at,
        )
        .where(Referral.case.is_in(ids))
        .order_by(Referral.created_at)
        .run()
    )
    released = _notes_released()
    plans = await plan_records([case["id"] for case in cases], notes_released=released)

    # A follow-up check holds only dates and a status; the answers are the person's survey responses.
    follow_ups = (
        await FollowUp.select(FollowUp.case, FollowUp.due_on, FollowUp.status, FollowUp.sent_at)
        .where(FollowUp.case.is_in(ids))
        .order_by(FollowUp.due_on)
        .run()
    )

    def rating(row: dict[str, Any]) -> Record:
        record = {"assessed_on": _when(row["assessed_on"]), "domain": row["domain"], "rating": row["rating"]}
        if released:
            record["note"] = row["note"]
        return record

    def note(row: dict[str, Any]) -> Record:
        record = {"written_at": _when(row["written_at"]), "kind": row["kind"]}
        if released:
            record["text"] = row["text"]
        return record

    def referral(row: dict[str, Any]) -> Record:
        record = {
            "to": row["partner"] or privacy.title(row, privacy.SELF, privacy.EXPORT) or "",
            "shares_named_details": row["shares_named_details"],
            "status": row["status"],
            "sent_at": _when(row["created_at"]),
            "follow_up_on": _when(row["follow_up_on"]),
            "closed_at": _when(row["closed_at"]),
        }
        if released:
            record["reason"] = row["reason"]
        return record

    return [
        {
            "status": case["status"],
            "opened_at": _when(case["opened_at"]),
            "closed_at": _when(case["closed_at"]),
            "outcome": case["outcome"],
            "case_worker": case["case_worker"] or "",
            "own_words": case["own_words"],
            "assessment_ratings": [rating(r) for r in ratings if r["case"] == case["id"]],
            "case_notes": [note(n) for n in notes if n["case"] == case["id"]],
            **plans[case["id"]],
            "referrals": [referral(r) for r in referrals if r["case"] == case["id"]],
            "follow_ups": [
                {"due_on": _when(f["due_on"]), "status": f["status"], "sent_at": _when(f["sent_at"])}
                for f in follow_ups
                if f["case"] == case["id"]
            ],
        }
        for case in cases
    ]


async def _erase(participant_id: int, now: datetime) -> None:
    """The words go — the person's own, the notes, the notes on ratings; the case, its dates, outcome and ratings
    stay under the person's number, so the organisation's counts of cases and outcomes still add up."""
    cases = Case.select(Case.id).where(Case.participant == participant_id)
    assessments = CaseAssessment.select(CaseAssessment.id).where(CaseAssessment.case.is_in(cases))
    await CaseNote.update({CaseNote.text: ""}).where(CaseNote.case.is_in(cases)).run()
    await erase_plans(cases)
    await Referral.update({Referral.reason: "", Referral.updated_at: now}).where(Referral.case.is_in(cases)).run()
    await CaseRating.update({CaseRating.note: ""}).where(CaseRating.assessment.is_in(assessments)).run()
    await (
        Case.update({Case.own_words: "", Case.crisis: False, Case.updated_at: now})
        .where(Case.participant == participant_id)
        .run()
    )


CASES = register(
    PersonalData(
        "cases", (Case, CaseAssessment, CaseRating, CaseNote, *PLAN_TABLES, Referral, FollowUp), _cases, _erase
    )
)
