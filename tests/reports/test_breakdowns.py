"""Who was served, broken down: the small-group rule on every cell, the counts, the pages and the CSV."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from report_helpers import bulk_program, page_queries, query_difference

from server.reports import breakdowns
from server.reports.breakdowns import HIDDEN, SMALL, protect

# --- the small-group rule (pure) ---------------------------------------------------------------------


def test_a_group_under_the_minimum_is_not_shown():
    assert protect({"a": 10, "b": 7, "c": 6, "d": 2}, 5) == {"a": 10, "b": 7, "c": 6, "d": SMALL} | {"c": HIDDEN}


def test_one_small_group_hides_the_next_smallest_so_the_total_cannot_reveal_it():
    shown = protect({"female": 12, "male": 9, "unsaid": 3}, 5)
    assert shown == {"female": 12, "male": HIDDEN, "unsaid": SMALL}


def test_small_groups_that_together_reach_the_minimum_need_no_complement():
    assert protect({"a": 10, "b": 3, "c": 2}, 5) == {"a": 10, "b": SMALL, "c": SMALL}


def test_empty_groups_are_shown_as_zero():
    assert protect({"a": 8, "b": 0, "c": 6}, 5) == {"a": 8, "b": 0, "c": 6}


def test_no_row_shows_a_count_under_the_minimum_and_no_single_cell_is_hidden_alone():
    rows = [
        {"gender": g, "birth_year": y, "disability": d, "area": a, "served": n, "completed": c}
        for g, y, d, a, n, c in (
            ("female", 1990, "111111", "Cilandak", 7, 2),
            ("male", 1950, "311111", "Cilandak", 2, 1),
            ("", None, "", "", 6, 6),
        )
    ]
    found = breakdowns.breakdown_tables(rows, 2026, 5)
    for table in found["tables"]:
        for column in ("served", "completed"):
            cells = [row[column] for row in table["rows"]]
            assert not any(isinstance(cell, int) and 0 < cell < 5 for cell in cells), (table["dimension"], cells)
            hidden = [cell for cell in cells if not isinstance(cell, int)]
            assert len(hidden) != 1, (table["dimension"], column, cells)


# --- counts ------------------------------------------------------------------------------------------


async def _served_people(now):
    """A program with nine people who came and one who was only absent: five women born 1990 with no difficulty
    in Cilandak (two completed), three men born 1950 with "a lot of difficulty" seeing, one person who said
    nothing, and an absent woman who is not served."""
    from attendance_helpers import enrol, mark, session_at
    from factories import make_program

    program = await make_program(slug="hitung", title="Hitung")
    session = await session_at(program, now - timedelta(days=3))
    cancelled = await session_at(program, now - timedelta(days=2), status="cancelled")
    joined = now - timedelta(days=30)
    people = []
    for n in range(5):
        pid = await enrol(
            program,
            f"Ibu {n}",
            joined,
            status="completed" if n < 2 else "enrolled",
            gender="female",
            birth_year=1990,
            disability="111111",
            area="Cilandak",
        )
        people.append(pid)
        await mark(session, pid, "present" if n else "late")
    for n in range(3):
        pid = await enrol(program, f"Pak {n}", joined, gender="male", birth_year=1950, disability="311111")
        await mark(session, pid, "present")
        await mark(cancelled, pid, "present")
    silent = await enrol(program, "Diam", joined)
    await mark(session, silent, "present")
    absent = await enrol(program, "Absen", joined, gender="female", birth_year=1990)
    await mark(session, absent, "absent")
    return program


async def test_people_served_and_completed_are_counted_by_group(db):
    now = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
    program = await _served_people(now)
    rows = await breakdowns.served_rows(program_id=program.id)
    found = breakdowns.breakdown_tables(rows, 2026, 1)
    assert found["total"] == {"served": 9, "completed": 2}
    tables = {
        table["dimension"]: {row["key"]: (row["served"], row["completed"]) for row in table["rows"]}
        for table in found["tables"]
    }
    assert tables["gender"] == {"female": (5, 2), "male": (3, 0), "another": (0, 0), "unsaid": (0, 0), "": (1, 0)}
    assert tables["age_group"]["25-59"] == (5, 2) and tables["age_group"]["60+"] == (3, 0)
    assert tables["disability"] == {"yes": (3, 0), "no": (5, 2), "": (1, 0)}
    assert tables["area"] == {"cilandak": (5, 2), "": (4, 0)}


async def test_a_period_of_the_kept_rows_counts_as_the_marks_do(db):
    """A calendar month, quarter or year and a run of months read the kept "served" rows; a range of days counts
    the marks. The same people, the same groups."""
    from datetime import date

    from factories import keep_figures

    from server.reports.periods import Period

    now = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
    program = await _served_people(now)
    await keep_figures(program.id)

    def key(rows):
        return sorted(
            (r["gender"], r["birth_year"], r["disability"], r["area"], r["served"], r["completed"]) for r in rows
        )

    by_marks = key(await breakdowns.served_rows(period=Period(date(2026, 6, 2), date(2026, 6, 29))))  # days
    assert sum(row[4] for row in by_marks) == 9
    for period in (
        Period(date(2026, 6, 1), date(2026, 6, 30)),  # month
        Period(date(2026, 4, 1), date(2026, 6, 30)),  # quarter
        Period(date(2026, 1, 1), date(2026, 12, 31)),  # year
        Period(date(2026, 5, 1), date(2026, 7, 31)),  # a run of months
    ):
        assert key(await breakdowns.served_rows(period=period)) == by_marks, period
    assert key(await breakdowns.served_rows(period=Period(date(2026, 7, 1), date(2026, 7, 31)))) == []


async def test_the_threshold_hides_the_small_groups_of_a_program(db):
    now = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
    program = await _served_people(now)
    found = await breakdowns.program_breakdowns(program.id, 5, 2026)
    gender = {row["key"]: row for row in found["tables"][0]["rows"]}
    assert gender["male"]["served"] == SMALL and gender[""]["served"] == SMALL
    # 9 served minus the 5 women would reveal the 4 others: the women are hidden with them.
    assert gender["female"]["served"] == HIDDEN
    assert gender["female"]["completed"] == SMALL
    found = await breakdowns.program_breakdowns(program.id, 3, 2026)
    gender = {row["key"]: row["served"] for row in found["tables"][0]["rows"]}
    # With a threshold of 3: the one silent person is hidden, and the next smallest group with them.
    assert gender == {"female": 5, "male": HIDDEN, "another": 0, "unsaid": 0, "": SMALL}


# --- pages and CSV -----------------------------------------------------------------------------------

SMALL_NUMBER = re.compile(r'<td class="num">\s*([1-4])\s*</td>')


async def test_the_reports_show_who_was_served_without_small_numbers(organizer_client, db):
    program = await _served_people(datetime.now(UTC))
    for url in ("/reports", f"/manage/programs/{program.slug}/report"):
        response = await organizer_client.get(url)
        assert response.status_code == 200
        section = response.text.split('id="who-was-served"', 1)[1].split("</section>", 1)[0]
        assert "Who was served" in response.text or "Siapa yang dilayani" in response.text
        assert not SMALL_NUMBER.search(section), SMALL_NUMBER.search(section)


async def test_the_csv_has_the_same_shape_and_no_small_numbers(organizer_client, db):
    program = await _served_people(datetime.now(UTC))
    for url in ("/reports/breakdowns.csv", f"/manage/programs/{program.slug}/report/breakdowns.csv"):
        response = await organizer_client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/csv")
        assert "hitung" not in response.headers["content-disposition"].lower()
        rows = list(csv.reader(io.StringIO(response.text)))
        assert len(rows[0]) == 4
        assert len(rows) == 1 + 1 + 5 + 5 + 3 + 2  # header, total, gender, age groups, disability, area
        for row in rows[1:]:
            for cell in row[2:]:
                assert not (cell.isdigit() and 0 < int(cell) < 5), row


async def test_a_bad_period_is_refused(organizer_client, db):
    response = await organizer_client.get("/reports/breakdowns.csv?from=2026-05-01&to=2026-01-01")
    assert response.status_code == 400


async def test_the_organisation_csv_is_for_organizers(facilitator_client, db):
    response = await facilitator_client.get("/reports/breakdowns.csv", follow_redirects=False)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url", ["/reports", "/reports/breakdowns.csv", "/manage/programs/{slug}/report/breakdowns.csv"]
)
async def test_query_count_does_not_grow_with_the_people_served(organizer_client, url):
    from server.people.tables import Participant

    now = datetime.now(UTC)
    await bulk_program("kecil", sessions=5, people=5, now=now)

    async def count(slug: str):
        await organizer_client.get(url.format(slug=slug))
        with page_queries() as queries:
            assert (await organizer_client.get(url.format(slug=slug))).status_code == 200
        return queries

    few = await count("kecil")
    await bulk_program("besar", sessions=30, people=40, now=now)
    for n, row in enumerate(await Participant.select(Participant.id).run()):
        await (
            Participant.update(
                {
                    Participant.gender: ("female", "male", "another")[n % 3],
                    Participant.birth_year: 1940 + n,
                    Participant.disability: "113111" if n % 2 else "111111",
                    Participant.area: f"Area {n % 4}",
                }
            )
            .where(Participant.id == row["id"])
            .run()
        )
    many = await count("besar")
    assert few.count == many.count, query_difference(few, many)
