"""Attendance rules without HTTP: who counts, rates, early warnings, last write wins, locks, walk-ins, certificates."""

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from attendance_helpers import NOW, enrol, mark, program_row, session_at, stored_status, weekly_sessions
from factories import make_program, make_staff

# The enrolment tests' builders, whether or not that folder was collected in this run.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "enrolment"))

from server.attendance import certificates, registers, sheets
from server.attendance import rates as attendance_rates
from server.errors import DomainError

WEEK = timedelta(weeks=1)


@pytest.fixture
async def workshop(db):
    return await make_program(slug="menjahit", title="Kelas Menjahit", completion_threshold=75)


async def test_sessions_before_joining_are_not_absences(workshop):
    sessions = await weekly_sessions(workshop, 4, NOW - 4 * WEEK)
    early = await enrol(workshop, "Sari", NOW - 5 * WEEK)
    late_joiner = await enrol(workshop, "Budi", sessions[2]["starts_at"] - timedelta(hours=1))
    for session in sessions:
        await mark(session, early, "present")
    for session in sessions[2:]:
        await mark(session, late_joiner, "present")
    rates = await attendance_rates.participant_rates(workshop.id, NOW)
    assert (rates[late_joiner].attended, rates[late_joiner].absent, rates[late_joiner].rate) == (2, 0, 1.0)
    assert rates[early].attended == 4


async def test_sessions_after_leaving_are_not_absences(workshop):
    sessions = await weekly_sessions(workshop, 4, NOW - 4 * WEEK)
    leaver = await enrol(
        workshop, "Dewi", NOW - 5 * WEEK, status="withdrawn", ended_at=sessions[1]["starts_at"] + timedelta(days=1)
    )
    await mark(sessions[0], leaver, "present")
    await mark(sessions[1], leaver, "late")
    rate = (await attendance_rates.participant_rates(workshop.id, NOW))[leaver]
    assert (rate.attended, rate.absent, rate.rate) == (2, 0, 1.0)


async def test_cancelled_sessions_never_count(workshop):
    person = await enrol(workshop, "Sari", NOW - 5 * WEEK)
    held = await session_at(workshop, NOW - 2 * WEEK)
    cancelled = await session_at(workshop, NOW - WEEK, status="cancelled")
    await mark(held, person, "present")
    await mark(cancelled, person, "absent")  # a stray mark left from before the cancellation
    rate = (await attendance_rates.participant_rates(workshop.id, NOW))[person]
    assert (rate.attended, rate.absent, rate.rate) == (1, 0, 1.0)
    summaries = {s["id"]: s for s in await attendance_rates.session_summaries(await program_row(workshop), NOW)}
    assert summaries[cancelled["id"]]["counted"] is False and summaries[cancelled["id"]]["rate"] is None


async def test_excused_is_not_an_absence(workshop):
    person = await enrol(workshop, "Sari", NOW - 5 * WEEK)
    sessions = await weekly_sessions(workshop, 4, NOW - 4 * WEEK)
    for session, status in zip(sessions, ("present", "excused", "excused", "absent"), strict=True):
        await mark(session, person, status)
    rate = (await attendance_rates.participant_rates(workshop.id, NOW))[person]
    assert (rate.attended, rate.absent, rate.excused) == (1, 1, 2)
    assert rate.rate == 0.5  # excused sessions leave the denominator


async def test_late_counts_as_attended(workshop):
    person = await enrol(workshop, "Sari", NOW - 5 * WEEK)
    for session in await weekly_sessions(workshop, 2, NOW - 2 * WEEK):
        await mark(session, person, "late")
    assert await attendance_rates.attendance_rate(workshop.id, person, NOW) == 1.0


