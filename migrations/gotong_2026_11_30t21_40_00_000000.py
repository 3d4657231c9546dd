"""Programs in implementation without goals, kept per program (issue 13): the organizers' data checks read the
organisation's totals instead of summing every program's row. Add-only; `migrate` rebuilds the kept counts, since
the new totals are missing (server/reports/checks_kept.py, `missing`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "programs without goals in the kept check counts"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    manager.add_column(
        table_class_name="ProgramCheckCount",
        tablename="program_check_count",
        column_name="without_goals",
        db_column_name="without_goals",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
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
