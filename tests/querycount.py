"""Counting the SQL queries a request runs, to prove pages do not grow queries with the data."""

from __future__ import annotations

import contextlib
import time

from piccolo.engine import engine_finder

from server.web import store
from server.web.store import T_STORED


def _session_refresh(querystring) -> bool:
    """The stored session is written again once an hour (server/web/sessions.py), during whichever request comes
    then: a count taken across the turn of an hour had one query more. Reading the session still counts."""
    text = str(querystring).lstrip()
    return f'"{T_STORED}"' in text and not text.upper().startswith("SELECT")


@contextlib.contextmanager
def count_queries():
    engine_class = type(engine_finder())
    original = engine_class.run_querystring
    own = "run_querystring" in engine_class.__dict__
    counter = {"n": 0}
    # The session store sweeps expired rows once every SWEEP_EVERY seconds of the process, during whichever request
    # comes then: in a long run it fell inside a counted request now and then (one query more). Counting starts a
    # fresh interval, so only the request's own queries are counted.
    store._last_sweep = time.monotonic()

    async def counting(self, querystring, in_pool=True):
        if not _session_refresh(querystring):
            counter["n"] += 1
        return await original(self, querystring, in_pool=in_pool)

    engine_class.run_querystring = counting
    try:
        yield counter
    finally:
        if own:
            engine_class.run_querystring = original
        else:
            del engine_class.run_querystring  # the inherited method shows through again