async def test_unmarked_member_of_a_held_session_is_absent_but_sessions_not_taken_do_not_count(workshop):
    marked, unmarked = await enrol(workshop, "Sari", NOW - 5 * WEEK), await enrol(workshop, "Budi", NOW - 5 * WEEK)
    taken = await session_at(workshop, NOW - 2 * WEEK, status="scheduled")  # past, attendance recorded: counts
    await mark(taken, marked, "present")
    await session_at(workshop, NOW - WEEK, status="scheduled")  # past, nothing recorded: does not count
    upcoming = await session_at(workshop, NOW + WEEK, status="scheduled")
    await mark(upcoming, marked, "excused")  # excused in advance: not yet a held session
    rates = await attendance_rates.participant_rates(workshop.id, NOW)
    assert (rates[marked].attended, rates[marked].absent, rates[marked].excused) == (1, 0, 0)
    assert (rates[unmarked].attended, rates[unmarked].absent) == (0, 1)


async def test_two_consecutive_absences_raise_early_warning(workshop, facilitator):
    from server.programs.tables import TeamMember

    await TeamMember(program=workshop.id, staff=facilitator.id, role="lead").save().run()
    steady = await enrol(workshop, "Sari", NOW - 6 * WEEK)
    drifting = await enrol(workshop, "Budi", NOW - 6 * WEEK)
    excused_between = await enrol(workshop, "Citra", NOW - 6 * WEEK)
    once = await enrol(workshop, "Dewi", NOW - 6 * WEEK)
    left = await enrol(workshop, "Eko", NOW - 6 * WEEK, status="withdrawn", ended_at=NOW - timedelta(days=1))
    sessions = await weekly_sessions(workshop, 4, NOW - 4 * WEEK)
    plan = {
        steady: ("present", "absent", "present", "present"),
        drifting: ("absent", "present", "absent", "absent"),  # an older absence is not part of the current run
        excused_between: ("present", "absent", "excused", "absent"),  # excused neither breaks nor extends a run
        once: ("present", "present", "present", "absent"),
        left: ("present", "present", "absent", "absent"),  # no longer enrolled: no warning
    }
    for person, statuses in plan.items():
        for session, status in zip(sessions, statuses, strict=True):
            await mark(session, person, status)

    warnings = await attendance_rates.early_warnings(facilitator, NOW)
    assert [(w["display_name"], w["streak"]) for w in warnings] == [("Budi", 2), ("Citra", 2)]
    assert warnings[0]["slug"] == "menjahit"
    # A page at a time (the dashboard), in the same order, with the count of them all.
    assert await attendance_rates.count_early_warnings(facilitator, NOW) == 2
    assert await attendance_rates.early_warnings(facilitator, NOW, limit=1) == warnings[:1]
    assert await attendance_rates.early_warnings(facilitator, NOW, limit=1, offset=1) == warnings[1:]
    organizer = await make_staff(role="organizer")
    assert {w["participant_id"] for w in await attendance_rates.early_warnings(organizer, NOW)} == {
        drifting,
        excused_between,
    }
    outsider = await make_staff(role="facilitator")
    assert await attendance_rates.early_warnings(outsider, NOW) == []
    rows = {
        p["participant_id"]: p for p in await attendance_rates.participant_summaries(await program_row(workshop), NOW)
    }
    assert rows[drifting]["warning"] and not rows[left]["warning"] and not rows[once]["warning"]


async def test_last_write_wins_per_person(workshop, facilitator):
    program = await program_row(workshop)
    session = await session_at(workshop, NOW - timedelta(hours=1), status="scheduled")
    people = [await enrol(workshop, f"Peserta {n}", NOW - WEEK) for n in range(6)]
    other = await make_staff(role="organizer")
    # Two facilitators on the same sheet at once: no mark is lost and no duplicate row appears.
    await asyncio.gather(
        *[sheets.record_attendance(facilitator, program, session, p, status="present", now=NOW) for p in people[:3]],
        *[sheets.record_attendance(other, program, session, p, status="late", now=NOW) for p in people[3:]],
        sheets.record_attendance(facilitator, program, session, people[0], status="absent", now=NOW),
    )
    assert [await stored_status(session, p) for p in people[1:]] == ["present", "present", "late", "late", "late"]
    assert await stored_status(session, people[0]) in ("present", "absent")
    await sheets.record_attendance(facilitator, program, session, people[0], status="late", now=NOW)
    await sheets.record_attendance(other, program, session, people[0], status="excused", now=NOW)
    assert await stored_status(session, people[0]) == "excused"
    from server.attendance.tables import Attendance

    assert await Attendance.count().where(Attendance.session == session["id"]).run() == 6


