"""The audit log: who looked at or changed confidential data, and when. Every feature writes through here."""

from __future__ import annotations

from typing import Any, Protocol

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


class Actor(Protocol):
    """Whoever acts: a signed-in staff member (None for the person themself or the system)."""

    @property
    def id(self) -> int: ...

    @property
    def display_name(self) -> str: ...


class AuditEvent(Table):
    """Who looked at or changed confidential data, and when."""

    id: Serial
    at = Timestamptz(default=TimestamptzNow(), index=True)
    # A lazy reference: the kernel names the staff table without importing the people feature.
    actor: ForeignKey[Any] = ForeignKey(
        references=LazyTableReference(table_class_name="Staff", module_path="server.people.tables"),
        null=True,
        on_delete=OnDelete.set_null,
    )
    actor_label = Varchar(length=120, default="")
    action = Varchar(length=40, index=True)  # view | create | update | delete | erase | login ...
    subject_type = Varchar(length=40, index=True)
    subject_id = Integer(null=True, index=True)
    summary = Text(default="")
    details = JSON(default={})


async def record_audit(
    actor: Actor | None, action: str, subject_type: str, subject_id: int | None, summary: str = ""
) -> None:
    await AuditEvent.insert(
        AuditEvent(
            actor=actor.id if actor else None,
            actor_label=actor.display_name if actor else "",
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            summary=summary[:2000],
        )
    ).run()


async def audit_log(
    *,
    action: str = "",
    subject_type: str = "",
    actor_id: int | None = None,
    subject_id: int | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    query = AuditEvent.select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.actor_label,
        AuditEvent.action,
        AuditEvent.subject_type,
        AuditEvent.subject_id,
        AuditEvent.summary,
    )
    if action:
        query = query.where(AuditEvent.action == action)
    if subject_type:
        query = query.where(AuditEvent.subject_type == subject_type)
    if actor_id:
        query = query.where(AuditEvent.actor == actor_id)
    if subject_id:
        query = query.where(AuditEvent.subject_id == subject_id)
    return (
        await query.order_by(AuditEvent.at, ascending=False).order_by(AuditEvent.id, ascending=False).limit(limit).run()
    )
