"""Measurable goals of a program: adding, progress from baseline to target, recorded values and their history."""

from __future__ import annotations

from typing import Any

from server.db import program_changed, transaction
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.programs.rules import ensure_open
from server.programs.tables import Goal, GoalUpdate
from server.web.access import CurrentStaff


async def list_goals(program_id: int) -> list[dict[str, Any]]:
    goals = await Goal.select().where(Goal.program == program_id).order_by(Goal.position).order_by(Goal.id).run()
    for goal in goals:
        goal["progress"] = goal_progress(goal)
    return goals


def goal_progress(goal: dict[str, Any]) -> float | None:
    """Share of the way from baseline to target (0–1); works for goals that aim down as well as up."""
    current, baseline, target = goal.get("current_value"), goal["baseline"], goal["target"]
    if current is None or target == baseline:
        return None
    share = (current - baseline) / (target - baseline)
    return max(0.0, min(1.0, share))


async def add_goal(program: dict[str, Any], values: dict[str, Any]) -> int:
    ensure_open(program)
    if values["target"] == values["baseline"]:
        raise DomainError("target_equals_baseline", N_("The target must differ from the baseline."), field="target")
    async with transaction():
        position = await Goal.count().where(Goal.program == program["id"]).run()
        goal = Goal(program=program["id"], position=position, **values)
        await goal.save().run()
        await program_changed(program["id"])
    return goal.id


async def get_goal(program: dict[str, Any], goal_id: int) -> dict[str, Any]:
    goal = await Goal.select().where((Goal.id == goal_id) & (Goal.program == program["id"])).first().run()
    if goal is None:
        raise NotFound("goal")
    goal["progress"] = goal_progress(goal)
    return goal


async def record_goal_value(
    actor: CurrentStaff, program: dict[str, Any], goal_id: int, value: float, note: str = ""
) -> dict[str, Any]:
    """A new current value, kept in the goal's history."""
    ensure_open(program)
    await get_goal(program, goal_id)
    async with transaction():
        await Goal.update({Goal.current_value: value}).where(Goal.id == goal_id).run()
        await GoalUpdate.insert(GoalUpdate(goal=goal_id, value=value, note=note, recorded_by=actor.id)).run()
        await program_changed(program["id"])
    return await get_goal(program, goal_id)


async def goal_history(goal_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not goal_ids:
        return {}
    rows = (
        await GoalUpdate.select(
            GoalUpdate.goal,
            GoalUpdate.value,
            GoalUpdate.note,
            GoalUpdate.recorded_at,
            GoalUpdate.recorded_by.display_name.as_alias("by"),
        )
        .where(GoalUpdate.goal.is_in(goal_ids))
        .order_by(GoalUpdate.recorded_at, ascending=False)
        .run()
    )
    history: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        history.setdefault(row["goal"], []).append(row)
    return history


async def delete_goal(program: dict[str, Any], goal_id: int) -> None:
    ensure_open(program)
    await get_goal(program, goal_id)
    async with transaction():
        await Goal.delete().where(Goal.id == goal_id).run()
        await program_changed(program["id"])
