"""Counting the SQL queries a request runs, to prove pages do not grow queries with the data."""

from __future__ import annotations

import contextlib

from piccolo.engine import engine_finder


@contextlib.contextmanager
def count_queries():
    engine_class = type(engine_finder())
    original = engine_class.run_querystring
    counter = {"n": 0}

    async def counting(self, querystring, in_pool=True):
        counter["n"] += 1
        return await original(self, querystring, in_pool=in_pool)

    engine_class.run_querystring = counting
    try:
        yield counter
    finally:
        engine_class.run_querystring = original
