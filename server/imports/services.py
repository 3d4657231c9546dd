"""Importing checked rows: every person, their paper consents and optional enrolment in one transaction, or none,
written in batches by the people and enrolment features' bulk writers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from server import clock
from server.audit import record_audit
from server.db import transaction
from server.enrolment.bulk import enrol_new_locked
from server.enrolment.services import expire_offers
from server.enrolment.waitlist import load_program
from server.errors import DomainError
from server.i18n import N_
from server.imports.checking import Preview, check_rows, consent_moment
from server.imports.reading import Sheet
from server.people.bulk import NewPerson, create_participants
from server.programs.locking import program_lock
from server.programs.rules import ensure_open, open_program_where
from server.programs.tables import Program
from server.web.access import CurrentStaff

# How consent is recorded for imported people: given on paper, dated as the paper says.
CONSENT_SOURCE = "paper"
SKIP = "skip"
IMPORT = "import"


@dataclass
class Outcome:
    created: int = 0
    skipped: int = 0
    enrolled: int = 0
    waitlisted: int = 0


def unresolved(preview: Preview, decisions: Mapping[int, str]) -> list[int]:
    """Rows that still need a decision: an error row must be skipped, a possible duplicate skipped or imported."""
    return [
        row.number
        for row in preview.rows
        if (row.state == "error" and decisions.get(row.number) != SKIP)
        or (row.state == "duplicate" and decisions.get(row.number) not in (SKIP, IMPORT))
    ]


async def import_participants(
    actor: CurrentStaff,
    sheet: Sheet,
    mapping: list[str],
    decisions: Mapping[int, str],
    *,
    filename: str,
    default_date: date | None,
    program_id: int | None,
) -> Outcome:
    """Checks the rows again (the registry may have changed since the preview), then imports them all or none:
    any row left unresolved refuses the whole import."""
    program = await load_program(program_id) if program_id else None
    if program is not None:
        ensure_open(program)
    preview = await check_rows(sheet, mapping, default_date=default_date, program=program)
    if unresolved(preview, decisions):
        raise DomainError(
            "rows_unresolved",
            N_(
                "Some rows still need a decision: skip the rows with errors, "
                "and skip or import each possible duplicate."
            ),
        )
    chosen = [row for row in preview.rows if decisions.get(row.number) != SKIP]
    outcome = Outcome(skipped=len(preview.rows) - len(chosen))
    now = clock.now()
    if program is not None:
        await expire_offers(now)
    async with _one_transaction(program_id):
        if program is not None:
            program = await load_program(program["id"])  # under the lock: the places taken now
            ensure_open(program)
        people = [
            NewPerson(
                values={key: row.values[key] for key in ("display_name", "legal_name", "phone", "email")}
                | {"preferred_locale": row.values["preferred_locale"]},
                consents={purpose: consent_moment(day) for purpose, day in row.consents.items()},
                area=row.values["area"],
            )
            for row in chosen
        ]
        participant_ids = await create_participants(actor, people, source=CONSENT_SOURCE)
        outcome.created = len(participant_ids)
        if program is not None:
            placed = await enrol_new_locked(actor, program, participant_ids, source="staff", now=now)
            outcome.enrolled = sum(1 for row in placed if row["status"] == "enrolled")
            outcome.waitlisted = len(placed) - outcome.enrolled
        # The file name and the counts, never a row: the people themselves each have their own "created" entry.
        await record_audit(
            actor,
            "import",
            "participant_import",
            program_id,
            N_(
                "participants imported from %(file)s: %(created)s new, %(skipped)s skipped, "
                "%(enrolled)s enrolled, %(waitlisted)s waiting"
            ),
            file=filename[:120],
            created=outcome.created,
            skipped=outcome.skipped,
            enrolled=outcome.enrolled,
            waitlisted=outcome.waitlisted,
        )
    return outcome


@asynccontextmanager
async def _one_transaction(program_id: int | None) -> AsyncIterator[None]:
    """The program's lock (itself one transaction) when enrolling, so capacity is counted as places are taken."""
    if program_id:
        async with program_lock(program_id):
            yield
    else:
        async with transaction():
            yield


async def open_programs() -> list[dict[str, Any]]:
    """The programs people can be enrolled into (organizers and admins manage every program), by title."""
    return (
        await Program.select(Program.id, Program.title, Program.capacity)
        .where(open_program_where(Program))
        .order_by(Program.title)
        .run()
    )
