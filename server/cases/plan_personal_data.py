"""A case plan's part of the person's data download and erasure (server/cases/personal_data.py calls these)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from server.cases.plan_tables import CaseGoal, CaseStep, PlanAgreement
from server.personal_data import Record

PLAN_TABLES = (CaseGoal, CaseStep, PlanAgreement)


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


async def plan_records(case_ids: list[int], *, notes_released: bool) -> dict[int, dict[str, list[Record]]]:
    """Per case: its goals, their steps and the agreements. Goals and steps are the person's own plan; the
    agreement's note is staff's words and follows the same policy as case notes. Three queries."""
    ids = case_ids or [-1]
    goals = (
        await CaseGoal.select(CaseGoal.id, CaseGoal.case, CaseGoal.text, CaseGoal.status, CaseGoal.target_date)
        .where(CaseGoal.case.is_in(ids))
        .order_by(CaseGoal.position)
        .order_by(CaseGoal.id)
        .run()
    )
    steps = (
        await CaseStep.select(CaseStep.goal, CaseStep.text, CaseStep.who, CaseStep.due_on, CaseStep.done_at)
        .where(CaseStep.goal.case.is_in(ids))
        .order_by(CaseStep.id)
        .run()
    )
    agreements = (
        await PlanAgreement.select(PlanAgreement.case, PlanAgreement.agreed_on, PlanAgreement.how, PlanAgreement.note)
        .where(PlanAgreement.case.is_in(ids))
        .order_by(PlanAgreement.agreed_on)
        .run()
    )

    def goal(number: int, row: dict[str, Any]) -> Record:
        return {"goal": number, "text": row["text"], "status": row["status"], "target_date": _when(row["target_date"])}

    def step(number: int, row: dict[str, Any]) -> Record:
        return {
            "goal": number,
            "text": row["text"],
            "who": row["who"],
            "due_on": _when(row["due_on"]),
            "done_at": _when(row["done_at"]),
        }

    def case_plan(case_id: int) -> dict[str, list[Record]]:
        # Steps are listed beside their goals (by the goal's number), not inside them: the CSV is one level deep.
        mine = [g for g in goals if g["case"] == case_id]
        numbers = {g["id"]: number for number, g in enumerate(mine, start=1)}
        return {
            "plan_goals": [goal(numbers[g["id"]], g) for g in mine],
            "plan_steps": [step(numbers[s["goal"]], s) for s in steps if s["goal"] in numbers],
            "plan_agreements": [agreement(a) for a in agreements if a["case"] == case_id],
        }

    def agreement(row: dict[str, Any]) -> Record:
        record = {"agreed_on": _when(row["agreed_on"]), "how": row["how"]}
        if notes_released:
            record["note"] = row["note"]
        return record

    return {case_id: case_plan(case_id) for case_id in case_ids}


async def erase_plans(cases: Any) -> None:
    """The words go (goals, steps, who was named, the agreement's note); goals, steps and agreements stay, with
    their status and dates, so counts of goals achieved still add up. `cases` selects the person's case ids."""
    goals = CaseGoal.select(CaseGoal.id).where(CaseGoal.case.is_in(cases))
    await CaseStep.update({CaseStep.text: ""}).where(CaseStep.goal.is_in(goals)).run()
    # "Who" names someone only when it is free text: the two fixed values say nothing about anyone.
    await (
        CaseStep.update({CaseStep.who: ""})
        .where(CaseStep.goal.is_in(goals) & CaseStep.who.not_in(["person", "case_worker"]))
        .run()
    )
    await CaseGoal.update({CaseGoal.text: ""}).where(CaseGoal.case.is_in(cases)).run()
    await PlanAgreement.update({PlanAgreement.note: ""}).where(PlanAgreement.case.is_in(cases)).run()
