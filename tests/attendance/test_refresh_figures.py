"""Kept attendance figures go stale as sessions start; the delivery loop's job makes them exact again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from dbsetup import reset_database
from factories import make_program

from server import clock
from server.attendance import refresh, stats
from server.attendance.rules import raw
from server.enrolment.tables import Enrolment
from server.messages import jobs
from server.people.tables import Participant
from server.schedule.tables import ProgramSession

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _stale(now: datetime) -> set[int]:
    return {row["program"] for row in await raw(stats.stale_programs_sql(), now=now)}


async def _program_with_a_session_tomorrow() -> int:
    program = await make_program()
    person = Participant(display_name="Ayu")
    await person.save().run()
    await Enrolment(program=program.id, participant=person.id, status="enrolled", enrolled_at=START).save().run()
    await ProgramSession.insert(
        ProgramSession(
            program=program.id,
            uid=f"refresh-{program.id}",
            starts_at=START + timedelta(days=1),
            ends_at=START + timedelta(days=1, hours=1),
            status="held",  # recorded in advance (an import): it counts once it has started
        )
    ).run()
    return program.id


@pytest.mark.usefixtures("_template_database")
def test_figures_made_stale_by_a_session_starting_are_recomputed_by_the_job():
    async def scenario():
        await reset_database()
        first = await _program_with_a_session_tomorrow()
        second = await _program_with_a_session_tomorrow()
        await stats.rebuild_all(START)
        assert await _stale(START) == set()

        later = START + timedelta(days=2)  # both sessions have started: their unmarked member counts as absent
        assert await _stale(later) == {first, second}
        with clock.frozen(later):
            assert await refresh.refresh_stale_figures(later, limit=1) == 1  # a batch at a time
            assert len(await _stale(later)) == 1
            assert await refresh.refresh_stale_figures(later) == 1
        assert await _stale(later) == set()
        assert await stats.kept_figures() == await stats.figures_from_marks(later)
        assert {row["absent"] for row in await stats.kept_figures()} == {1}

    asyncio.run(scenario())


def test_every_delivery_loop_runs_the_refresh():
    assert "attendance figures" in jobs.registered()
