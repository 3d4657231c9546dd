"""SQLite's planner gets statistics, and keeps getting them as the data grows: `migrate` writes them and the
delivery loop refreshes them every few hours (without them the staff program list read the wrong index: 145 ms a
view instead of 3.6 ms at 300 programs). PostgreSQL analyzes by itself."""

from datetime import UTC, datetime

from factories import make_program, make_session

from server.db import engine, raw, refresh_planner_statistics
from server.messages import jobs


async def _analysed_tables() -> set[str]:
    return {row["tbl"] for row in await raw("SELECT tbl FROM sqlite_stat1")}


async def test_the_delivery_loop_writes_the_planner_statistics_of_what_the_tables_hold_now(db):
    assert "planner statistics" in jobs.registered()
    if engine().engine_type != "sqlite":
        assert await refresh_planner_statistics() is False
        return
    program = await make_program(slug="statistik")
    await make_session(program)
    assert await refresh_planner_statistics() is True
    assert {"program", "program_session"} <= await _analysed_tables()
    await raw("DELETE FROM sqlite_stat1")
    jobs.forget_runs()
    assert await jobs.run_due(datetime.now(UTC)) >= 0
    assert {"program", "program_session"} <= await _analysed_tables()
