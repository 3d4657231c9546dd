"""The rules of a case's plan made with the person: goals, steps, who does what by when, and the person's agreement."""

from __future__ import annotations

from datetime import date
from typing import Any

from server import clock, privacy
from server.audit import record_audit
from server.cases.plan_tables import CaseGoal, CaseStep, PlanAgreement
from server.cases.tables import Case
from server.db import transaction
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.web.access import CurrentStaff
from server.web.labels import LABELS

GOAL_STATUSES = {"open": N_("Open"), "achieved": N_("Achieved"), "dropped": N_("Dropped")}
# Who does a step: the person, their case worker, or anyone else named in free text (a relative, a partner).
WHO = {"person": N_("The person"), "case_worker": N_("Case worker")}
# The same, as the person reads it on their own page.
WHO_FOR_THE_PERSON = {"person": N_("You"), "case_worker": N_("Your case worker")}
AGREED_HOW = {
    "in_person": N_("In person"),
    "by_phone": N_("By phone"),
    "online": N_("Online"),
    "in_writing": N_("In writing"),
}
LABELS.register("plan_goal_status", GOAL_STATUSES)
LABELS.register("plan_who", WHO)
LABELS.register("plan_who_self", WHO_FOR_THE_PERSON)
LABELS.register("plan_agreed_how", AGREED_HOW)
MAX_TEXT = 1000
MAX_WHO = 120
# A plan shows this many goals (a constant number of queries whatever its length).
GOALS_SHOWN = 50


# --- who may change a plan ---------------------------------------------------------------------------------------
async def _case_to_change(staff: CurrentStaff, case_id: int) -> dict[str, Any]:
    """The case's plan is changed by those who may see the case (privacy.may_see_case), while it is open; anyone
    else gets NotFound, as for a case that does not exist."""
    row = (
        await Case.select(Case.id, Case.case_worker, Case.supervisor, Case.status, Case.participant)
        .where(Case.id == case_id)
        .first()
        .run()
    )
    if row is None or not privacy.may_see_case(staff, row):
        raise NotFound("case")
    if row["status"] != "open":
        raise DomainError("closed", N_("This case is closed."))
    return row


