"""Legacy individual goals and progress notes remember the case plan row each was copied to (issue 16)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "individual goals and progress notes remember where they moved"

PARAMS = {
    "default": None,
    "null": True,
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)
    for class_name, tablename in (("IndividualGoal", "individual_goal"), ("ProgressNote", "progress_note")):
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name="moved_to",
            db_column_name="moved_to",
            column_class_name="Integer",
            column_class=Integer,
            params=PARAMS,
            schema=None,
        )
    return manager
