"""The staff dashboard's referral follow-ups and crisis cases read in their order (issue 13): which page each index
serves is in docs/performance.md, "Indexes". Add-only, plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes
the migration safe to re-run."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes of the dashboard's follow-ups and crisis cases"

INDEXES = (
    # Referrals by follow-up date, the dashboard's order (server/cases/referrals.py, referral_follow_ups): the first
    # few open ones are read in order and the walk stops there, instead of joining every open referral to its case
    # and sorting them all. Not partial: the open statuses come as bound parameters, which SQLite cannot match to
    # an index's WHERE.
    "CREATE INDEX IF NOT EXISTS referral_follow_up ON referral (follow_up_on, id)",
    # Open crisis cases, newest first (server/cases/services.py, crisis_cases): equal crisis and status, then in
    # the order shown, instead of reading every case.
    "CREATE INDEX IF NOT EXISTS case_file_crisis_opened ON case_file (crisis, status, opened_at)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
