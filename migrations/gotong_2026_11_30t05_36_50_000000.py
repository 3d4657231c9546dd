"""Indexes of the data checks' kept counts (issue 13): which page each serves is in docs/performance.md, "Indexes".
A migration of its own because raw steps run before the table a migration adds. The rows themselves are computed
by `migrate` when they are missing (server/reports/checks_kept.py, `missing`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T05:36:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes of the data checks' kept counts"

# Plain SQL valid on SQLite and PostgreSQL; IF NOT EXISTS makes the migration safe to re-run.
INDEXES = (
    # The members of a key's group, when a person changes (counted by key), and the people of a listed group.
    "CREATE INDEX IF NOT EXISTS person_check_phone_key ON person_check (phone_key)",
    "CREATE INDEX IF NOT EXISTS person_check_email_key ON person_check (email_key)",
    "CREATE INDEX IF NOT EXISTS person_check_name_key ON person_check (name_key)",
    # A page of people with contact details and no consent to be contacted, or enrolled without consent to take
    # part, in the order of their number: /reports/checks lists them without sorting every problem.
    "CREATE INDEX IF NOT EXISTS person_check_contact ON person_check (contact_without_consent, participant)",
    "CREATE INDEX IF NOT EXISTS person_check_participation ON person_check (no_participation, participant)",
    # One row per shared key; the page lists them in key order.
    "CREATE UNIQUE INDEX IF NOT EXISTS duplicate_group_reason_key ON duplicate_group (reason, dup_key)",
    # Programs past their end date still in implementation.
    "CREATE INDEX IF NOT EXISTS program_phase_ends_on ON program (phase, ends_on)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_indexes():
        db = engine_finder()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
