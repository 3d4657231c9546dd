"""The personal-data registry: what each feature holds about a participant, how to export it and how to erase it."""

from __future__ import annotations

# In the spirit of pretix's data shredders. Each feature declares its entries in server/<feature>/personal_data.py;
# the participant's data download and an administrator's erasure iterate over the registry, so they cannot drift
# from the tables (tests/people/test_personal_data_registry.py fails when a table that refers to a participant is
# in no entry). The module that runs a download or an erasure imports every feature's declarations
# (server/pages/personal_data.py): the kernel may not import features.
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.table import Table

from server.csvfile import to_csv
from server.db import participant_changed

Record = dict[str, Any]
# One record (the profile) or a list of records (enrolments, answers …).
Section = Record | list[Record]


@dataclass(frozen=True)
class PersonalData:
    """One kind of thing held about a participant.

    `export(participant_id)` gives what the person takes away in their download (JSON, and CSV rows of section,
    record, field, value); nested lists of records are allowed one level deep (a goal's progress notes).
    `erase(participant_id, now)` deletes the rows or anonymises them, keeping anonymous counts where the product
    keeps them; it runs inside the erasure's one transaction, after the person's open places have been ended.
    `tables` are every table whose rows this entry exports and erases (the registry test checks coverage)."""

    name: str
    tables: tuple[type[Table], ...]
    export: Callable[[int], Awaitable[Section]]
    erase: Callable[[int, datetime], Awaitable[None]]


_REGISTRY: dict[str, PersonalData] = {}


def register(entry: PersonalData) -> PersonalData:
    """Adds an entry; registering the same name again replaces it (a module imported twice in tests)."""
    _REGISTRY[entry.name] = entry
    return entry


def entries() -> list[PersonalData]:
    """In registration order: the order of the sections in the download."""
    return list(_REGISTRY.values())


def covered_tables() -> set[type[Table]]:
    return {table for entry in _REGISTRY.values() for table in entry.tables}


def holding_personal_data(tables: Iterable[type[Table]], person: type[Table]) -> set[type[Table]]:
    """The tables whose rows belong to a person: the person's own table, those with a foreign key to it, and those
    with a foreign key to one of these (a goal's progress notes, a response's answers), however deep."""
    tables = list(tables)
    found = {person}
    grew = True
    while grew:
        grew = False
        for table in tables:
            if table in found:
                continue
            targets = {key._foreign_key_meta.resolved_references for key in table._meta.foreign_key_columns}
            if targets & found:
                found.add(table)
                grew = True
    return found


async def export(participant_id: int) -> dict[str, Section]:
    return {entry.name: await entry.export(participant_id) for entry in entries()}


def export_csv(data: dict[str, Section]) -> str:
    """The same data as rows of section, record number, field, value: one flat table a spreadsheet opens."""
    rows: list[list[Any]] = []
    for section, records in data.items():
        for number, record in enumerate([records] if isinstance(records, dict) else records, start=1):
            for field, value in record.items():
                if isinstance(value, list):
                    # Nested records, one row each: "progress_note_1", "2026-01-05T… the note".
                    for inner_number, inner in enumerate(value, start=1):
                        text = " ".join("" if cell is None else str(cell) for cell in inner.values())
                        rows.append([section, number, f"{field.removesuffix('s')}_{inner_number}", text])
                else:
                    rows.append([section, number, field, value])
    return to_csv(["section", "record", "field", "value"], rows, bom=False)


async def erase(participant_id: int, now: datetime) -> None:
    """Every entry's erasure, the latest registered first (answers before the person's own record); the caller
    holds the transaction."""
    for entry in reversed(entries()):
        await entry.erase(participant_id, now)
    await participant_changed(participant_id)
