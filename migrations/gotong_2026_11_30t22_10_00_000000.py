"""The public catalogue's order at any size (issue 13): which page each index serves is in docs/performance.md,
"Indexes". Add-only, plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T22:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index of the catalogue's order"

INDEXES = (
    # Programs by the title the public sees (the neutral title of a discreet one), the catalogue's ORDER BY
    # (server/programs/services/listing.py, _DISPLAYED_TITLE): a page is read in order and the walk stops at its
    # end, instead of sorting every public program (PostgreSQL 10x: 1.6 ms to 0.1 ms a view). Not partial: the
    # filters come as bound parameters, which SQLite cannot match to an index's WHERE.
    "CREATE INDEX IF NOT EXISTS program_displayed_title ON program "
    "((lower(CASE WHEN discreet THEN public_title ELSE title END)), id)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
