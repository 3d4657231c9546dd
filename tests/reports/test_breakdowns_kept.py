"""Who was served, broken down, from the kept groups (server/attendance/served.py, ServedGroup): the same tables
as counting the people served one by one, kept in step when someone is served, when their answers change, when
consent to data collection is withdrawn and when they are erased; rebuilt from scratch; areas grouped whatever
their case. The page's query is the kept one (the state machine in tests/attendance/test_stats_consistency.py
drives marks, corrections, cancellations and moves through the same comparison)."""

from datetime import date, timedelta

from factories import make_program, make_staff
from report_helpers import NOW, enrol, mark, session_at

from server import clock
from server.attendance import served, stats
from server.attendance.rules import raw
from server.enrolment.tables import Enrolment
from server.pages.personal_data import erase_participant
from server.people import consent, profile
from server.people.tables import Consent
from server.reports import breakdowns, periods


async def _answers(person: int, **values) -> None:
    with clock.frozen(NOW):
        await profile.save_about(person, values, actor=None)


async def _organisation():
    """Three people served this month in two programs (Ayu in both), one served only last year."""
    a = await make_program(slug="a")
    b = await make_program(slug="b")
    joined = NOW - timedelta(days=500)
    people = {name: await enrol(a, name, joined) for name in ("Ayu", "Budi", "Citra", "Dedi")}
    await Enrolment(participant=people["Ayu"], program=b.id, status="enrolled", enrolled_at=joined).save().run()
    await stats.program_changed(b.id)
    for person in people.values():
        await Consent(participant=person, purpose="data_collection", text_version="2026-11").save().run()
    now_a = await session_at(a, NOW - timedelta(hours=2))
    now_b = await session_at(b, NOW - timedelta(hours=4))
    last_year = await session_at(a, NOW - timedelta(days=400))
    await _answers(people["Ayu"], gender="female", birth_year=1990, area="Desa  Maju")
    await _answers(people["Budi"], gender="male", birth_year=2010, area="desa maju")
    await _answers(people["Citra"], gender="female", birth_year=1950, area="Kota Lama")
    for name in ("Ayu", "Budi", "Citra"):
        await mark(now_a, people[name], "present")
    await mark(now_b, people["Ayu"], "late")
    await mark(last_year, people["Dedi"], "present")
    await stats.program_changed(a.id)
    await stats.program_changed(b.id)
    return a, b, people


def _periods() -> list[periods.Period]:
    year = periods.this_year(NOW)
    found = list(periods.calendar_periods(NOW).values())
    return [*found, year, periods.Period(date(year.first.year - 1, 1, 1), date(year.first.year - 1, 12, 31))]


async def _kept_equals_counting_one_by_one() -> None:
    assert await served.kept_served() == await served.served_from_marks()
    with clock.frozen(NOW):
        for period in _periods():
            kind = periods.kept_kind(period)
            assert kind in ("month", "quarter", "year")
            kept = await breakdowns.kept_counts(kind, period.first)
            assert kept is not None
            counted = breakdowns.counts_of(await breakdowns.served_rows(period=period), period.last.year)
            assert breakdowns.tables_of(kept, 1) == breakdowns.tables_of(counted, 1)


def _cells(found: dict, dimension: str) -> dict[str, tuple]:
    table = next(table for table in found["tables"] if table["dimension"] == dimension)
    return {row["label"]: (row["served"], row["completed"]) for row in table["rows"]}


async def test_the_kept_groups_give_the_tables_of_the_people_served(db):
    await _organisation()
    await _kept_equals_counting_one_by_one()
    with clock.frozen(NOW):
        found = await breakdowns.organisation_breakdowns(periods.this_year(NOW), 1)
    # Ayu counts once although served in two programs; Dedi was served last year only.
    assert found["total"] == {"served": 3, "completed": 0}
    assert _cells(found, "gender")["Female"] == (2, 0)
    assert _cells(found, "gender")["Male"] == (1, 0)
    # One area whatever its case and spacing, named by its spelling with the most people (then the first).
    areas = _cells(found, "area")
    assert areas["Desa Maju"] == (2, 0)
    assert areas["Kota Lama"] == (1, 0)
    assert "desa maju" not in areas
    ages = _cells(found, "age_group")
    assert (ages["0–17 years"], ages["25–59 years"], ages["60 years and over"]) == ((1, 0), (1, 0), (1, 0))


