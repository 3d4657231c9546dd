"""raw() runs SQL with named parameters on both engines, and keeps each statement's rewriting into the engine's
placeholders: the same statement with lists of other lengths (or an empty one) must still bind the right values.
On PostgreSQL, the dashboard's statements keep one plan instead of being planned on every view."""

import re
from datetime import timedelta

import pytest
from factories import make_program, make_session, make_staff

from server import clock
from server.attendance import rates
from server.cases import referrals
from server.cases import services as cases
from server.config import settings
from server.db import engine, raw, start_pool
from server.schedule import services as schedule

IN_LIST = "SELECT id AS id FROM program WHERE id IN (:ids) AND title <> :skip ORDER BY id"


async def test_named_parameters_bind_in_order_and_repeat(db):
    rows = await raw(
        "SELECT CAST(:a AS INTEGER) AS a, CAST(:b AS TEXT) AS b, CAST(:a AS INTEGER) AS again", a=7, b="tujuh"
    )
    assert rows == [{"a": 7, "b": "tujuh", "again": 7}]


async def test_one_statement_with_lists_of_each_length_binds_each_item(db):
    programs = [(await make_program(slug=f"kelas-{n}", title=f"Kelas {n}")).id for n in range(3)]
    for wanted in (programs, programs[:1], programs[1:], [], programs):
        rows = await raw(IN_LIST, ids=wanted, skip="none")
        assert [row["id"] for row in rows] == sorted(wanted)
    # The scalar after the list still binds to its own placeholder, whatever the list's length.
    assert [row["id"] for row in await raw(IN_LIST, ids=programs, skip="Kelas 1")] == [programs[0], programs[2]]


async def test_a_parameter_missing_is_an_error_not_a_silent_null(db):
    with pytest.raises(KeyError):
        await raw("SELECT :a AS a", b=1)


@pytest.mark.skipif(not settings.is_postgres, reason="PostgreSQL's plan cache")
async def test_the_dashboards_statements_keep_one_plan(db):
    """asyncpg prepares each statement once a connection; PostgreSQL plans it for its values five times, then keeps
    a generic plan unless that looks dearer. At the size of an organisation (not of this test's few rows) a LIMIT or
    a flag bound as a parameter made it look dearer, so these were planned anew on every view (0.1 to 0.4 ms each):
    they write them into the SQL instead."""
    now = clock.now()
    organizer = await make_staff(role="organizer")
    await make_session(await make_program(slug="kelas", title="Kelas"), starts_in=timedelta(days=1))
    await start_pool(min_size=1, max_size=1)
    try:
        for _ in range(8):
            await rates.early_warnings_page(organizer, now, limit=5, up_to=6)
            await cases.crisis_cases(organizer)
            await schedule.upcoming_public_sessions(limit=8, now=now)
            await schedule.staff_agenda_page(organizer, 7, now, limit=5, up_to=6)
            await referrals.referral_follow_ups(organizer, limit=6)
        async with engine().pool.acquire() as connection:  # the pool's one connection, which prepared them
            plans = await connection.fetch(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
                "WHERE statement NOT LIKE '%pg_prepared_statements%' AND (statement LIKE 'WITH warned%' "
                "OR statement LIKE '%c.crisis%' OR statement LIKE '%p.visibility = ''public''%' "
                "OR statement LIKE '%facilitator_name%' OR statement LIKE '%partner_name%')"
            )
    finally:
        await engine().close_connection_pool()
    assert len(plans) == 5
    for plan in plans:
        assert plan["custom_plans"] <= 5 and plan["generic_plans"] >= 3, plan["statement"][:80]
        assert not re.search(r"LIMIT \$|OFFSET \$|crisis = \$|status IN \(\$", plan["statement"]), plan["statement"][
            :80
        ]
