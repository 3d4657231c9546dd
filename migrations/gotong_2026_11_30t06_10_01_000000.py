"""One announcement per preview: a unique index on (program, form_key), in a migration of its own because raw steps
run before the column the previous one adds. SQLite cannot add a constraint to an existing table; both engines accept
a unique index (NULLs, the announcements sent before previews had keys, do not collide) and ON CONFLICT targets it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T06:10:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "one announcement per preview"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS announcement_program_form_key ON announcement (program, form_key)"
        )

    manager.add_raw(create_index)
    return manager
