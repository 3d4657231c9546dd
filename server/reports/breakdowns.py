"""Who was served, broken down: people served and how many completed, by gender, age group, disability and area,
with the small-group rule applied to every cell (for the organisation report, program reports and their CSV).

People served are the organisation overview's (server/reports/organisation.py, server/attendance/served.py): the
distinct participants with a present or late mark on a session that is not cancelled. Completed: those of them
who completed a program by server/attendance/completion.py's rule, the certificates' (staff marked the enrolment
completed, or a finished workshop's member reached its threshold; a running program's rate is a forecast, not a
completion).

A calendar month, quarter or year (the organisation report's periods) is read from the kept groups
(server/attendance/served.py: people served per period and group), and its completions are counted from the
completions: the cost follows the groups and the completions, not the people served. A program over its whole life,
another run of months or a range of days is one aggregate query over its people served; the groups are made here
from its rows (age groups need the report's year). Both go through `tables_of`.

Small groups (settings.min_group_size, as survey results): each breakdown is a partition of the people served,
shown with its total, so a cell of 1 to min - 1 people is not shown, and then more cells are hidden until the
hidden ones together hold none or at least min (server/surveys/small_groups.py): a total minus the shown cells
never reveals a small group. A completed count follows its own column's rule, and is hidden with its row's count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

from server import clock
from server.attendance.completion import completed_sql, finished_workshops_sql
from server.attendance.rates import rates_sql
from server.attendance.served import (
    DIMENSIONS,
    T_SERVED_GROUP,
    T_SERVED_MONTH,
    T_SERVED_PERIOD,
    groups_of,
    kept_timezone,
    served_marks_sql,
)
from server.i18n import N_
from server.i18n import gettext as _
from server.people.profile import AGE_GROUPS, GENDERS
from server.reports.periods import Period, kept_kind
from server.reports.sql import T_ENROLMENT, T_PARTICIPANT, T_PROGRAM, as_int, raw
from server.surveys.small_groups import suppressed_groups, too_small
from server.web.labels import LABELS

Key = TypeVar("Key", bound=Hashable)

UNKNOWN = ""  # the group of people whose answer is not recorded
# A hidden cell: too small to show, or hidden with it so that the total cannot reveal it.
SMALL, HIDDEN = "small", "hidden"

LABELS.register(
    "breakdown",
    {
        "gender": N_("Gender"),
        "age_group": N_("Age group"),
        "disability": N_("Disability (Washington Group)"),
        "area": N_("Area"),
    },
)
LABELS.register(
    "age_group",
    {"0-17": N_("0–17 years"), "18-24": N_("18–24 years"), "25-59": N_("25–59 years"), "60+": N_("60 years and over")},
)
LABELS.register("disability_status", {"yes": N_("With a disability"), "no": N_("Without a disability")})

ORDER = {
    "gender": GENDERS,
    "age_group": tuple(code for code, _low, _high in AGE_GROUPS),
    "disability": ("yes", "no"),
}


def protect(counts: Mapping[Key, int], minimum: int) -> dict[Key, int | str]:
    """Each group's count, or SMALL (1 to minimum - 1) or HIDDEN (hidden with the small ones so that the shown
    total minus the shown groups cannot reveal them). Empty groups are shown: there is no one to reveal."""
    hidden = suppressed_groups(counts, minimum)
    return {
        key: (SMALL if too_small(size, minimum) else HIDDEN) if key in hidden else size for key, size in counts.items()
    }


def protect_total(total: int, minimum: int) -> int | str:
    return SMALL if too_small(total, minimum) else total


def _done_sql(program_id: int | None) -> str:
    """The attendance figures of finished workshops (where completion is by attendance) and `done`: the people who
    completed a program (server/attendance/completion.py's rule). `done` starts from the completions (enrolments
    marked completed, members of finished workshops: the rule holds for nobody else), not from everyone served: at
    50,000 people served it read their 100,000 enrolments."""
    one = "" if program_id is None else " AND p.id = :program"
    workshops = f'{{program}} IN (SELECT p.id FROM "{T_PROGRAM}" p WHERE {finished_workshops_sql("p")}{one})'
    return (
        rates_sql(workshops)
        + f""",
    done AS (
        SELECT e.participant AS pid
        FROM "{T_ENROLMENT}" e JOIN "{T_PROGRAM}" p ON p.id = e.program
        WHERE e.status = 'completed'{one}
        UNION
        SELECT e.participant AS pid
        FROM "{T_ENROLMENT}" e JOIN "{T_PROGRAM}" p ON p.id = e.program
        LEFT JOIN figures f ON f.participant_id = e.participant AND f.program_id = e.program
        WHERE {finished_workshops_sql("p")} AND {completed_sql("e", "p", "f")}{one}
    )"""
    )


def _served_sql(served: str, program_id: int | None) -> str:
    """People served (`served`: a SELECT of distinct `pid`) and completed, grouped by answers."""
    return (
        _done_sql(program_id)
        + f""",
    served AS ({served})
    SELECT pr.gender AS gender, pr.birth_year AS birth_year, pr.disability AS disability, pr.area AS area,
           COUNT(*) AS served, SUM(CASE WHEN d.pid IS NULL THEN 0 ELSE 1 END) AS completed
    FROM served sv JOIN "{T_PARTICIPANT}" pr ON pr.id = sv.pid LEFT JOIN done d ON d.pid = sv.pid
    GROUP BY pr.gender, pr.birth_year, pr.disability, pr.area
    """
    )


def _from_marks(scope: str) -> str:
    return f"SELECT DISTINCT m.participant AS pid FROM ({served_marks_sql(scope)}) m WHERE m.participant IS NOT NULL"


# Per breakdown, per group as kept (an area as typed, single-spaced): [people served, of whom completed].
Counts = dict[str, dict[str, list[int]]]


async def served_rows(period: Period | None = None, program_id: int | None = None) -> list[dict[str, Any]]:
    """People served (and completed) per combination of answers: in a period over every program, or in one
    program over its whole life, from the kept months of who was served (server/attendance/served.py), so the cost
    follows the people served, not the marks; a range of days, or rows kept in another timezone, is counted from
    the marks. One query (organisation_breakdowns reads a calendar period's kept groups instead)."""
    now = clock.now()
    if program_id is not None:
        served = f'SELECT DISTINCT participant AS pid FROM "{T_SERVED_MONTH}" WHERE program = :program'
        served += " AND participant IS NOT NULL"
        rows = await raw(_served_sql(served, program_id), program=program_id, now=now)
    else:
        assert period is not None
        kind = kept_kind(period)
        if kind is None or (await kept_timezone()) not in (None, clock.organisation_timezone()):
            sql = _served_sql(_from_marks("s.starts_at >= :start AND s.starts_at < :end"), None)
            rows = await raw(sql, start=period.start, end=period.end, now=now)
        elif kind == "months":
            served = (
                f'SELECT DISTINCT participant AS pid FROM "{T_SERVED_MONTH}" WHERE month >= :first '
                "AND month < :after AND participant IS NOT NULL"
            )
            rows = await raw(
                _served_sql(served, None), first=period.first, after=period.last + timedelta(days=1), now=now
            )
        else:
            served = f'SELECT participant AS pid FROM "{T_SERVED_PERIOD}" WHERE kind = :kind AND start = :first'
            rows = await raw(_served_sql(served, None), kind=kind, first=period.first, now=now)
    return [{**row, "served": as_int(row["served"]), "completed": as_int(row["completed"])} for row in rows]


def counts_of(rows: Sequence[Mapping[str, Any]], year: int) -> Counts:
    """Rows of served_rows (people per combination of answers) as counts per breakdown and group."""
    counts: Counts = {dimension: defaultdict(lambda: [0, 0]) for dimension in DIMENSIONS}
    for row in rows:
        for dimension, value in zip(DIMENSIONS, groups_of(row, year), strict=True):
            counts[dimension][value][0] += row["served"]
            counts[dimension][value][1] += row["completed"]
    return counts


async def kept_counts(kind: str, first: date) -> Counts | None:
    """A calendar month's, quarter's or year's counts from the kept groups (server/attendance/served.py): the
    people served per group, and those of them who completed, counted from the completions. One query, whose cost
    follows the groups and the completions, not the people served. None when the rows are kept in another timezone
    than today's (the caller counts from the marks)."""
    groups = ", ".join(f"sp.{name} AS {name}" for name in DIMENSIONS)
    none = ", ".join(f"CAST(NULL AS VARCHAR(120)) AS {name}" for name in DIMENSIONS)
    rows = await raw(
        _done_sql(None)
        + f"""
    SELECT 'served' AS part, g.dimension AS dimension, g.value AS value, CAST(g.people AS BIGINT) AS people, {none},
           (SELECT timezone FROM "{T_SERVED_MONTH}" LIMIT 1) AS timezone
    FROM "{T_SERVED_GROUP}" g WHERE g.kind = :kind AND g.start = :first AND g.people <> 0
    UNION ALL
    SELECT 'completed' AS part, NULL AS dimension, NULL AS value, COUNT(*) AS people, {groups}, NULL AS timezone
    FROM "{T_SERVED_PERIOD}" sp JOIN done d ON d.pid = sp.participant
    WHERE sp.kind = :kind AND sp.start = :first
    GROUP BY {", ".join(f"sp.{name}" for name in DIMENSIONS)}
    """,
        kind=kind,
        first=first,
        now=clock.now(),
    )
    if any(row["part"] == "served" and row["timezone"] not in (None, clock.organisation_timezone()) for row in rows):
        return None
    counts: Counts = {dimension: defaultdict(lambda: [0, 0]) for dimension in DIMENSIONS}
    for row in rows:
        if row["part"] == "served":
            counts[row["dimension"]][row["value"] or ""][0] += as_int(row["people"])
        else:
            for dimension in DIMENSIONS:
                counts[dimension][row[dimension] or ""][1] += as_int(row["people"])
    return counts


def _label(dimension: str, key: str, names: Mapping[str, str]) -> str:
    if key == UNKNOWN:
        return _("Not recorded")
    if dimension == "area":
        return names[key]
    return LABELS.label(
        {"gender": "gender", "age_group": "age_group", "disability": "disability_status"}[dimension], key
    )


def breakdown_tables(rows: Sequence[Mapping[str, Any]], year: int, minimum: int) -> dict[str, Any]:
    """The four tables of served_rows' rows, every cell protected (tables_of)."""
    return tables_of(counts_of(rows, year), minimum)


def tables_of(counts: Counts, minimum: int) -> dict[str, Any]:
    """The four tables, every cell protected: {"total": {...}, "tables": [{"dimension", "rows": [...]}]}. Areas
    are grouped whatever their case; each is named by its spelling with the most people (then the first in
    order)."""
    # Everyone served has exactly one gender group (perhaps "not recorded").
    served_total = sum(people for people, _finished in counts["gender"].values())
    completed_total = sum(finished for _people, finished in counts["gender"].values())
    tables = []
    for dimension in DIMENSIONS:
        served: dict[str, int] = defaultdict(int)
        completed: dict[str, int] = defaultdict(int)
        names: dict[str, str] = {}
        spellings: dict[str, tuple[int, str]] = {}
        for value, (people, finished) in counts[dimension].items():
            key = value.casefold() if dimension == "area" else value
            served[key] += people
            completed[key] += finished
            if dimension == "area" and key and (key not in spellings or (-people, value) < spellings[key]):
                spellings[key] = (-people, value)
        names = {key: value for key, (_people, value) in spellings.items()}
        keys = list(ORDER.get(dimension, ())) or sorted(key for key in served if key != UNKNOWN)
        keys = [key for key in keys if key != UNKNOWN] + [UNKNOWN]
        for key in keys:
            served.setdefault(key, 0)
            completed.setdefault(key, 0)
        shown_served = protect(served, minimum)
        shown_completed = protect(completed, minimum)
        table_rows = []
        for key in keys:
            done = shown_completed[key]
            # A row whose people are hidden hides what they did too.
            if not isinstance(shown_served[key], int) and isinstance(done, int) and done:
                done = HIDDEN
            table_rows.append(
                {"key": key, "label": _label(dimension, key, names), "served": shown_served[key], "completed": done}
            )
        tables.append({"dimension": dimension, "title": LABELS.label("breakdown", dimension), "rows": table_rows})
    return {
        "total": {
            "served": protect_total(served_total, minimum),
            "completed": protect_total(completed_total, minimum),
        },
        "tables": tables,
        "minimum": minimum,
    }


async def organisation_breakdowns(period: Period, minimum: int) -> dict[str, Any]:
    """The organisation report's "who was served" over a period: a calendar month's, quarter's or year's from the
    kept groups (one query), another period's from the kept months or the marks (one or two)."""
    kind = kept_kind(period)
    if kind in ("month", "quarter", "year"):
        counts = await kept_counts(kind, period.first)
        if counts is not None:
            return tables_of(counts, minimum)
    return breakdown_tables(await served_rows(period=period), period.last.year, minimum)


async def program_breakdowns(program_id: int, minimum: int, year: int) -> dict[str, Any]:
    """A program report's "who was served" over the program's whole life, ages in `year`. One query."""
    return breakdown_tables(await served_rows(program_id=program_id), year, minimum)


def cell_text(value: int | str, minimum: int) -> str:
    """A cell as the page and the CSV write it."""
    if value == SMALL:
        return _("fewer than %(n)s", n=minimum)
    if value == HIDDEN:
        return _("hidden")
    return str(value)


def csv_rows(found: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The tables as one CSV: breakdown, group, people served, completed; a total line first."""
    minimum = found["minimum"]
    header = [_("Breakdown"), _("Group"), _("People served"), _("Completed")]
    rows = [
        [
            _("All"),
            _("Total"),
            cell_text(found["total"]["served"], minimum),
            cell_text(found["total"]["completed"], minimum),
        ]
    ]
    for table in found["tables"]:
        for row in table["rows"]:
            rows.append(
                [table["title"], row["label"], cell_text(row["served"], minimum), cell_text(row["completed"], minimum)]
            )
    return header, rows
