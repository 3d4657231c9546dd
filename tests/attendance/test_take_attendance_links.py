"""Attendance in one tap from where the facilitator is: the dashboard agenda and the session page link straight to
the sheet for today's and past sessions of programs they may mark — never for future or cancelled sessions."""

from datetime import UTC, datetime, timedelta

import pytest
from factories import make_program, make_session

from server import clock

# 10:00 on a Tuesday in Jakarta, where the programs and the organisation are.
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def sheet_link(program, session) -> str:
    return f'href="/manage/programs/{program.slug}/sessions/{session.id}/attendance"'


def session_page(program, session) -> str:
    return f"/manage/programs/{program.slug}/sessions/{session.id}"


@pytest.fixture
async def group(db, facilitator):
    from server.programs.tables import TeamMember

    program = await make_program(slug="dukungan", title="Kelompok Dukungan")
    await TeamMember(program=program.id, staff=facilitator.id, role="lead").save().run()
    return program


async def at(program, starts_at: datetime, status: str = "scheduled"):
    return await make_session(
        program, starts_at=starts_at, ends_at=starts_at + 90 * timedelta(minutes=1), status=status
    )


async def test_agenda_offers_take_attendance_for_todays_sessions_only(facilitator_client, group):
    ended_this_morning = await at(group, NOW - 2 * HOUR)
    under_way = await at(group, NOW - HOUR / 2)
    this_afternoon = await at(group, NOW + 4 * HOUR)
    tomorrow = await at(group, NOW + 24 * HOUR)
    cancelled_today = await at(group, NOW + HOUR, status="cancelled")
    with clock.frozen(NOW):
        page = (await facilitator_client.get("/dashboard")).text
    for session in (ended_this_morning, under_way, this_afternoon):
        assert sheet_link(group, session) in page
    # The session that ended this morning is still on today's agenda, so its sheet is one tap away.
    assert session_page(group, ended_this_morning) in page
    for session in (tomorrow, cancelled_today):
        assert session_page(group, session) in page  # listed ...
        assert sheet_link(group, session) not in page  # ... but nothing to take yet
    assert page.count("Take attendance") == 3


async def test_agenda_offers_no_attendance_for_a_closed_program(facilitator_client, facilitator):
    from server.programs.tables import TeamMember

    closed = await make_program(slug="selesai", phase="closed")
    await TeamMember(program=closed.id, staff=facilitator.id, role="lead").save().run()
    session = await at(closed, NOW - HOUR / 2)
    with clock.frozen(NOW):
        page = (await facilitator_client.get("/dashboard")).text
    assert session_page(closed, session) in page and sheet_link(closed, session) not in page


@pytest.mark.parametrize(
    ("starts", "status", "offered"),
    [
        (NOW - 30 * 24 * HOUR, "held", True),  # a paper register typed in weeks later
        (NOW - 24 * HOUR, "scheduled", True),
        (NOW + 8 * HOUR, "scheduled", True),  # later today: the facilitator opens it as people arrive
        (NOW + 24 * HOUR, "scheduled", False),
        (NOW - 24 * HOUR, "cancelled", False),
    ],
    ids=["past held", "yesterday", "later today", "tomorrow", "cancelled"],
)
async def test_session_page_offers_take_attendance_for_today_and_past(
    facilitator_client, group, starts, status, offered
):
    session = await at(group, starts, status=status)
    with clock.frozen(NOW):
        page = await facilitator_client.get(session_page(group, session))
    assert page.status_code == 200
    assert (sheet_link(group, session) in page.text) is offered
    assert ("Take attendance" in page.text) is offered


async def test_session_page_of_a_closed_program_offers_no_attendance(organizer_client):
    closed = await make_program(slug="ditutup", phase="closed")
    session = await at(closed, NOW - 24 * HOUR, status="held")
    with clock.frozen(NOW):
        page = await organizer_client.get(session_page(closed, session))
    assert page.status_code == 200 and "Take attendance" not in page.text
