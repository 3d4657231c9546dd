"""The PostgreSQL pool gives a connection back without asyncpg's reset query (server/db.py, _keep_session): one round
trip a query instead of two. A transaction left open is still rolled back, so the next user of the connection starts
clean."""

import pytest

from server.config import settings
from server.db import engine, start_pool

pytestmark = pytest.mark.skipif(not settings.is_postgres, reason="the pool's reset is PostgreSQL's")


@pytest.fixture
async def pool(db):
    await start_pool(min_size=1, max_size=1)
    yield engine().pool
    await engine().close_connection_pool()


async def test_a_connection_given_back_sends_no_reset_query(pool):
    sent: list[str] = []

    def log(record) -> None:
        sent.append(record.query)

    async with pool.acquire() as connection:
        connection.add_query_logger(log)
        await connection.fetch("SELECT 1")
    async with pool.acquire() as connection:  # the same connection (one in the pool), given back in between
        await connection.fetch("SELECT 2")
        connection.remove_query_logger(log)
    assert sent == ["SELECT 1", "SELECT 2"]


async def test_a_transaction_left_open_is_rolled_back_before_the_next_user(pool):
    async with pool.acquire() as connection:
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("CREATE TEMPORARY TABLE left_open (n int)")
    async with pool.acquire() as connection:
        assert not connection.is_in_transaction()
        assert await connection.fetchval("SELECT to_regclass('pg_temp.left_open')") is None
