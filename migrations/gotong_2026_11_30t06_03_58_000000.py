"""Indexes of the kept period counts (issue 13): which page each serves is in docs/performance.md, "Kept
attendance figures". A migration of its own because raw steps run before the table a migration adds."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T06:03:58:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes of the kept period counts"

# Plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run.
INDEXES = (
    # One row per period: /reports' people served; the keeper's upsert (ON CONFLICT needs a unique index).
    "CREATE UNIQUE INDEX IF NOT EXISTS served_count_kind_start ON served_count (kind, start)",
    # A period's row of every program: /reports' attendance by program; the keeper's upsert.
    "CREATE UNIQUE INDEX IF NOT EXISTS program_period_stats_kind_start_program "
    "ON program_period_stats (kind, start, program)",
    # Countable sessions only (held, or with marks): those starting after now in a period, which the kept period
    # totals count and today's figures do not yet (sessions marked in advance: rare, so the range is short).
    "CREATE INDEX IF NOT EXISTS session_stats_countable_starts_at ON session_stats (starts_at) "
    "WHERE status = 'held' OR recorded > 0",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
