"""Measures the participant import at 1,000 and 5,000 rows (consents, area, enrolment into a program with room):
seconds and queries. Not collected by the suite; run it by name, on SQLite or PostgreSQL (TEST_DATABASE_URL):

    .venv/bin/python -m pytest -q -s tests/imports/measure_import.py
    IMPORT_ROWS=1000 .venv/bin/python -m pytest -q -s tests/imports/measure_import.py
"""

from __future__ import annotations

import os
import time
from datetime import date

import pytest
from dbsetup import USING_POSTGRES
from factories import make_program
from import_files import csv_bytes
from querycount import count_queries

from server.enrolment.tables import Enrolment
from server.imports import services
from server.imports.reading import read_sheet
from server.people.tables import Participant
from server.reports import checks_kept

HEADER = ["Nama", "No. HP", "Email", "Desa", "Persetujuan ikut", "Persetujuan data", "Persetujuan dihubungi"]
MAPPING = [
    "display_name",
    "phone",
    "email",
    "area",
    "consent_participation",
    "consent_data_collection",
    "consent_contact",
]
SIZES = [int(size) for size in os.environ.get("IMPORT_ROWS", "1000,5000").split(",")]


def sheet_of(count: int):
    body = [
        [
            f"Warga {n}",
            f"0813 {n // 10000:02d}{n % 10000:04d} 77",
            f"warga{n}@contoh.id",
            f"Desa {n % 40}",
            "2026-03-01",
            "ya",
            "ya",
        ]
        for n in range(1, count + 1)
    ]
    return read_sheet("warga.csv", csv_bytes(body, HEADER), 50 * 1024 * 1024)


@pytest.mark.parametrize("count", SIZES)
async def test_measure_import(organizer, count):
    await checks_kept.rebuild_all()
    program = await make_program(capacity=count + 10)
    sheet = sheet_of(count)
    started = time.perf_counter()
    with count_queries() as counter:
        outcome = await services.import_participants(
            organizer, sheet, MAPPING, {}, filename="warga.csv", default_date=date(2026, 3, 1), program_id=program.id
        )
    seconds = time.perf_counter() - started
    engine = "postgresql" if USING_POSTGRES else "sqlite"
    print(f"\nIMPORT engine={engine} rows={count} seconds={seconds:.2f} queries={counter['n']}")
    assert outcome.created == outcome.enrolled == count
    assert await Participant.count().run() == count
    assert await Enrolment.count().where(Enrolment.status == "enrolled").run() == count
    assert await checks_kept.kept() == await checks_kept.from_scratch()
