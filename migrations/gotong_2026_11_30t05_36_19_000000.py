"""Indexes of the kept people-served rows (issue 13): which page each serves is in docs/performance.md, "Kept
attendance figures". A migration of its own because raw steps run before the table a migration adds."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T05:36:19:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes of the kept people served"

# Plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run.
INDEXES = (
    # The distinct people of a calendar month, quarter or year: /reports' people served (a count of index entries).
    "CREATE INDEX IF NOT EXISTS served_period_kind_start ON served_period (kind, start, participant)",
    # Guests' visits of a range of months (participant IS NULL), a person's months (the keeper): /reports.
    "CREATE INDEX IF NOT EXISTS served_month_participant_month ON served_month (participant, month)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