async def test_a_note_alone_keeps_the_status_someone_else_saved(workshop, facilitator):
    program = await program_row(workshop)
    session = await session_at(workshop, NOW - timedelta(hours=1))
    person = await enrol(workshop, "Sari", NOW - WEEK)
    with pytest.raises(DomainError) as error:
        await sheets.record_attendance(facilitator, program, session, person, note="datang bersama anak", now=NOW)
    assert error.value.code == "mark_first"
    await sheets.record_attendance(facilitator, program, session, person, status="late", now=NOW)
    await sheets.record_attendance(facilitator, program, session, person, note="datang bersama anak", now=NOW)
    sheet = await sheets.sheet(facilitator, program, session, NOW)
    assert (sheet["rows"][0]["status"], sheet["rows"][0]["note"]) == ("late", "datang bersama anak")


async def test_locked_sheet_refuses_facilitator_but_audits_organizer_correction(workshop, facilitator, organizer):
    from server.audit import AuditEvent
    from server.config import settings

    program = await program_row(workshop)
    session = await session_at(workshop, NOW - timedelta(days=settings.attendance_lock_days + 1))
    person = await enrol(workshop, "Sari", NOW - 5 * WEEK)
    await mark(session, person, "absent")
    with pytest.raises(DomainError) as error:
        await sheets.record_attendance(facilitator, program, session, person, status="present", now=NOW)
    assert error.value.code == "sheet_locked"
    assert await stored_status(session, person) == "absent"
    # A day earlier the same sheet was still open, and open sheets leave no audit trail.
    await sheets.record_attendance(facilitator, program, session, person, status="excused", now=NOW - timedelta(days=2))
    assert not await AuditEvent.exists().where(AuditEvent.action == "correct").run()

    await sheets.record_attendance(organizer, program, session, person, status="present", now=NOW)
    assert await stored_status(session, person) == "present"
    event = await AuditEvent.select().where(AuditEvent.action == "correct").first().run()
    assert (event["subject_type"], event["subject_id"], event["actor"]) == ("attendance", session["id"], organizer.id)
    assert "excused -> present" in event["summary"].lower() and str(person) in event["summary"]


async def test_saving_attendance_marks_a_started_session_held(workshop, facilitator):
    from server.schedule.tables import ProgramSession

    program = await program_row(workshop)
    person = await enrol(workshop, "Sari", NOW - WEEK)
    started = await session_at(workshop, NOW - timedelta(minutes=10), status="scheduled")
    later = await session_at(workshop, NOW + timedelta(days=2), status="scheduled")
    await sheets.record_attendance(facilitator, program, started, person, status="present", now=NOW)
    await sheets.record_attendance(facilitator, program, later, person, status="excused", now=NOW)
    rows = await ProgramSession.select(ProgramSession.id, ProgramSession.status).run()
    statuses = {row["id"]: row["status"] for row in rows}
    assert statuses == {started["id"]: "held", later["id"]: "scheduled"}


async def test_marking_a_cancelled_session_is_refused_and_saves_nothing(workshop, facilitator):
    from server.attendance.tables import Attendance

    program = await program_row(workshop)
    session = await session_at(workshop, NOW - timedelta(hours=2), status="cancelled")
    person = await enrol(workshop, "Sari", NOW - WEEK)
    for action in (
        sheets.record_attendance(facilitator, program, session, person, status="present", now=NOW),
        sheets.mark_rest_absent(facilitator, program, session, NOW),
        sheets.add_guest(facilitator, program, session, "tamu", NOW),
    ):
        with pytest.raises(DomainError) as error:
            await action
        assert error.value.code == "session_cancelled"
    assert await Attendance.count().run() == 0


