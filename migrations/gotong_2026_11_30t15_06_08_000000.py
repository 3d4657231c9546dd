"""Index of the kept breakdowns of people served (issue 13): which page it serves is in docs/performance.md,
"Indexes". A migration of its own because raw steps run before the table a migration adds."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T15:06:08:000000"
VERSION = "1.38.0"
DESCRIPTION = "index of the kept breakdowns of people served"

# Plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run.
INDEXES = (
    # One row per period, breakdown and group: /reports' "who was served"; the keeper's upsert (ON CONFLICT needs a
    # unique index).
    "CREATE UNIQUE INDEX IF NOT EXISTS served_group_kind_start_dimension_value "
    "ON served_group (kind, start, dimension, value)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
