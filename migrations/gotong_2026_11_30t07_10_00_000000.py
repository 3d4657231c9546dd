"""The data checks' "past sessions with no attendance" (issue 13): a partial index holding only unrecorded sessions.
Add-only, plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T07:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "partial index of unrecorded sessions"

INDEXES = (
    # Unrecorded sessions are the future ones and a few past ones; PostgreSQL's estimate of the past ones, from
    # independent column statistics, is a thousand times too high and made it scan every session (38 ms at 10x).
    # In this index a range `ends_at < now` reads just the past unrecorded sessions (1 ms).
    "CREATE INDEX IF NOT EXISTS session_stats_unrecorded_ends_at ON session_stats (ends_at) "
    "WHERE recorded = 0 AND status IN ('held', 'scheduled')",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