async def test_only_members_and_people_who_joined_since_can_be_marked(workshop, facilitator):
    program = await program_row(workshop)
    session = await session_at(workshop, NOW - timedelta(hours=2))
    waiting = await enrol(workshop, "Menunggu", NOW - WEEK, status="waitlisted")
    left_before = await enrol(
        workshop, "Pergi", NOW - 2 * WEEK, status="withdrawn", ended_at=session["starts_at"] - timedelta(days=1)
    )
    other_program = await make_program(slug="lain")
    stranger = await enrol(other_program, "Orang Lain", NOW - WEEK)
    for person in (waiting, left_before, stranger, 999_999):
        with pytest.raises(DomainError) as error:
            await sheets.record_attendance(facilitator, program, session, person, status="present", now=NOW)
        assert error.value.code == "not_member"
    assert (await sheets.sheet(facilitator, program, session, NOW))["rows"] == []
    newcomer = await enrol(workshop, "Baru", NOW - timedelta(hours=1))
    await sheets.record_attendance(facilitator, program, session, newcomer, status="present", now=NOW)
    assert await stored_status(session, newcomer) == "present"


# --- member at start: by the dates, or by a mark ---------------------------------------------------


def test_member_at_start_predicate_counts_a_mark_as_membership():
    from server.attendance.rules import is_member_at_start

    start = NOW - WEEK
    before = {"status": "enrolled", "enrolled_at": start - WEEK, "ended_at": None}
    joined_later = {"status": "enrolled", "enrolled_at": start + timedelta(days=1), "ended_at": None}
    left = {"status": "withdrawn", "enrolled_at": start - 2 * WEEK, "ended_at": start - WEEK}
    waiting = {"status": "waitlisted", "enrolled_at": start - WEEK, "ended_at": None}
    assert is_member_at_start(before, start, marked=False)
    assert not is_member_at_start(joined_later, start, marked=False)
    assert is_member_at_start(joined_later, start, marked=True)
    assert not is_member_at_start(left, start, marked=False) and is_member_at_start(left, start, marked=True)
    # A mark makes a member count, not a stranger: the enrolment must still be one that counts.
    assert not is_member_at_start(waiting, start, marked=True)


async def test_unmarked_later_joiner_does_not_count_but_a_mark_counts_the_session_for_them(workshop, facilitator):
    # The clock is frozen: the kept figures are recomputed at "now" after each write.
    from server import clock
    from server.attendance import stats

    with clock.frozen(NOW):
        program = await program_row(workshop)
        sessions = [await session_at(workshop, NOW - timedelta(days=days)) for days in (3, 2, 1)]
        sari = await enrol(workshop, "Sari", NOW - 4 * WEEK)
        # Budi was enrolled after all three sessions; the paper register, typed in now, has him at the last two.
        budi = await enrol(workshop, "Budi", NOW - timedelta(hours=1))
        for session in sessions:
            await sheets.record_attendance(facilitator, program, session, sari, status="present", now=NOW)
        rates = await attendance_rates.participant_rates(workshop.id, NOW)
        assert budi not in rates or (rates[budi].attended, rates[budi].absent) == (0, 0)
        sheet = await sheets.sheet(facilitator, program, sessions[1], NOW)
        assert [(g["key"], [r["display_name"] for r in g["rows"]]) for g in sheet["groups"]] == [
            ("members", ["Sari"]),
            ("joined_later", ["Budi"]),
        ]
        assert sheet["counts"]["unmarked"] == 0  # Budi is not missing from a session he had not joined
        assert await sheets.mark_rest_absent(facilitator, program, sessions[1], NOW) == 0  # nor marked by the bulk

        await sheets.record_attendance(facilitator, program, sessions[1], budi, status="late", now=NOW)
        rate = (await attendance_rates.participant_rates(workshop.id, NOW))[budi]
        assert (rate.attended, rate.absent, rate.rate) == (1, 0, 1.0)
        await sheets.record_attendance(facilitator, program, sessions[2], budi, status="absent", now=NOW)
        rate = (await attendance_rates.participant_rates(workshop.id, NOW))[budi]
        assert (rate.attended, rate.absent, rate.rate) == (1, 1, 0.5)
        # The kept figures, the register and the program's sessions follow the same rule.
        kept = {row["participant"]: row for row in await stats.kept_figures()}
        assert (kept[budi]["sessions"], kept[budi]["late"], kept[budi]["absent"]) == (2, 1, 1)
        assert await stats.kept_figures() == await stats.figures_from_marks(NOW)
        grid = await registers.register(program)
        assert [p["cells"] for p in grid["people"] if p["display_name"] == "Budi"] == [[None, "late", "absent"]]
        expected = {row["id"]: row["expected"] for row in await attendance_rates.session_summaries(program, NOW)}
        assert [expected[s["id"]] for s in sessions] == [1, 2, 2]


