"""Rules about a program that every feature asks: is it open for changes, does it take registrations.
Written once here, as a Python predicate and as the same condition for queries (Piccolo and raw SQL)."""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import Where

from server.errors import DomainError
from server.i18n import N_

CLOSED_PHASE = "closed"


def is_open(program: dict[str, Any]) -> bool:
    """A closed or archived program is a record: read-only. Everything else may still change."""
    # A public view of a program has no `archived` key: only programs that are not archived reach the public.
    return program["phase"] != CLOSED_PHASE and not program.get("archived")


def ensure_open(program: dict[str, Any]) -> None:
    """Refuses any change to a closed or archived program (a 409 on pages)."""
    if not is_open(program):
        raise DomainError("program_closed", N_("This program is closed and can no longer be changed."))


def open_program_where(program: Any) -> Where | Any:
    """The same condition for a Piccolo query: pass the Program table, or a foreign key to it
    (`ProgramSession.program`, `TeamMember.program`)."""
    return (program.phase != CLOSED_PHASE) & (program.archived == False)  # noqa: E712


def open_program_sql(alias: str) -> str:
    """The same condition for raw SQL, on the program table under `alias` (e.g. `open_program_sql("p")`)."""
    return f"({alias}.phase <> '{CLOSED_PHASE}' AND NOT {alias}.archived)"


def accepts_registrations(program: dict[str, Any]) -> bool:
    """The public may register (or ask for a place) while the program is open and its enrolment mode allows it."""
    return program["enrolment_mode"] in ("open", "approval") and is_open(program)
