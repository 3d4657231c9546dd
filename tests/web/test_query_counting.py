"""The query counter of the per-page query-count tests (tests/querycount.py) counts a page's own queries: the
stored session's hourly rewrite, which falls into whichever request comes at the turn of an hour, is left out."""

from __future__ import annotations

import time

from querycount import count_queries

from server.web import sessions


async def test_a_count_across_the_turn_of_an_hour_equals_a_count_within_it(organizer_client, monkeypatch):
    await organizer_client.get("/dashboard")
    with count_queries() as within:
        assert (await organizer_client.get("/dashboard")).status_code == 200
    later = time.time() + 3600
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    writes = []
    original = sessions.ServerSideSessionBackend.store_in_message

    async def recording(self, scope_session, message, connection):
        writes.append(True)
        return await original(self, scope_session, message, connection)

    monkeypatch.setattr(sessions.ServerSideSessionBackend, "store_in_message", recording)
    with count_queries() as across:
        assert (await organizer_client.get("/dashboard")).status_code == 200
    assert writes, "the session was written again in the new hour"
    assert across["n"] == within["n"] > 0
