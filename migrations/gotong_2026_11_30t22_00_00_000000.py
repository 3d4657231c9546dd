"""The organisation overview's lowest attendance rates at any size (issue 13): which page each index serves is in
docs/performance.md, "Indexes". Add-only, plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the
migration safe to re-run."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index of the lowest attendance rates"

INDEXES = (
    # A calendar period's programs by attendance rate, the expression /reports ranks them by: the lowest ten are
    # read in order and the walk stops there, instead of sorting every program's row (PostgreSQL 10x: 2.6 ms to
    # 0.2 ms a view). Only rows with a rate to rank, as the query asks.
    "CREATE INDEX IF NOT EXISTS program_period_stats_rate ON program_period_stats "
    "(kind, start, (CAST(attended AS DOUBLE PRECISION) / (attended + absent))) "
    "WHERE members > 0 AND attended + absent > 0",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