async def test_rest_absent_keeps_marks_already_saved(workshop, facilitator):
    program = await program_row(workshop)
    session = await session_at(workshop, NOW - timedelta(hours=1), status="scheduled")
    came, missing, excused = [await enrol(workshop, name, NOW - WEEK) for name in ("A", "B", "C")]
    await sheets.record_attendance(facilitator, program, session, came, status="present", now=NOW)
    await mark(session, excused, "excused")
    assert await sheets.mark_rest_absent(facilitator, program, session, NOW) == 1
    assert [await stored_status(session, p) for p in (came, missing, excused)] == ["present", "absent", "excused"]
    assert await sheets.mark_rest_absent(facilitator, program, session, NOW) == 0


async def test_walk_in_is_registered_with_consent_enrolled_from_this_session_and_present(workshop, facilitator):
    from server.enrolment.tables import Enrolment
    from server.people.tables import Consent, Participant

    program = await program_row(workshop)
    earlier = await session_at(workshop, NOW - WEEK)
    session = await session_at(workshop, NOW - timedelta(minutes=30), status="scheduled")
    await enrol(workshop, "Sari", NOW - 2 * WEEK)
    with pytest.raises(DomainError) as error:
        await sheets.add_walk_in(
            facilitator, program, session, display_name="Wati", participation_consent=False, now=NOW
        )
    assert error.value.field == "consent_participation"
    person = await sheets.add_walk_in(
        facilitator, program, session, display_name="Wati", participation_consent=True, now=NOW
    )
    assert await stored_status(session, person) == "present"
    enrolment = await Enrolment.select().where(Enrolment.participant == person).first().run()
    assert enrolment["status"] == "enrolled" and enrolment["enrolled_at"] == session["starts_at"]
    assert await Consent.exists().where((Consent.participant == person) & (Consent.purpose == "participation")).run()
    rate = (await attendance_rates.participant_rates(workshop.id, NOW))[person]
    assert (rate.attended, rate.absent) == (1, 0)  # the session held before they came is not an absence
    assert earlier["status"] == "held"

    closed = await make_program(slug="tertutup", enrolment_mode="approval")
    closed_session = await session_at(closed, NOW - timedelta(minutes=5))
    count = await Participant.count().run()
    with pytest.raises(DomainError) as error:
        await sheets.add_walk_in(
            facilitator,
            await program_row(closed),
            closed_session,
            display_name="Joko",
            participation_consent=True,
            now=NOW,
        )
    assert error.value.code == "walk_in_not_open"
    assert await Participant.count().run() == count


