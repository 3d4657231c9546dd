"""Indexes of the kept attendance figures (issue 13): which page each serves is in docs/performance.md, "Indexes".
A migration of its own because raw steps run before the table a migration adds."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T02:43:29:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes of the kept attendance figures"

# Plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run.
INDEXES = (
    # A program's sessions by start: the attendance tab, the program report, reports' attendance by program.
    "CREATE INDEX IF NOT EXISTS session_stats_program_starts_at ON session_stats (program, starts_at)",
    # Sessions held or scheduled with no mark that have ended (cancelled ones, many, are left out by the status):
    # data checks and the dashboard's "attendance not taken".
    "CREATE INDEX IF NOT EXISTS session_stats_recorded_status_ends_at ON session_stats (recorded, status, ends_at)",
    # Every program's sessions in a time window, whatever their program or status: a staff agenda (an organizer's
    # holds every program), the coming week's count on the organisation overview; a session still running from
    # an earlier day is found by its end.
    "CREATE INDEX IF NOT EXISTS program_session_starts_at ON program_session (starts_at)",
    "CREATE INDEX IF NOT EXISTS program_session_ends_at ON program_session (ends_at)",
    # Kept enrolment figures that have gone stale (a session started since the last recompute): early warnings.
    "CREATE INDEX IF NOT EXISTS enrolment_stats_valid_until ON enrolment_stats (valid_until)",
    "CREATE INDEX IF NOT EXISTS enrolment_stats_valid_from ON enrolment_stats (valid_from)",
    # Runs of absences at or over the warning threshold: early warnings.
    "CREATE INDEX IF NOT EXISTS enrolment_stats_streak ON enrolment_stats (streak)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
