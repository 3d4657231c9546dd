"""Indexes of /reports' lists at any size (issue 13): which page each serves is in docs/performance.md, "Indexes".
Add-only, plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes of the organisation report's lists"

INDEXES = (
    # Attendance by program, a page by title: the programs are walked in title order and the walk stops at the
    # page's end (PostgreSQL 10x: a sort of 3,000 programs' rows before).
    "CREATE INDEX IF NOT EXISTS program_title_id ON program (title, id)",
    # Programs in implementation without goals, the first ten by title: read in title order within the phase.
    "CREATE INDEX IF NOT EXISTS program_phase_title_id ON program (phase, title, id)",
    # Sessions of the coming week (the overview's count): counted from the index alone, each program's row looked up
    # once, instead of reading every session's row for its status (PostgreSQL 10x: 1,700 rows a view).
    "CREATE INDEX IF NOT EXISTS program_session_starts_at_status_program ON program_session (starts_at, status, program)",
    # A calendar period's kept totals of every program read from the index alone (its count and lowest rates).
    "CREATE INDEX IF NOT EXISTS program_period_stats_kind_start_cover ON program_period_stats "
    "(kind, start, program, members, attended, absent, excused, sessions, people)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
