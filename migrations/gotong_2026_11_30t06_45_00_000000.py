"""Indexes of the staff dashboard (issue 13): which page each serves is in docs/performance.md, "Indexes".
Add-only, plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T06:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes of the staff dashboard"

INDEXES = (
    # Early warnings in their order (longest runs first, then program and person): a page of the kept rows is read
    # from the index and stops at the page's end, however many people are warned.
    "CREATE INDEX IF NOT EXISTS enrolment_stats_warning ON enrolment_stats (streak DESC, program, participant)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
