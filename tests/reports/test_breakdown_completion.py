"""The reports' "completed" is the certificates' completion rule (server/attendance/completion.py): staff marked the
enrolment completed, or a finished workshop's member reached its threshold — the same in Python and in SQL."""

from datetime import UTC, datetime, timedelta
from itertools import product

from report_helpers import enrol, make_program, mark, session_at

from server import clock
from server.attendance import rates
from server.attendance.completion import certificate_due, completed_sql, has_completed
from server.attendance.rates import Rate, meets_threshold
from server.reports import breakdowns
from server.reports.sql import raw

NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)


async def test_the_sql_rule_says_completed_exactly_when_the_python_rule_does(db):
    cases = product(
        ("skill_workshop", "support_group"),
        ("implementation", "evaluation", "closed"),
        ("enrolled", "completed", "withdrawn"),
        ((0, 0), (3, 1), (2, 2), (1, 3)),
        (0, 50, 75),
    )
    for kind, phase, status, (attended, absent), threshold in cases:
        program = {"kind": kind, "phase": phase}
        expected = has_completed(program, status, meets_threshold(Rate(attended, absent).rate, threshold))
        row = (
            await raw(
                f"""
            SELECT CASE WHEN {completed_sql("e", "p", "f")} THEN 1 ELSE 0 END AS done
            FROM (SELECT :status AS status) e,
                 (SELECT :kind AS kind, :phase AS phase, CAST(:threshold AS INTEGER) AS completion_threshold) p,
                 (SELECT CAST(:attended AS INTEGER) AS attended, CAST(:absent AS INTEGER) AS absent) f
            """,
                status=status,
                kind=kind,
                phase=phase,
                threshold=threshold,
                attended=attended,
                absent=absent,
            )
        )[0]
        assert bool(row["done"]) is expected, (kind, phase, status, attended, absent, threshold)


def test_a_certificate_is_due_exactly_when_a_workshop_was_completed():
    for phase, status, met in product(("implementation", "evaluation"), ("enrolled", "completed"), (True, False)):
        program = {"kind": "skill_workshop", "phase": phase}
        assert certificate_due(program, status, met) is has_completed(program, status, met)


async def _workshop(phase: str):
    """A workshop (threshold 75 %) with four past sessions: one member came to all four, one to two, and one marked
    completed by staff who came once."""
    program = await make_program(slug=f"tamat-{phase}", phase=phase, completion_threshold=75)
    sessions = [await session_at(program, NOW - timedelta(days=30 - 7 * n)) for n in range(4)]
    joined = NOW - timedelta(days=60)
    everyone = await enrol(program, "Rajin", joined, gender="female")
    half = await enrol(program, "Separuh", joined, gender="female")
    marked = await enrol(program, "Ditandai", joined, status="completed", gender="female")
    for n, session in enumerate(sessions):
        await mark(session, everyone, "present" if n % 2 else "late")
        await mark(session, half, "present" if n < 2 else "absent")
        await mark(session, marked, "present" if n == 0 else "absent")
    return program


async def test_a_finished_workshops_member_who_reached_the_threshold_counts_as_completed(db):
    with clock.frozen(NOW):
        program = await _workshop("evaluation")
        found = await breakdowns.program_breakdowns(program.id, 1, 2026)
        summaries = await rates.participant_summaries(
            {"id": program.id, "kind": "skill_workshop", "phase": "evaluation", "completion_threshold": 75}
        )
    assert found["total"] == {"served": 3, "completed": 2}
    # The same two people the attendance tab gives a certificate.
    assert sorted(row["display_name"] for row in summaries if row["certificate"]) == ["Ditandai", "Rajin"]


async def test_a_running_workshops_rate_is_not_a_completion(db):
    with clock.frozen(NOW):
        program = await _workshop("implementation")
        found = await breakdowns.program_breakdowns(program.id, 1, 2026)
    assert found["total"] == {"served": 3, "completed": 1}
