"""Indexes for the pages that grow with the organisation: composite indexes on the foreign key and time range (or
status) that their queries filter on together. Which index serves which page: docs/performance.md, "Indexes"."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T02:13:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes for pages at any size"

# Plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run.
INDEXES = (
    # A program's sessions in a time range, in time order: attendance tab and sheet, program report, counted
    # sessions of the rates and early warnings, upcoming counts of the staff program list, agenda.
    "CREATE INDEX IF NOT EXISTS program_session_program_starts_at ON program_session (program, starts_at)",
    # Sessions of one status from an instant on, in time order: the home page's and dashboard's next public
    # sessions, the catalogue's next session per program (status = 'scheduled' AND starts_at >= now).
    "CREATE INDEX IF NOT EXISTS program_session_status_starts_at ON program_session (status, starts_at)",
    # A program's members (status in enrolled/completed/withdrawn) or waiting list: marks of the rates and early
    # warnings, roster, capacity.
    "CREATE INDEX IF NOT EXISTS enrolment_program_status ON enrolment (program, status)",
    # A person's consent for one purpose: data checks (no consent, contact without consent) on /reports/checks
    # and the dashboard.
    "CREATE INDEX IF NOT EXISTS consent_participant_purpose ON consent (participant, purpose)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
