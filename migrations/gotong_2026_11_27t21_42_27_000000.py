"""Unique pairs (one enrolment per person and program, one RSVP and one attendance row per person and session)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-27T21:42:27:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique pairs as indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    # SQLite cannot add a constraint to an existing table, so pairs that must be unique get unique
    # indexes, which both engines accept and which ON CONFLICT upserts can target.
    async def unique_pairs():
        from piccolo.engine import engine_finder

        db = engine_finder()
        for statement in (
            "CREATE UNIQUE INDEX IF NOT EXISTS enrolment_participant_program ON enrolment (participant, program)",
            "CREATE UNIQUE INDEX IF NOT EXISTS rsvp_session_participant ON rsvp (session, participant)",
            "CREATE UNIQUE INDEX IF NOT EXISTS attendance_session_participant ON attendance (session, participant)",
        ):
            await db.run_ddl(statement)

    manager.add_raw(unique_pairs)

    return manager
