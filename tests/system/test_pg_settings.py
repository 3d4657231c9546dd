"""Every PostgreSQL connection the app opens carries Gotong's session settings (server.db.PG_SETTINGS): the planner
prices random reads as on SSD storage, which keeps a program report's "who was served" a lookup of its people
rather than a scan of everyone."""

from server.config import settings
from server.db import PG_SETTINGS, pg_config, raw


async def test_postgresql_engines_carry_the_planner_settings_and_connections_use_them(db):
    # The engine the app builds for PostgreSQL passes them on every connect and pool.
    config = pg_config("postgresql://gotong@127.0.0.1:5432/gotong")
    assert config == {"dsn": "postgresql://gotong@127.0.0.1:5432/gotong", "server_settings": PG_SETTINGS}
    assert PG_SETTINGS == {"random_page_cost": "1.1"}
    # And a live connection of the suite's engine has them, when the suite runs on PostgreSQL.
    if settings.is_postgres:
        [row] = await raw("SELECT current_setting('random_page_cost') AS value")
        assert row["value"] == "1.1"
