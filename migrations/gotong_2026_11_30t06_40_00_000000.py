from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T06:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "optional 'about you' answers of participants: gender, year of birth, disability, area"


def _params(**extra):
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)
    for name, length in (("gender", 20), ("disability", 6), ("area", 120)):
        manager.add_column(
            table_class_name="Participant",
            tablename="participant",
            column_name=name,
            db_column_name=name,
            column_class_name="Varchar",
            column_class=Varchar,
            params=_params(length=length, default=""),
            schema=None,
        )
    manager.add_column(
        table_class_name="Participant",
        tablename="participant",
        column_name="birth_year",
        db_column_name="birth_year",
        column_class_name="Integer",
        column_class=Integer,
        params=_params(default=None, null=True),
        schema=None,
    )
    return manager
