"""The audit log: who looked at or changed confidential data, and when. Every feature writes through here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from server.i18n import gettext


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


def translatable(message: str) -> dict[str, str]:
    """A detail that is itself a message (a consent purpose's name, yes/no): translated too when shown."""
    return {"msgid": message}


def _shown(value: Any) -> Any:
    return gettext(value["msgid"]) if isinstance(value, dict) and "msgid" in value else value


def _stored(value: Any) -> Any:
    return value["msgid"] if isinstance(value, dict) and "msgid" in value else value


async def record_audit(
    actor: Actor | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    summary: str = "",
    **params: str | int | dict[str, str],
) -> None:
    """`summary` is a message marked with N_ whose %(name)s placeholders `params` fill; the message and its
    parameters are kept so the log shows them in the reader's language (`describe`), and the summary column keeps
    the English sentence for searching and for older readers."""
    await AuditEvent.insert(audit_entry(actor, action, subject_type, subject_id, summary, **params)).run()


def audit_entry(
    actor: Actor | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    summary: str = "",
    **params: str | int | dict[str, str],
) -> AuditEvent:
    """The entry `record_audit` saves, not saved yet: for `record_audits`."""
    english = summary % {key: _stored(value) for key, value in params.items()} if params else summary
    return AuditEvent(
        actor=actor.id if actor else None,
        actor_label=actor.display_name if actor else "",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        summary=english[:2000],
        details={"message": summary, "params": params} if params else {},
    )


# Entries per statement: 8 columns each, well under SQLite's and PostgreSQL's limits of bound parameters.
AUDIT_CHUNK = 1000


async def record_audits(entries: Sequence[AuditEvent]) -> None:
    """Many entries (from `audit_entry`) in a few statements: an import's people, each with their own entries."""
    for start in range(0, len(entries), AUDIT_CHUNK):
        await AuditEvent.insert(*entries[start : start + AUDIT_CHUNK]).run()


def describe(event: dict[str, Any]) -> str:
    """An event's details in the active language. Events recorded before details were kept as a message and its
    parameters show their stored sentence, translated when it is one of the catalog's messages."""
    details = event.get("details") or {}
    if isinstance(details, str):
        details = json.loads(details or "{}")
    message = details.get("message") if isinstance(details, dict) else None
    if not message:
        return gettext(event["summary"]) if event["summary"] else ""
    params = {key: _shown(value) for key, value in (details.get("params") or {}).items()}
    try:
        return gettext(message, **params)
    except (KeyError, TypeError, ValueError):
        return event["summary"]  # a translation that no longer fits the parameters kept: the English sentence


def _log_where(action: str, subject_type: str, actor_id: int | None, subject_id: int | None) -> Any:
    where: Any = AuditEvent.id.is_not_null()
    if action:
        where &= AuditEvent.action == action
    if subject_type:
        where &= AuditEvent.subject_type == subject_type
    if actor_id:
        where &= AuditEvent.actor == actor_id
    if subject_id:
        where &= AuditEvent.subject_id == subject_id
    return where


async def count_audit_events(
    *, action: str = "", subject_type: str = "", actor_id: int | None = None, subject_id: int | None = None
) -> int:
    """How many events the audit log holds with these filters."""
    return await AuditEvent.count().where(_log_where(action, subject_type, actor_id, subject_id)).run()


async def audit_log(
    *,
    action: str = "",
    subject_type: str = "",
    actor_id: int | None = None,
    subject_id: int | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Events with these filters, newest first; `limit`/`offset` for one page."""
    return (
        await AuditEvent.select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.actor_label,
            AuditEvent.action,
            AuditEvent.subject_type,
            AuditEvent.subject_id,
            AuditEvent.summary,
            AuditEvent.details,
        )
        .where(_log_where(action, subject_type, actor_id, subject_id))
        .order_by(AuditEvent.at, ascending=False)
        .order_by(AuditEvent.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )
