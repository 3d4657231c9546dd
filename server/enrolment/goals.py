"""Individual goals and progress notes: a participant's own goals within a program, confidential to its team."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import audit, clock
from server.enrolment.tables import Enrolment, IndividualGoal, ProgressNote
from server.errors import NotFound
from server.i18n import N_
from server.programs.services import ensure_open
from server.web.access import CurrentStaff


async def enrolment_of(program: dict[str, Any], participant_id: int) -> dict[str, Any]:
    row = (
        await Enrolment.select(
            Enrolment.id,
            Enrolment.status,
            Enrolment.enrolled_at,
            Enrolment.ended_at,
            Enrolment.participant.as_alias("participant_id"),
            Enrolment.participant.display_name.as_alias("display_name"),
            Enrolment.participant.legal_name.as_alias("legal_name"),
        )
        .where((Enrolment.program == program["id"]) & (Enrolment.participant == participant_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("enrolment")
    return row


async def view_individual_goals(actor: CurrentStaff, enrolment: dict[str, Any]) -> list[dict[str, Any]]:
    """Individual goals are confidential to the program's team: looking at them is audited."""
    await audit.record_audit(actor, "view", "participant", enrolment["participant_id"], N_("viewed individual goals"))
    return await individual_goals(enrolment)


async def individual_goals(enrolment: dict[str, Any]) -> list[dict[str, Any]]:
    """A person's own goals in a program with their dated progress notes, newest note first, in two queries."""
    goals = (
        await IndividualGoal.select(
            IndividualGoal.id,
            IndividualGoal.statement,
            IndividualGoal.created_at,
            IndividualGoal.created_by.display_name.as_alias("by"),
        )
        .where(IndividualGoal.enrolment == enrolment["id"])
        .order_by(IndividualGoal.created_at)
        .order_by(IndividualGoal.id)
        .run()
    )
    notes = (
        await ProgressNote.select(
            ProgressNote.goal,
            ProgressNote.note,
            ProgressNote.written_at,
            ProgressNote.written_by.display_name.as_alias("by"),
        )
        .where(ProgressNote.goal.is_in([g["id"] for g in goals] or [-1]))
        .order_by(ProgressNote.written_at, ascending=False)
        .order_by(ProgressNote.id, ascending=False)
        .run()
    )
    for goal in goals:
        goal["notes"] = [n for n in notes if n["goal"] == goal["id"]]
    return goals


async def add_individual_goal(
    actor: CurrentStaff, program: dict[str, Any], enrolment: dict[str, Any], statement: str, now: datetime | None = None
) -> int:
    ensure_open(program)
    goal = IndividualGoal(
        enrolment=enrolment["id"], statement=statement.strip(), created_by=actor.id, created_at=now or clock.now()
    )
    await goal.save().run()
    return goal.id


async def add_progress_note(
    actor: CurrentStaff,
    program: dict[str, Any],
    enrolment: dict[str, Any],
    goal_id: int,
    note: str,
    now: datetime | None = None,
) -> None:
    ensure_open(program)
    if (
        not await IndividualGoal.exists()
        .where((IndividualGoal.id == goal_id) & (IndividualGoal.enrolment == enrolment["id"]))
        .run()
    ):
        raise NotFound("goal")
    await ProgressNote.insert(
        ProgressNote(goal=goal_id, note=note.strip(), written_by=actor.id, written_at=now or clock.now())
    ).run()