async def _goal_of(case_id: int, goal_id: int) -> dict[str, Any]:
    row = (
        await CaseGoal.select(CaseGoal.id, CaseGoal.status)
        .where((CaseGoal.id == goal_id) & (CaseGoal.case == case_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("goal")
    return row


def _text(text: str, field: str = "text") -> str:
    text = text.strip()
    if not text:
        raise DomainError("text", N_("This field is required."), field=field)
    if len(text) > MAX_TEXT:
        raise DomainError("too_long", N_("This text is too long."), field=field)
    return text


# --- goals -------------------------------------------------------------------------------------------------------
async def add_goal(actor: CurrentStaff, case_id: int, text: str, *, target_date: date | None = None) -> int:
    """A new goal at the end of the plan."""
    await _case_to_change(actor, case_id)
    text = _text(text)
    now = clock.now()
    async with transaction():
        last = (
            await CaseGoal.select(CaseGoal.position)
            .where(CaseGoal.case == case_id)
            .order_by(CaseGoal.position, ascending=False)
            .first()
            .run()
        )
        goal = CaseGoal(
            case=case_id,
            text=text,
            target_date=target_date,
            position=(last["position"] + 1) if last else 1,
            created_at=now,
            changed_at=now,
        )
        await goal.save().run()
        await record_audit(actor, "create", "case", case_id, N_("added a goal to the plan"))
    return goal.id


async def edit_goal(
    actor: CurrentStaff, case_id: int, goal_id: int, text: str, *, target_date: date | None = None
) -> None:
    """New words or a new target date for a goal: the plan has changed."""
    await _case_to_change(actor, case_id)
    await _goal_of(case_id, goal_id)
    text = _text(text)
    async with transaction():
        await (
            CaseGoal.update({CaseGoal.text: text, CaseGoal.target_date: target_date, CaseGoal.changed_at: clock.now()})
            .where(CaseGoal.id == goal_id)
            .run()
        )
        await record_audit(actor, "update", "case", case_id, N_("changed a goal of the plan"))


async def set_goal_status(actor: CurrentStaff, case_id: int, goal_id: int, status: str) -> None:
    """A goal achieved, dropped or reopened. Achieving one is progress; dropping or reopening one changes what was
    agreed."""
    await _case_to_change(actor, case_id)
    goal = await _goal_of(case_id, goal_id)
    if status not in GOAL_STATUSES:
        raise DomainError("status", N_("Choose one of the options."), field="status")
    if goal["status"] == status:
        raise DomainError("unchanged", N_("The goal already has this status."))
    changes: dict[Any, Any] = {CaseGoal.status: status}
    if status != "achieved":
        changes[CaseGoal.changed_at] = clock.now()
    async with transaction():
        await CaseGoal.update(changes).where(CaseGoal.id == goal_id).run()
        await record_audit(
            actor, "update", "case", case_id, N_("marked a goal: %(status)s"), status={"msgid": GOAL_STATUSES[status]}
        )


# --- steps -------------------------------------------------------------------------------------------------------
async def add_step(
    actor: CurrentStaff, case_id: int, goal_id: int, text: str, *, who: str, due_on: date | None = None
) -> int:
    """A step towards an open goal: what, who does it (the person, the case worker or someone named) and by when."""
    await _case_to_change(actor, case_id)
    goal = await _goal_of(case_id, goal_id)
    if goal["status"] != "open":
        raise DomainError("goal_not_open", N_("Steps are added to open goals only."))
    text = _text(text)
    who = who.strip()
    if not who:
        raise DomainError("who", N_("Say who does this step."), field="who")
    if len(who) > MAX_WHO:
        raise DomainError("who_too_long", N_("This text is too long."), field="who")
    now = clock.now()
    async with transaction():
        step = CaseStep(goal=goal_id, text=text, who=who, due_on=due_on, created_at=now)
        await step.save().run()
        await CaseGoal.update({CaseGoal.changed_at: now}).where(CaseGoal.id == goal_id).run()
        await record_audit(actor, "create", "case", case_id, N_("added a step to the plan"))
    return step.id


async def mark_step_done(actor: CurrentStaff, case_id: int, step_id: int) -> None:
    await _case_to_change(actor, case_id)
    step = (
        await CaseStep.select(CaseStep.id, CaseStep.done_at)
        .where((CaseStep.id == step_id) & (CaseStep.goal.case == case_id))
        .first()
        .run()
    )
    if step is None:
        raise NotFound("step")
    if step["done_at"] is not None:
        raise DomainError("already_done", N_("This step is already done."))
    async with transaction():
        await CaseStep.update({CaseStep.done_at: clock.now()}).where(CaseStep.id == step_id).run()
        await record_audit(actor, "update", "case", case_id, N_("marked a step of the plan done"))


# --- agreement ---------------------------------------------------------------------------------------------------
async def record_agreement(actor: CurrentStaff, case_id: int, agreed_on: date, how: str, note: str = "") -> int:
    """A record that the plan, as it stands, was discussed with the person and agreed by them."""
    await _case_to_change(actor, case_id)
    if how not in AGREED_HOW:
        raise DomainError("how", N_("Choose one of the options."), field="how")
    if agreed_on > clock.organisation_today():
        raise DomainError("future", N_("An agreement cannot be dated in the future."), field="agreed_on")
    if not await CaseGoal.exists().where((CaseGoal.case == case_id) & (CaseGoal.status != "dropped")).run():
        raise DomainError("no_goals", N_("Add at least one goal before recording the person's agreement."))
    async with transaction():
        agreement = PlanAgreement(
            case=case_id, agreed_on=agreed_on, how=how, note=note.strip(), recorded_by=actor.id, recorded_at=clock.now()
        )
        await agreement.save().run()
        await record_audit(actor, "create", "case", case_id, N_("recorded the person's agreement to the plan"))
    return agreement.id


# --- reading a plan ----------------------------------------------------------------------------------------------
async def plan(case_id: int) -> dict[str, Any]:
    """The case's goals (open first, in their order) with their steps, the last agreement, and whether the plan
    changed since it was agreed. Three queries whatever the plan's size. The caller has checked who may see it."""
    goals = (
        await CaseGoal.select(
            CaseGoal.id, CaseGoal.text, CaseGoal.status, CaseGoal.target_date, CaseGoal.created_at, CaseGoal.changed_at
        )
        .where(CaseGoal.case == case_id)
        .order_by(CaseGoal.position)
        .order_by(CaseGoal.id)
        .limit(GOALS_SHOWN)
        .run()
    )
    steps = (
        await CaseStep.select(
            CaseStep.id, CaseStep.goal, CaseStep.text, CaseStep.who, CaseStep.due_on, CaseStep.done_at
        )
        .where(CaseStep.goal.is_in([goal["id"] for goal in goals] or [-1]))
        .order_by(CaseStep.id)
        .run()
    )
    agreement = (
        await PlanAgreement.select(
            PlanAgreement.agreed_on,
            PlanAgreement.how,
            PlanAgreement.note,
            PlanAgreement.recorded_at,
            PlanAgreement.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(PlanAgreement.case == case_id)
        .order_by(PlanAgreement.recorded_at, ascending=False)
        .order_by(PlanAgreement.id, ascending=False)
        .first()
        .run()
    )
    for goal in goals:
        goal["steps"] = [step for step in steps if step["goal"] == goal["id"]]
    goals.sort(key=lambda goal: goal["status"] != "open")  # stable: keeps the plan's order within each group
    changed = max((goal["changed_at"] for goal in goals), default=None)
    return {
        "goals": goals,
        "agreement": agreement,
        "changed_since_agreed": agreement is not None and changed is not None and changed > agreement["recorded_at"],
    }


async def personal_plan(participant_id: int) -> list[dict[str, Any]]:
    """What the person reads on their own page: the open goals of their open case and, for each, the steps not yet
    done (what, who, by when). Only goals and steps: never notes, ratings or the agreement's note. Two queries."""
    goals = (
        await CaseGoal.select(CaseGoal.id, CaseGoal.text, CaseGoal.target_date)
        .where(
            (CaseGoal.case.participant == participant_id)
            & (CaseGoal.case.status == "open")
            & (CaseGoal.status == "open")
        )
        .order_by(CaseGoal.position)
        .order_by(CaseGoal.id)
        .limit(GOALS_SHOWN)
        .run()
    )
    steps = (
        await CaseStep.select(CaseStep.goal, CaseStep.text, CaseStep.who, CaseStep.due_on)
        .where(CaseStep.goal.is_in([goal["id"] for goal in goals] or [-1]) & CaseStep.done_at.is_null())
        .order_by(CaseStep.id)
        .run()
    )
    for goal in goals:
        mine = [step for step in steps if step["goal"] == goal["id"]]
        # Dated steps first, soonest first; undated ones after, in the order they were planned.
        goal["steps"] = sorted(mine, key=lambda step: (step["due_on"] is None, step["due_on"] or date.min))
    return goals