async def test_guests_are_counted_but_not_registered_or_rated(workshop, facilitator):
    program = await program_row(workshop)
    session = await session_at(workshop, NOW - timedelta(minutes=30), status="scheduled")
    person = await enrol(workshop, "Sari", NOW - WEEK)
    await sheets.add_guest(facilitator, program, session, "Tamu dari RW 3", NOW)
    await sheets.record_attendance(facilitator, program, session, person, status="absent", now=NOW)
    sheet = await sheets.sheet(facilitator, program, session, NOW)
    assert [g["guest_label"] for g in sheet["guests"]] == ["Tamu dari RW 3"] and sheet["counts"]["guests"] == 1
    summary = (await attendance_rates.session_summaries(program, NOW))[0]
    assert (summary["guests"], summary["absent"], summary["rate"]) == (1, 1, 0.0)
    assert set(await attendance_rates.participant_rates(workshop.id, NOW)) == {person}


async def test_register_grid_marks_who_was_not_enrolled_yet(workshop):
    program = await program_row(workshop)
    sessions = await weekly_sessions(workshop, 3, NOW - 3 * WEEK)
    await session_at(workshop, NOW - 2 * WEEK + timedelta(days=1), status="cancelled")
    first = await enrol(workshop, "Ani", NOW - 4 * WEEK)
    second = await enrol(workshop, "Budi", sessions[1]["starts_at"] - timedelta(minutes=5))
    await mark(sessions[0], first, "present")
    await mark(sessions[1], first, "late")
    await mark(sessions[1], second, "excused")
    await mark(sessions[2], None, "present", guest_label="tamu")
    grid = await registers.register(program)
    assert [s["id"] for s in grid["sessions"]] == [s["id"] for s in sessions]
    assert [(p["display_name"], p["cells"]) for p in grid["people"]] == [
        ("Ani", ["present", "late", ""]),
        ("Budi", [None, "excused", ""]),
    ]
    assert grid["guests"][sessions[2]["id"]] == ["tamu"]
    jakarta_day = sessions[1]["starts_at"].astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta")).date()
    narrow = await registers.register(program, jakarta_day, jakarta_day)
    assert [s["id"] for s in narrow["sessions"]] == [sessions[1]["id"]]


async def finish(program) -> None:
    """The workshop has finished running: it is in evaluation."""
    from server.programs.tables import Program

    await Program.update({Program.phase: "evaluation"}).where(Program.id == program.id).run()


async def test_certificate_needs_a_workshop_and_the_threshold(workshop, organizer):
    from server.programs.tables import TeamMember

    lead = await make_staff(display_name="Bu Ratna")
    await TeamMember(program=workshop.id, staff=lead.id, role="lead").save().run()
    await finish(workshop)
    program = await program_row(workshop)
    good = await enrol(workshop, "Sari", NOW - 5 * WEEK, legal_name="Sari Wulandari")
    weak = await enrol(workshop, "Budi", NOW - 5 * WEEK)
    sessions = await weekly_sessions(workshop, 4, NOW - 4 * WEEK)
    for session, (a, b) in zip(
        sessions,
        [("present", "present"), ("late", "absent"), ("present", "absent"), ("absent", "excused")],
        strict=True,
    ):
        await mark(session, good, a)
        await mark(session, weak, b)
    certificate = await certificates.certificate(organizer, program, good, NOW)
    assert certificate["rate"] == 0.75 and certificate["lead"] == "Bu Ratna"
    assert certificate["first_at"] == sessions[0]["starts_at"] and certificate["last_at"] == sessions[-1]["starts_at"]
    # An organizer outside the team may not see legal names: the display name is printed.
    assert certificate["name"] == "Sari"
    admin = await make_staff(role="admin")
    assert (await certificates.certificate(admin, program, good, NOW))["name"] == "Sari Wulandari"
    with pytest.raises(DomainError) as error:
        await certificates.certificate(organizer, program, weak, NOW)
    assert error.value.code == "below_threshold"
    group = await program_row(await make_program(slug="kelompok", kind="support_group", phase="evaluation"))
    with pytest.raises(DomainError) as error:
        await certificates.certificate(organizer, group, good, NOW)
    assert error.value.code == "not_a_workshop"


