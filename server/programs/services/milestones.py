"""Milestones of a community project: planned steps with a due date, an owner and a status."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.audit import record_audit
from server.db import transaction
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.programs.choices import MILESTONE_STATUSES
from server.programs.rules import ensure_open
from server.programs.tables import Milestone
from server.web.access import CurrentStaff

# What an edit may change; the program a milestone belongs to never changes.
MILESTONE_FIELDS = ("title", "due_on", "owner", "status", "note")


def _with_flags(milestone: dict[str, Any], today: date) -> dict[str, Any]:
    milestone["overdue"] = (
        milestone["due_on"] is not None and milestone["due_on"] < today and milestone["status"] != "done"
    )
    return milestone


async def list_milestones(program_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """Milestones by due date; with `today`, each says whether it is `overdue`."""
    rows = (
        await Milestone.select()
        .where(Milestone.program == program_id)
        .order_by(Milestone.due_on)
        .order_by(Milestone.id)
        .run()
    )
    return [_with_flags(row, today) for row in rows] if today is not None else rows


async def add_milestone(program: dict[str, Any], values: dict[str, Any]) -> int:
    ensure_open(program)
    milestone = Milestone(program=program["id"], **values)
    await milestone.save().run()
    return milestone.id


async def get_milestone(program: dict[str, Any], milestone_id: int, today: date | None = None) -> dict[str, Any]:
    row = (
        await Milestone.select()
        .where((Milestone.id == milestone_id) & (Milestone.program == program["id"]))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("milestone")
    return _with_flags(row, today) if today is not None else row


async def set_milestone_status(
    program: dict[str, Any], milestone_id: int, status: str, today: date | None = None
) -> dict[str, Any]:
    ensure_open(program)
    if status not in MILESTONE_STATUSES:
        raise DomainError("bad_status", N_("Choose one of the options."), field="status")
    await get_milestone(program, milestone_id)
    await Milestone.update({Milestone.status: status}).where(Milestone.id == milestone_id).run()
    return await get_milestone(program, milestone_id, today)


async def update_milestone(
    actor: CurrentStaff, program: dict[str, Any], milestone_id: int, values: dict[str, Any], today: date | None = None
) -> dict[str, Any]:
    """Saves a milestone's title, due date, owner, status and note; the audit log names the fields that changed
    (not their values: a title or note can be sensitive free text)."""
    ensure_open(program)
    if values.get("status") not in MILESTONE_STATUSES:
        raise DomainError("bad_status", N_("Choose one of the options."), field="status")
    if not (values.get("title") or "").strip():
        raise DomainError("title_required", N_("This field is required."), field="title")
    before = await get_milestone(program, milestone_id)
    changes = {key: values.get(key) for key in MILESTONE_FIELDS if values.get(key) != before[key]}
    if changes:
        async with transaction():
            await (
                Milestone.update({getattr(Milestone, key): value for key, value in changes.items()})
                .where(Milestone.id == milestone_id)
                .run()
            )
            await record_audit(actor, "update", "milestone", milestone_id, "changed: " + ", ".join(changes))
    return await get_milestone(program, milestone_id, today)


async def delete_milestone(program: dict[str, Any], milestone_id: int) -> None:
    ensure_open(program)
    await get_milestone(program, milestone_id)
    await Milestone.delete().where(Milestone.id == milestone_id).run()
