from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T05:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "a program's reminder before each session, in hours"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)
    # Add-only: existing programs remind their members 24 hours ahead, the default.
    manager.add_column(
        table_class_name="Program",
        tablename="program",
        column_name="reminder_hours",
        db_column_name="reminder_hours",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 24,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
