"""Early warnings read the kept figures a page at a time: they name the same people, with the same runs, as each
program's rates (the computation the attendance tab uses), fresh programs and stale ones alike."""

from datetime import timedelta

import pytest
from attendance_helpers import NOW, enrol, mark, session_at, weekly_sessions
from factories import make_program, make_staff

from server import clock
from server.attendance import rates
from server.attendance.rules import raw
from server.attendance.stats import stale_programs_sql
from server.enrolment.tables import Enrolment
from server.organisation import services as organisation
from server.people.tables import Participant
from server.programs.tables import TeamMember

WEEK = timedelta(weeks=1)
# Each person's marks on four weekly sessions (None: left unmarked, which counts as absent).
PATTERNS = {
    "steady": ("present", "present", "present", "present"),
    "one": ("present", "present", "present", "absent"),
    "two": ("present", "present", "absent", "absent"),
    "three": ("present", "absent", None, "absent"),
    "four": ("absent", "absent", "absent", "absent"),
    "excused": ("present", "absent", "excused", "absent"),
}


async def _program(slug: str, **values) -> tuple[object, dict[str, int]]:
    """A program with four past weekly sessions and one person per pattern (plus a withdrawn and an anonymised
    person who would be warned); returns the program and its people by pattern."""
    program = await make_program(slug=slug, title=f"Kelas {slug}", **values)
    people = {name: await enrol(program, f"{slug} {name}", NOW - 6 * WEEK) for name in PATTERNS}
    people["left"] = await enrol(program, f"{slug} left", NOW - 6 * WEEK)
    people["anonymised"] = await enrol(program, f"{slug} anonymised", NOW - 6 * WEEK)
    sessions = await weekly_sessions(program, 4, NOW - 5 * WEEK)
    for name, statuses in PATTERNS.items():
        for session, status in zip(sessions, statuses, strict=True):
            if status:
                await mark(session, people[name], status)
    for name in ("left", "anonymised"):
        for session in sessions:
            await mark(session, people[name], "absent")
    await (
        Enrolment.update({Enrolment.status: "withdrawn", Enrolment.ended_at: NOW - timedelta(days=1)})
        .where((Enrolment.participant == people["left"]) & (Enrolment.program == program.id))
        .run()
    )
    await (
        Participant.update({Participant.anonymised_at: NOW - timedelta(days=1)})
        .where(Participant.id == people["anonymised"])
        .run()
    )
    return program, people


async def _from_rates(program_ids: list[int]) -> list[tuple[int, int, int]]:
    """(streak, program, participant) of the warned people, computed program by program by participant_rates, in
    the dashboard's order."""
    threshold = (await organisation.load()).absence_warning_streak
    active = {
        (row["program"], row["participant"])
        for row in await Enrolment.select(Enrolment.program, Enrolment.participant)
        .where((Enrolment.status == "enrolled") & Enrolment.ended_at.is_null())
        .where(Enrolment.participant.anonymised_at.is_null())
        .run()
    }
    found = []
    for program_id in program_ids:
        for participant_id, rate in (await rates.participant_rates(program_id, NOW)).items():
            if rate.streak >= threshold and (program_id, participant_id) in active:
                found.append((rate.streak, program_id, participant_id))
    return sorted(found, key=lambda row: (-row[0], row[1], row[2]))


@pytest.fixture
async def world(db):
    with clock.frozen(NOW - 2 * WEEK):
        fresh, _ = await _program("segar")
        stale, stale_people = await _program("basi")
        closed, _ = await _program("tutup", phase="closed")
        archived, _ = await _program("arsip", archived=True)
    # Stale: a session recorded as held in advance has started since the program's figures were kept, so its
    # unmarked members' runs are one longer than the kept rows say. Kept before it starts, whatever today's date
    # (kept at the real time, past NOW - 1 hour, they counted it already and nothing was stale).
    with clock.frozen(NOW - 2 * WEEK):
        await session_at(stale, NOW - timedelta(hours=1))
    return {"fresh": fresh, "stale": stale, "closed": closed, "archived": archived, "stale_people": stale_people}


async def test_early_warnings_name_the_people_each_programs_rates_warn(world):
    assert {row["program"] for row in await raw(stale_programs_sql(), now=NOW)} == {world["stale"].id}
    organizer = await make_staff(role="organizer")
    expected = await _from_rates([world["fresh"].id, world["stale"].id])
    warnings = await rates.early_warnings(organizer, NOW)
    assert [(w["streak"], w["program_id"], w["participant_id"]) for w in warnings] == expected
    # The stale program's runs come from its marks: "one" missed the session that has just started too.
    assert (2, world["stale"].id, world["stale_people"]["one"]) in expected
    assert {w["slug"] for w in warnings} == {"segar", "basi"}  # closed and archived programs warn nobody
    assert await rates.count_early_warnings(organizer, NOW) == len(expected)


async def test_early_warnings_page_by_page_are_the_whole_list_and_the_count_can_stop(world):
    organizer = await make_staff(role="organizer")
    everyone = await rates.early_warnings(organizer, NOW)
    pages = [await rates.early_warnings(organizer, NOW, limit=3, offset=offset) for offset in range(0, 15, 3)]
    assert [w for page in pages for w in page] == everyone
    assert await rates.count_early_warnings(organizer, NOW, up_to=4) == 4
    assert await rates.count_early_warnings(organizer, NOW, up_to=100) == len(everyone)


async def test_a_facilitator_is_warned_about_their_own_programs_only(world):
    facilitator = await make_staff(role="facilitator")
    await TeamMember(program=world["stale"].id, staff=facilitator.id, role="lead").save().run()
    expected = await _from_rates([world["stale"].id])
    warnings = await rates.early_warnings(facilitator, NOW)
    assert [(w["streak"], w["program_id"], w["participant_id"]) for w in warnings] == expected
    assert await rates.count_early_warnings(facilitator, NOW) == len(expected)


async def test_the_dashboards_page_of_warnings_reads_kept_rows_alone_once_no_program_is_stale(world):
    """The page reads the kept rows alone when no program's figures are stale, and the marks of the stale ones
    otherwise: both name the people, runs and order of the full computation."""
    from server.attendance import stats

    organizer = await make_staff(role="organizer")
    assert await rates.any_stale_program(NOW)
    page, total = await rates.early_warnings_page(organizer, NOW, limit=50, up_to=101)
    assert page == await rates.early_warnings(organizer, NOW) and total == len(page)
    with clock.frozen(NOW):
        await stats.program_changed(world["stale"].id)
    assert not await rates.any_stale_program(NOW)
    page, total = await rates.early_warnings_page(organizer, NOW, limit=50, up_to=101)
    everyone = await rates.early_warnings(organizer, NOW)
    assert page == everyone and total == len(everyone)
    assert (2, world["stale"].id, world["stale_people"]["one"]) in [
        (w["streak"], w["program_id"], w["participant_id"]) for w in page
    ]
    first, total = await rates.early_warnings_page(organizer, NOW, limit=3, up_to=4)
    assert first == everyone[:3] and total == 4
