"""Certificates of completion only for people who completed a skill workshop: their enrolment is completed, or the
workshop has finished (evaluation or closed) and they reached the threshold. The tab's link follows the same rule,
and the certificate's dates are those of the sessions actually held."""

from datetime import UTC, datetime, timedelta

import pytest
from attendance_helpers import enrol, mark, session_at
from conftest import sign_in
from factories import make_program

from server.attendance.completion import certificate_due, certificate_refusal
from server.i18n import format_date, use_locale
from server.programs.tables import Program, TeamMember

WEEK = timedelta(weeks=1)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def running(db, facilitator):
    """A workshop of 8 weekly sessions, 2 held (everyone present), 6 still to come."""
    program = await make_program(slug="jahit", title="Kelas Jahit", completion_threshold=75, phase="implementation")
    await TeamMember(program=program.id, staff=facilitator.id, role="lead").save().run()
    start = now() - 2 * WEEK + timedelta(days=1)
    sessions = [await session_at(program, start + n * WEEK, status="held" if n < 2 else "scheduled") for n in range(8)]
    return program, sessions


async def _present_at_held(sessions, person) -> None:
    for session in sessions[:2]:
        await mark(session, person, "present")


async def _set_phase(program, phase: str) -> None:
    await Program.update({Program.phase: phase}).where(Program.id == program.id).run()


def _certificate_url(person: int) -> str:
    return f"/manage/programs/jahit/participants/{person}/certificate"


async def test_no_certificate_while_the_workshop_runs_after_2_of_8_sessions(client, facilitator, running):
    program, sessions = running
    person = await enrol(program, "Sari", now() - 3 * WEEK)
    await _present_at_held(sessions, person)  # 100% so far
    await sign_in(client, facilitator.username)
    refused = await client.get(_certificate_url(person))
    assert refused.status_code == 409 and "still running" in refused.text
    assert "has completed the skill workshop" not in refused.text
    tab = await client.get("/manage/programs/jahit/attendance")
    assert tab.status_code == 200 and _certificate_url(person) not in tab.text


async def test_completed_enrolment_gets_a_certificate_with_the_held_dates(client, facilitator, running):
    program, sessions = running
    person = await enrol(program, "Sari", now() - 3 * WEEK, status="completed", ended_at=now())
    await _present_at_held(sessions, person)
    await sign_in(client, facilitator.username)
    page = await client.get(_certificate_url(person))
    assert page.status_code == 200 and "has completed the skill workshop" in page.text
    # From the first to the last session actually held, not to the last one planned.
    first, last, planned_end = (sessions[i]["starts_at"].astimezone(UTC) for i in (0, 1, 7))
    assert _long(first) in page.text and _long(last) in page.text and _long(planned_end) not in page.text
    tab = await client.get("/manage/programs/jahit/attendance")
    assert _certificate_url(person) in tab.text


def _long(moment: datetime) -> str:
    with use_locale("en"):
        return format_date(moment, "long", "Asia/Jakarta")


@pytest.mark.parametrize("phase", ["evaluation", "closed"])
async def test_finished_workshop_certifies_who_reached_the_threshold(client, facilitator, running, phase):
    program, sessions = running
    good = await enrol(program, "Sari", now() - 3 * WEEK)
    weak = await enrol(program, "Budi", now() - 3 * WEEK)
    left = await enrol(program, "Citra", now() - 3 * WEEK, status="withdrawn", ended_at=now())
    await _present_at_held(sessions, good)
    await _present_at_held(sessions, left)
    await mark(sessions[0], weak, "present")
    await mark(sessions[1], weak, "absent")
    await _set_phase(program, phase)
    await sign_in(client, facilitator.username)
    assert (await client.get(_certificate_url(good))).status_code == 200
    below = await client.get(_certificate_url(weak))
    assert below.status_code == 409 and "at least 75%" in below.text
    assert (await client.get(_certificate_url(left))).status_code == 409  # withdrew: did not complete
    tab = (await client.get("/manage/programs/jahit/attendance")).text
    assert _certificate_url(good) in tab
    assert _certificate_url(weak) not in tab and _certificate_url(left) not in tab


def test_certificate_rule_without_http():
    workshop = {"kind": "skill_workshop", "phase": "implementation"}
    finished = {**workshop, "phase": "evaluation"}
    assert certificate_refusal(workshop, "enrolled", True) == "still_running"
    assert certificate_due(workshop, "completed", False)  # staff marked it completed: the fact, not a forecast
    assert certificate_due(finished, "enrolled", True)
    assert certificate_refusal(finished, "enrolled", False) == "below_threshold"
    assert certificate_refusal(finished, "withdrawn", True) == "not_member"
    assert certificate_refusal({**finished, "kind": "support_group"}, "completed", True) == "not_a_workshop"


async def test_certificate_carries_the_organisation_name(client, facilitator, admin, running):
    from server.organisation import services as organisation

    program, sessions = running
    person = await enrol(program, "Sari", now() - 3 * WEEK, status="completed", ended_at=now())
    await _present_at_held(sessions, person)
    await organisation.save_organisation(admin, {"name": "Yayasan Sehat Bersama"})
    await sign_in(client, facilitator.username)
    page = await client.get(_certificate_url(person))
    certificate = page.text.split('class="certificate"', 1)[1]
    assert "Yayasan Sehat Bersama" in certificate
