"""Every PostgreSQL connection the app opens carries Gotong's session settings (server.db.PG_SETTINGS): the planner
prices random reads as on SSD storage, which keeps a program report's "who was served" a lookup of its people
rather than a scan of everyone."""

import pytest

from server.config import settings
from server.db import PG_SETTINGS, raw


async def test_connections_carry_the_planner_settings(db):
    if not settings.is_postgres:
        pytest.skip("PostgreSQL's planner settings")
    [row] = await raw("SELECT current_setting('random_page_cost') AS value")
    assert row["value"] == PG_SETTINGS["random_page_cost"] == "1.1"
