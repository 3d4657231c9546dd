"""Every API request runs the same number of queries whatever the size of the data."""

from __future__ import annotations

import pytest
from api_helpers import bearer, make_key
from querycount import count_queries
from report_helpers import bulk_program
from survey_helpers import NEEDS_QUESTIONS, make_survey, respond

from server import clock
from server.api import auth


@pytest.fixture(autouse=True)
def _fresh_limiter():
    auth.limiter.reset()


async def _counts(client, key, program, survey) -> dict[str, int]:
    paths = [
        "/api/v1/programs",
        "/api/v1/programs/{program}",
        "/api/v1/programs/{program}/sessions",
        "/api/v1/programs/{program}/figures",
        "/api/v1/surveys",
        "/api/v1/surveys/{survey}/results",
        "/api/v1/data-checks",
    ]
    found = {}
    for path in paths:
        url = path.format(program=program.id, survey=survey["id"])
        with count_queries() as counter:
            response = await client.get(url, headers=bearer(key))
        assert response.status_code == 200, (url, response.text[:300])
        found[path] = counter["n"]
    return found


async def test_api_queries_do_not_grow_with_the_data(client, admin):
    now = clock.now()
    small = await bulk_program("kecil", sessions=2, people=2, now=now)
    small_survey = await make_survey(admin, questions=NEEDS_QUESTIONS, program=small.id)
    for _ in range(5):
        await respond(small_survey, {"rw": "rw01", "clean": 3}, program_id=small.id)
    _, key = await make_key(admin)
    await client.get("/api/v1/programs", headers=bearer(key))  # the key's hourly use is noted now, not below
    few = await _counts(client, key, small, small_survey)

    big = await bulk_program("besar", sessions=12, people=30, now=now)
    big_survey = await make_survey(admin, questions=NEEDS_QUESTIONS, program=big.id)
    for n in range(25):
        await respond(big_survey, {"rw": f"rw0{n % 3 + 1}", "clean": n % 5 + 1, "score": n % 10}, program_id=big.id)
    many = await _counts(client, key, big, big_survey)
    assert few == many
    # The key's lookup and at most a few reads per endpoint.
    assert max(many.values()) <= 10, many
