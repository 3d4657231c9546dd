"""The tables and the migration history agree, and every migration applies forwards on an empty database."""


async def test_tables_and_migrations_agree():
    from piccolo.apps.migrations.commands.new import AutoMigrationManager
    from piccolo.conf.apps import Finder

    app_config = Finder().get_app_config("gotong")
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=app_config)
    pending = [statement for group in statements for statement in group.statements]
    assert pending == [], "a table changed without a migration: run `piccolo migrations new gotong --auto`"


async def test_migrations_apply_forwards_on_an_empty_database(db):
    # The per-test database is a copy of a template migrated from empty, on this run's engine (SQLite or
    # PostgreSQL); here we check that every migration file is recorded as applied.
    from pathlib import Path

    from piccolo.apps.migrations.tables import Migration

    applied = {
        row["name"] for row in await Migration.select(Migration.name).where(Migration.app_name == "gotong").run()
    }
    files = {path.stem for path in (Path(__file__).resolve().parents[2] / "migrations").glob("gotong_*.py")}
    assert len(applied) == len(files) and applied
