"""The participants list in its order (issue 13): which page each index serves is in docs/performance.md,
"Indexes". Add-only, plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T12:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index of the participants list"

INDEXES = (
    # The participants list by name (then id, for a stable order): a page is read from the index and stops at its
    # end, instead of sorting every person of the organisation (12 ms at 50,000 people on PostgreSQL).
    "CREATE INDEX IF NOT EXISTS participant_display_name_id ON participant (display_name, id)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
