"""Phases of the intervention cycle: what each phase asks for before moving on, moving, and the history.

A phase may ask for things that features above programs hold (a planned schedule, a held session). Those features
add their requirement with `phase_requirement` when they are imported, so the rule stays here and imports point down.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from server import clock
from server.errors import DomainError
from server.i18n import N_
from server.programs.choices import PHASES
from server.programs.locking import program_lock
from server.programs.rules import ensure_open
from server.programs.tables import Goal, PhaseChange, Program, TeamMember
from server.web.access import CurrentStaff

Check = Callable[[dict[str, Any]], Awaitable[bool]]


@dataclass(frozen=True)
class Requirement:
    phase: str
    order: int  # where it is listed among its phase's requirements
    message: str  # an msgid, translated where it is shown
    met: Check


REQUIREMENTS: list[Requirement] = []


def phase_requirement(phase: str, order: int, message: str) -> Callable[[Check], Check]:
    """Declares what `phase` asks for before a program moves on: `met(program)` says whether it is done."""

    def register(met: Check) -> Check:
        if not any(r.phase == phase and r.message == message for r in REQUIREMENTS):
            REQUIREMENTS.append(Requirement(phase, order, message, met))
            REQUIREMENTS.sort(key=lambda r: (PHASES.index(r.phase), r.order))
        return met

    return register


@phase_requirement("assessment", 10, N_("Write down what the needs assessment found."))
async def _assessment_written(program: dict[str, Any]) -> bool:
    return bool((program["assessment_notes"] or "").strip())


@phase_requirement("planning", 10, N_("Set at least one measurable goal."))
async def _goal_set(program: dict[str, Any]) -> bool:
    return await Goal.exists().where(Goal.program == program["id"]).run()


@phase_requirement("planning", 30, N_("Assign at least one facilitator."))
async def _facilitator_assigned(program: dict[str, Any]) -> bool:
    return (
        await TeamMember.exists()
        .where((TeamMember.program == program["id"]) & TeamMember.role.is_in(["lead", "co_facilitator"]))
        .run()
    )


@phase_requirement("evaluation", 10, N_("Record the goals' current values."))
async def _goal_values_recorded(program: dict[str, Any]) -> bool:
    return await Goal.exists().where((Goal.program == program["id"]) & Goal.current_value.is_not_null()).run()


async def phase_requirements(program: dict[str, Any]) -> list[str]:
    """What the current phase still asks for before moving on (untranslated msgids)."""
    return [r.message for r in REQUIREMENTS if r.phase == program["phase"] and not await r.met(program)]


async def change_phase(actor: CurrentStaff, program: dict[str, Any], to_phase: str, reason: str = "") -> None:
    """Forward one step when the phase's requirements are met; backwards only by organizers, with a reason."""
    if to_phase not in PHASES:
        raise DomainError("bad_phase", N_("Choose one of the options."), field="to_phase")
    if program["archived"]:
        # Unlike every other change, a closed phase may be left (by an organizer); an archived program may not.
        raise DomainError("program_closed", N_("This program is closed and can no longer be changed."))
    current = PHASES.index(program["phase"])
    target = PHASES.index(to_phase)
    if target == current:
        return
    if target > current:
        if target != current + 1:
            raise DomainError("skip_phase", N_("Move one phase at a time."), field="to_phase")
        missing = await phase_requirements(program)
        if missing:
            raise DomainError("phase_incomplete", N_("This phase is not finished yet."), field="to_phase")
    else:
        if not actor.is_organizer:
            raise DomainError("back_needs_organizer", N_("Only organizers can move a program back."), field="to_phase")
        if not reason.strip():
            raise DomainError("reason_required", N_("Give a reason for moving back."), field="reason")
    # Under the program's lock, which recomputes its kept figures at the end: what the data checks count depends
    # on the phase (goals measured from implementation on, no consent needed once closed).
    async with program_lock(program["id"]):
        await (
            Program.update({Program.phase: to_phase, Program.updated_at: clock.now()})
            .where(Program.id == program["id"])
            .run()
        )
        await PhaseChange.insert(
            PhaseChange(
                program=program["id"],
                from_phase=program["phase"],
                to_phase=to_phase,
                reason=reason.strip(),
                changed_by=actor.id,
            )
        ).run()


async def phase_history(program_id: int) -> list[dict[str, Any]]:
    return (
        await PhaseChange.select(
            PhaseChange.from_phase,
            PhaseChange.to_phase,
            PhaseChange.reason,
            PhaseChange.changed_at,
            PhaseChange.changed_by.display_name.as_alias("by"),
        )
        .where(PhaseChange.program == program_id)
        .order_by(PhaseChange.changed_at, ascending=False)
        .run()
    )


async def save_assessment_notes(program: dict[str, Any], notes: str) -> None:
    ensure_open(program)
    await (
        Program.update({Program.assessment_notes: notes, Program.updated_at: clock.now()})
        .where(Program.id == program["id"])
        .run()
    )