async def test_certificate_of_a_discreet_workshop_uses_the_public_title(organizer):
    program_obj = await make_program(
        slug="rahasia",
        title="Pelatihan Kerja untuk Penyintas KDRT",
        discreet=True,
        public_title="Kelas Keterampilan Kamis",
        phase="evaluation",
    )
    person = await enrol(program_obj, "Sari", NOW - 5 * WEEK)
    for session in await weekly_sessions(program_obj, 2, NOW - 2 * WEEK):
        await mark(session, person, "present")
    certificate = await certificates.certificate(organizer, await program_row(program_obj), person, NOW)
    assert certificate["title"] == "Kelas Keterampilan Kamis"


# --- walk-ins go through enrolment and follow the capacity rule ------------------------------------


async def test_walk_in_when_the_program_is_full_is_counted_as_a_guest(facilitator):
    from server.enrolment.tables import Enrolment
    from server.people.tables import Participant

    full = await make_program(slug="penuh", capacity=1)
    session = await session_at(full, NOW - timedelta(minutes=30), status="scheduled")
    await enrol(full, "Sari", NOW - WEEK)
    people_before, enrolments_before = await Participant.count().run(), await Enrolment.count().run()
    found = await sheets.add_walk_in(
        facilitator, await program_row(full), session, display_name="Wati", participation_consent=True, now=NOW
    )
    assert found is None
    assert (await Participant.count().run(), await Enrolment.count().run()) == (people_before, enrolments_before)
    guests = (await sheets.sheet(facilitator, await program_row(full), session, NOW))["guests"]
    assert [(g["guest_label"], g["status"]) for g in guests] == [("Wati", "present")]


async def test_walk_in_when_the_program_is_full_does_not_jump_the_waitlist(organizer, facilitator):
    from enrolment_helpers import make_person, statuses

    from server.enrolment import services as enrolment
    from server.programs.tables import Program

    group = await make_program(slug="antre", capacity=1)
    first, waiting = await make_person("Ani"), await make_person("Budi")
    await enrolment.enrol(organizer, group.id, first, now=NOW - WEEK)
    await enrolment.enrol(organizer, group.id, waiting, now=NOW - WEEK)
    await Program.update({Program.capacity: 2}).where(Program.id == group.id).run()  # a place frees up
    session = await session_at(group, NOW - timedelta(minutes=30), status="scheduled")
    found = await sheets.add_walk_in(
        facilitator, await program_row(group), session, display_name="Wati", participation_consent=True, now=NOW
    )
    assert found is None  # the free place went to the person waiting
    assert (await statuses(group))["enrolled"] == [first, waiting]


async def test_walk_in_when_the_program_is_full_an_organizer_may_enrol_over_capacity(organizer, facilitator):
    from server.enrolment.tables import Enrolment, EnrolmentChange

    full = await make_program(slug="lebih", capacity=1)
    session = await session_at(full, NOW - timedelta(minutes=30), status="scheduled")
    await enrol(full, "Sari", NOW - WEEK)
    program = await program_row(full)
    with pytest.raises(DomainError) as error:
        await sheets.add_walk_in(
            facilitator, program, session, display_name="Wati", participation_consent=True, over_capacity=True, now=NOW
        )
    assert error.value.code == "organizer_only"
    person = await sheets.add_walk_in(
        organizer, program, session, display_name="Wati", participation_consent=True, over_capacity=True, now=NOW
    )
    assert person is not None and await stored_status(session, person) == "present"
    row = await Enrolment.select(Enrolment.id, Enrolment.status).where(Enrolment.participant == person).first().run()
    assert row["status"] == "enrolled"
    change = (
        await EnrolmentChange.select(EnrolmentChange.note).where(EnrolmentChange.enrolment == row["id"]).first().run()
    )
    assert change["note"] == "walk-in over capacity"
    assert await Enrolment.count().where((Enrolment.program == full.id) & (Enrolment.status == "enrolled")).run() == 2
