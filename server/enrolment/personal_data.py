"""What the enrolment feature holds about a participant: enrolments and their history, RSVPs, and the legacy
individual goals and progress notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import privacy
from server.enrolment.tables import Enrolment, EnrolmentChange, IndividualGoal, ProgressNote, Rsvp
from server.personal_data import PersonalData, Record, register


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _title(row: dict[str, Any]) -> str:
    return privacy.title(row, privacy.SELF, privacy.EXPORT)


async def _enrolments(participant_id: int) -> list[Record]:
    rows = (
        await Enrolment.select(
            Enrolment.status,
            Enrolment.requested_at,
            Enrolment.enrolled_at,
            Enrolment.ended_at,
            Enrolment.reason,
            Enrolment.program.title.as_alias("title"),
            Enrolment.program.public_title.as_alias("public_title"),
            Enrolment.program.discreet.as_alias("discreet"),
        )
        .where(Enrolment.participant == participant_id)
        .order_by(Enrolment.requested_at)
        .run()
    )
    return [
        {
            "program": _title(e),
            "status": e["status"],
            "requested_at": _when(e["requested_at"]),
            "enrolled_at": _when(e["enrolled_at"]),
            "ended_at": _when(e["ended_at"]),
            "reason": e["reason"],
        }
        for e in rows
    ]


async def _keep(participant_id: int, now: datetime) -> None:
    """Kept as anonymous counts: the erasure has already ended the person's open places through the enrolment
    rules (withdrawn, reason "erased"), and the rows name no one once the person's record is erased."""


async def _changes(participant_id: int) -> list[Record]:
    # The notes on changes are written by staff for staff (reasons, "erased"): they stay out, as elsewhere.
    rows = (
        await EnrolmentChange.select(
            EnrolmentChange.from_status,
            EnrolmentChange.to_status,
            EnrolmentChange.changed_at,
            EnrolmentChange.enrolment._.program.title.as_alias("title"),
            EnrolmentChange.enrolment._.program.public_title.as_alias("public_title"),
            EnrolmentChange.enrolment._.program.discreet.as_alias("discreet"),
        )
        .where(EnrolmentChange.enrolment.participant == participant_id)
        .order_by(EnrolmentChange.changed_at)
        .order_by(EnrolmentChange.id)
        .run()
    )
    return [
        {
            "program": _title(c),
            "from_status": c["from_status"],
            "to_status": c["to_status"],
            "changed_at": _when(c["changed_at"]),
        }
        for c in rows
    ]


async def _rsvps(participant_id: int) -> list[Record]:
    rows = (
        await Rsvp.select(
            Rsvp.response,
            Rsvp.answered_at,
            Rsvp.session.starts_at.as_alias("session_starts_at"),
            Rsvp.session._.program.title.as_alias("title"),
            Rsvp.session._.program.public_title.as_alias("public_title"),
            Rsvp.session._.program.discreet.as_alias("discreet"),
        )
        .where(Rsvp.participant == participant_id)
        .order_by(Rsvp.session.starts_at)
        .run()
    )
    return [
        {
            "program": _title(r),
            "session_starts_at": _when(r["session_starts_at"]),
            "response": r["response"],
            "answered_at": _when(r["answered_at"]),
        }
        for r in rows
    ]


async def _erase_rsvps(participant_id: int, now: datetime) -> None:
    await Rsvp.delete().where(Rsvp.participant == participant_id).run()


# Legacy individual goals and progress notes (read-only; their copies live in the person's case plan and case
# notes). The download keeps listing them in full, moved or not, as it did before they moved: the person could
# already take these notes, and the case-note policy must not take back what was theirs. Erasure deletes them all.
async def _goals(participant_id: int) -> list[Record]:
    """The person's own goals with the notes on their progress: these are about them, so they are theirs to take."""
    goals = (
        await IndividualGoal.select(
            IndividualGoal.id,
            IndividualGoal.statement,
            IndividualGoal.created_at,
            IndividualGoal.enrolment._.program.title.as_alias("title"),
            IndividualGoal.enrolment._.program.public_title.as_alias("public_title"),
            IndividualGoal.enrolment._.program.discreet.as_alias("discreet"),
        )
        .where(IndividualGoal.enrolment.participant == participant_id)
        .order_by(IndividualGoal.created_at)
        .run()
    )
    notes: list[dict[str, Any]] = []
    if goals:
        notes = (
            await ProgressNote.select(ProgressNote.goal, ProgressNote.note, ProgressNote.written_at)
            .where(ProgressNote.goal.is_in([g["id"] for g in goals]))
            .order_by(ProgressNote.written_at)
            .run()
        )
    return [
        {
            "program": _title(g),
            "statement": g["statement"],
            "created_at": _when(g["created_at"]),
            "progress_notes": [
                {"written_at": _when(n["written_at"]), "note": n["note"]} for n in notes if n["goal"] == g["id"]
            ],
        }
        for g in goals
    ]


async def _erase_goals(participant_id: int, now: datetime) -> None:
    goals = IndividualGoal.select(IndividualGoal.id).where(IndividualGoal.enrolment.participant == participant_id)
    await ProgressNote.delete().where(ProgressNote.goal.is_in(goals)).run()
    await (
        IndividualGoal.delete()
        .where(
            IndividualGoal.id.is_in(
                IndividualGoal.select(IndividualGoal.id).where(IndividualGoal.enrolment.participant == participant_id)
            )
        )
        .run()
    )


ENROLMENTS = register(PersonalData("enrolments", (Enrolment,), _enrolments, _keep))
CHANGES = register(PersonalData("enrolment_changes", (EnrolmentChange,), _changes, _keep))
RSVPS = register(PersonalData("rsvps", (Rsvp,), _rsvps, _erase_rsvps))
GOALS = register(PersonalData("individual_goals", (IndividualGoal, ProgressNote), _goals, _erase_goals))
