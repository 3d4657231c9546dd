"""The demo organisation's imported spreadsheet: community members of the clean-water project, through the importer."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from server.enrolment.waitlist import load_program
from server.imports.checking import check_rows
from server.imports.mapping import guess_all
from server.imports.reading import read_sheet
from server.imports.services import SKIP, Outcome, import_participants
from server.people.staff import active_staff

DEMO_FILE = Path(__file__).with_name("demo_participants.csv")


async def seed_demo_import(organizer_id: int, program_id: int, today: date) -> Outcome:
    """Imports the demo file as an organizer would: columns as guessed, paper forms dated a month ago, every
    possible duplicate or faulty row skipped, everyone enrolled into the program."""
    actor = await active_staff(organizer_id)
    assert actor is not None
    content = DEMO_FILE.read_bytes()
    sheet = read_sheet(DEMO_FILE.name, content, len(content))
    mapping = guess_all(sheet.headers)
    dated = today - timedelta(days=30)
    preview = await check_rows(sheet, mapping, default_date=dated, program=await load_program(program_id))
    decisions = {row.number: SKIP for row in preview.rows if row.state != "new"}
    return await import_participants(
        actor, sheet, mapping, decisions, filename=DEMO_FILE.name, default_date=dated, program_id=program_id
    )
