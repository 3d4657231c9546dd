from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T03:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "survey and question texts in a bilingual survey's second language"


def _translations(table_class_name: str, tablename: str) -> dict:
    return {
        "table_class_name": table_class_name,
        "tablename": tablename,
        "column_name": "translations",
        "db_column_name": "translations",
        "column_class_name": "JSON",
        "column_class": JSON,
        "params": {
            "default": "{}",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        "schema": None,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)
    # Add-only: existing surveys and questions get {} (no translation), and their primary-language columns, which
    # results, exports and codebooks read, are left as they are.
    manager.add_column(**_translations("Survey", "survey"))
    manager.add_column(**_translations("Question", "question"))
    return manager