async def test_answers_changed_withdrawn_or_erased_move_the_kept_groups(db):
    _a, _b, people = await _organisation()
    await _answers(people["Budi"], gender="female", birth_year=1999, area="Kota Lama")
    await _kept_equals_counting_one_by_one()
    with clock.frozen(NOW):
        found = await breakdowns.organisation_breakdowns(periods.this_year(NOW), 1)
    assert _cells(found, "gender")["Female"] == (3, 0)
    assert _cells(found, "area")["Kota Lama"] == (2, 0)
    # Withdrawing consent to data collection clears the answers: the person moves to "not recorded".
    with clock.frozen(NOW):
        await consent.withdraw_consent(people["Citra"], "data_collection", actor=None)
    await _kept_equals_counting_one_by_one()
    with clock.frozen(NOW):
        found = await breakdowns.organisation_breakdowns(periods.this_year(NOW), 1)
    assert _cells(found, "gender")["Not recorded"] == (1, 0)
    assert _cells(found, "age_group")["Not recorded"] == (1, 0)
    # Erasure keeps the counts (served stays served) but not the answers.
    admin = await make_staff(role="admin")
    with clock.frozen(NOW):
        await erase_participant(admin, people["Ayu"], now=NOW)
    await _kept_equals_counting_one_by_one()
    with clock.frozen(NOW):
        found = await breakdowns.organisation_breakdowns(periods.this_year(NOW), 1)
    assert found["total"]["served"] == 3
    assert _cells(found, "gender")["Not recorded"] == (2, 0)


async def test_completions_are_counted_in_the_groups_of_the_people_served(db):
    a, _b, people = await _organisation()
    await raw(
        'UPDATE "enrolment" SET status = :status, ended_at = :ended WHERE participant = :person AND program = :program',
        status="completed",
        ended=NOW - timedelta(hours=1),
        person=people["Budi"],
        program=a.id,
    )
    await stats.program_changed(a.id)
    await _kept_equals_counting_one_by_one()
    with clock.frozen(NOW):
        found = await breakdowns.organisation_breakdowns(periods.this_year(NOW), 1)
    assert found["total"] == {"served": 3, "completed": 1}
    assert _cells(found, "gender")["Male"] == (1, 1)
    assert _cells(found, "area")["Desa Maju"] == (2, 1)


async def test_rebuild_stats_recomputes_the_kept_groups(db):
    await _organisation()
    kept = await served.kept_served()
    await raw('DELETE FROM "served_group"')
    await stats.rebuild_all(NOW)
    assert await served.kept_served() == kept == await served.served_from_marks()


async def test_an_upgraded_database_gets_its_groups_without_recomputing_who_was_served(db):
    """Rows kept before the groups were (the migration adds the columns empty and no group)."""
    await _organisation()
    kept = await served.kept_served()
    await raw('DELETE FROM "served_group"')
    await raw("UPDATE \"served_period\" SET gender = '', age_group = '', disability = '', area = ''")
    assert await served.missing_groups()
    assert not await stats.missing_figures()
    assert await served.rebuild_groups() == len(kept["periods"])
    assert await served.kept_served() == kept == await served.served_from_marks()
    assert not await served.missing_groups()


async def test_groups_kept_in_another_timezone_are_not_read(db, monkeypatch):
    await _organisation()
    monkeypatch.setattr(clock, "organisation_timezone", lambda: "Pacific/Honolulu")
    with clock.frozen(NOW):
        year = periods.this_year(NOW)
        assert await breakdowns.kept_counts("year", year.first) is None
        found = await breakdowns.organisation_breakdowns(year, 1)
        counted = breakdowns.breakdown_tables(await breakdowns.served_rows(period=year), year.last.year, 1)
    assert found == counted
