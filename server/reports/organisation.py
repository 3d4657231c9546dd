"""The organisation dashboard and the staff dashboard's alert counts: programs by kind and phase, people served,
attendance by program, the coming week, waitlists and alerts.

Like the program report, every figure is an aggregate query, so the dashboard runs a fixed number of queries
whatever the size of the organisation.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from server import clock
from server.attendance import program_periods
from server.attendance import rates as attendance
from server.attendance.rules import member_at_start_sql
from server.attendance.served import T_SERVED_COUNT, T_SERVED_MONTH
from server.attendance.stats import counted_sql
from server.i18n import N_
from server.organisation import services as settings
from server.programs import services as programs
from server.reports import checks
from server.reports.periods import Period, calendar_periods, kept_kind
from server.reports.sql import (
    T_ATTENDANCE,
    T_ENROLMENT,
    T_GOAL,
    T_PROGRAM,
    T_SESSION,
    T_SESSION_STATS,
    as_int,
    instant,
    raw,
    share,
)
from server.web.access import CurrentStaff
from server.web.labels import LABELS
from server.web.pagination import Page, PageRequest, page_of, paginate_counted

UPCOMING_DAYS = 7
LICENCE_NOTICE_DAYS = 30
ALERT_LIST_LIMIT = 10
# Early warnings listed on the organisation dashboard; the rest are counted (each program's attendance tab and the
# staff dashboard list them all, a page at a time).
ALERT_WARNINGS = 20
# The early warnings counted on the overview: past this many the figure reads "more than" (counting every warned
# person of a large organisation grows with it; each program's attendance page counts its own).
WARNINGS_COUNTED = 100
# Programs per page of the "attendance by program" table (the CSV export of programs holds them all), and in the
# chart of the lowest rates.
ATTENDANCE_PAGE = 25
LOWEST_RATES = 10


async def programs_by_kind_and_phase() -> dict[str, Any]:
    """Counts of running (not archived) programs per kind and phase, with totals. One query."""
    rows = await raw(
        f'SELECT kind, phase, COUNT(*) AS n FROM "{T_PROGRAM}" WHERE archived = :archived GROUP BY kind, phase',
        archived=False,
    )
    cells = {(row["kind"], row["phase"]): as_int(row["n"]) for row in rows}
    grid = [
        {
            "kind": kind,
            "cells": [{"phase": phase, "count": cells.get((kind, phase), 0)} for phase in programs.PHASES],
            "total": sum(cells.get((kind, phase), 0) for phase in programs.PHASES),
        }
        for kind in programs.KINDS
    ]
    return {
        "rows": grid,
        "phase_totals": [
            {"phase": phase, "count": sum(cells.get((kind, phase), 0) for kind in programs.KINDS)}
            for phase in programs.PHASES
        ],
        "total": sum(cells.values()),
    }


async def people_served(now: datetime, period: Period) -> dict[str, int]:
    """Unique participants who attended (present or late) at least one non-cancelled session this month, this
    quarter, this year and in the chosen period; guests are visits without a person, counted apart. One query:
    the kept count of each calendar period (server/attendance/served.py: one row each), a distinct count of the kept
    months for another run of whole months, else (a range of days, or the timezone changed since the rows were
    kept) a second one over the marks."""
    periods = {**calendar_periods(now), "range": period}
    kinds = {name: kept_kind(value) for name, value in periods.items()}
    if None in kinds.values():
        return await _people_served_from_marks(periods)
    params: dict[str, Any] = {}
    columns = []
    for name, value in periods.items():
        params[f"{name}_first"], params[f"{name}_after"] = value.first, value.last + timedelta(days=1)
        if kinds[name] == "months":
            columns.append(
                f'(SELECT COUNT(DISTINCT participant) FROM "{T_SERVED_MONTH}" WHERE month >= :{name}_first '
                f"AND month < :{name}_after AND participant IS NOT NULL) AS {name}"
            )
        else:
            params[f"{name}_kind"] = kinds[name]
            columns.append(
                f'(SELECT people FROM "{T_SERVED_COUNT}" WHERE kind = :{name}_kind AND start = :{name}_first) AS {name}'
            )
    if kinds["range"] == "months":
        guests = (
            f'(SELECT SUM(visits) FROM "{T_SERVED_MONTH}" WHERE month >= :range_first AND month < :range_after '
            "AND participant IS NULL)"
        )
    else:
        guests = f'(SELECT guests FROM "{T_SERVED_COUNT}" WHERE kind = :range_kind AND start = :range_first)'
    rows = await raw(
        f"""
        SELECT {", ".join(columns)}, {guests} AS guests,
          (SELECT timezone FROM "{T_SERVED_MONTH}" LIMIT 1) AS timezone
        """,
        **params,
    )
    row = rows[0] if rows else {}
    if row.get("timezone") not in (None, clock.organisation_timezone()):
        return await _people_served_from_marks(periods)
    return {name: as_int(row.get(name)) for name in (*periods, "guests")}


async def _people_served_from_marks(periods: dict[str, Period]) -> dict[str, int]:
    """people_served summed from every mark of the periods (a range of days, or kept rows of another timezone)."""
    columns = ",\n".join(
        f"COUNT(DISTINCT CASE WHEN s.starts_at >= :{name}_start AND s.starts_at < :{name}_end "
        f"THEN a.participant END) AS {name}"
        for name in periods
    )
    params: dict[str, Any] = {}
    for name, value in periods.items():
        params[f"{name}_start"], params[f"{name}_end"] = value.start, value.end
    params["lowest"] = min(value.start for value in periods.values())
    params["highest"] = max(value.end for value in periods.values())
    rows = await raw(
        f"""
        SELECT {columns},
          SUM(CASE WHEN a.participant IS NULL AND s.starts_at >= :range_start AND s.starts_at < :range_end
                   THEN 1 ELSE 0 END) AS guests
        FROM "{T_ATTENDANCE}" a JOIN "{T_SESSION}" s ON s.id = a."session"
        WHERE a.status IN ('present', 'late') AND s.status <> 'cancelled'
          AND s.starts_at >= :lowest AND s.starts_at < :highest
        """,
        **params,
    )
    row = rows[0] if rows else {}
    return {name: as_int(row.get(name)) for name in (*periods, "guests")}


async def attendance_by_program(period: Period, now: datetime) -> list[dict[str, Any]]:
    """Each running program's attendance rate over the sessions held in the period, with the number of sessions
    and of people they counted for. For a calendar month, quarter or year: the kept totals of the period, one row
    per program (server/attendance/program_periods.py), and the sums of kept session rows only for the programs
    with a countable session of the period still ahead of `now` (marked in advance: rare); else (another range, or
    rows kept in another timezone) the sums of the period's kept session rows. Two or three queries."""
    kind = kept_kind(period)
    if kind not in ("month", "quarter", "year"):
        return await _attendance_from_sessions(period, now)
    params = {"now": now, "range_start": period.start, "range_end": period.end}
    ahead = (
        [row["program"] for row in await raw(program_periods.ahead_programs_sql(), **params)]
        if now < period.end
        else []
    )
    columns = ", ".join(f"pp.{name} AS {name}" for name in program_periods.FIGURES)
    rows = await raw(
        f"""
        SELECT pp.program AS program_id, p.slug AS slug, p.title AS title, p.kind AS kind, p.phase AS phase,
               {columns}, pp.timezone AS timezone
        FROM "{program_periods.T_PROGRAM_PERIOD}" pp JOIN "{T_PROGRAM}" p ON p.id = pp.program
        WHERE pp.kind = :kind AND pp.start = :first AND p.archived = :archived AND pp.members > 0
        """,
        kind=kind,
        first=period.first,
        archived=False,
    )
    if any(row["timezone"] != clock.organisation_timezone() for row in rows):
        return await _attendance_from_sessions(period, now)
    found = [_attendance_row(row) for row in rows if row["program_id"] not in ahead]
    if ahead:
        found += await _attendance_from_sessions(period, now, ahead)
    return sorted(found, key=lambda row: (row["title"], row["program_id"]))


async def attendance_table_page(
    period: Period, now: datetime, wanted: PageRequest
) -> tuple[Page[dict[str, Any]], list]:
    """The page asked for of attendance_by_program (by title), and the LOWEST_RATES lowest rates of all. A calendar
    month, quarter or year: one query over the kept rows, ordered, counted and cut in SQL, whatever the number of
    programs; it also says whether a program is ahead (attendance_by_program) or the rows are kept in another
    timezone, and then (rarely) the whole table is built and cut here instead."""
    kind = kept_kind(period)
    if kind in ("month", "quarter", "year"):
        lowest: list[dict[str, Any]] = []
        usable = True

        async def fetch(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
            nonlocal lowest, usable
            rows = await raw(
                _kept_attendance_sql(),
                kind=kind,
                first=period.first,
                archived=False,
                limit=limit,
                offset=offset,
                lowest=LOWEST_RATES,
                now=now,
                range_start=period.start,
                range_end=period.end,
            )
            [counted] = [row for row in rows if row["part"] == "total"]
            usable = not as_int(counted["ahead"]) and counted["timezone"] in (None, clock.organisation_timezone())
            lowest = [_attendance_row(row) for row in rows if row["part"] == "lowest"]
            page = [_attendance_row(row) for row in rows if row["part"] == "page"]
            return page, as_int(counted["total"])

        page = await paginate_counted(wanted, fetch)
        if usable:
            return page, lowest
    by_program = await attendance_by_program(period, now)
    rated = sorted((row for row in by_program if row["rate"] is not None), key=lambda row: (row["rate"], row["title"]))
    return page_of(wanted, by_program), rated[:LOWEST_RATES]


def _kept_attendance_sql() -> str:
    """A page of the kept rows of a calendar period by title, the lowest rates, and a row with their number, the
    number of programs ahead (ahead_programs_sql: their kept rows count a session today's figures do not yet) and
    the rows' timezone, in one query. The page walks the programs in title order (index program (title, id)) and
    stops at its end; the count reads the period's rows from the covering index program_period_stats_kind_start_cover
    and leaves out the few archived programs (rather than joining every program); the lowest rates are read in rate
    order from program_period_stats_rate, whose expression is the ORDER BY's. Rates are ranked as floating point
    (PostgreSQL's numeric division cost a millisecond at 3,000 programs)."""
    columns = ", ".join(f"pp.{name} AS {name}" for name in program_periods.FIGURES)
    select = f"pp.program AS program_id, p.slug AS slug, p.title AS title, p.kind AS kind, p.phase AS phase, {columns}"
    period = "pp.kind = :kind AND pp.start = :first AND pp.members > 0"
    nothing = ", ".join(f"NULL AS {name}" for name in ("program_id", "slug", "title", "kind", "phase"))
    nothing += ", " + ", ".join(f"NULL AS {name}" for name in program_periods.FIGURES)
    return f"""
    SELECT 'page' AS part, r.*, CAST(NULL AS BIGINT) AS total, CAST(NULL AS BIGINT) AS ahead, NULL AS timezone
    FROM (SELECT {select}
          FROM "{T_PROGRAM}" p JOIN "{program_periods.T_PROGRAM_PERIOD}" pp ON pp.program = p.id AND {period}
          WHERE p.archived = :archived
          ORDER BY p.title, p.id LIMIT :limit OFFSET :offset) r
    UNION ALL
    SELECT 'lowest' AS part, r.*, CAST(NULL AS BIGINT) AS total, CAST(NULL AS BIGINT) AS ahead, NULL AS timezone
    FROM (SELECT {select}
          FROM "{program_periods.T_PROGRAM_PERIOD}" pp JOIN "{T_PROGRAM}" p ON p.id = pp.program
          WHERE {period} AND p.archived = :archived AND pp.attended + pp.absent > 0
          ORDER BY CAST(pp.attended AS DOUBLE PRECISION) / (pp.attended + pp.absent), p.title, p.id
          LIMIT :lowest) r
    UNION ALL
    SELECT 'total' AS part, {nothing}, COUNT(*) AS total,
           (SELECT COUNT(*) FROM ({program_periods.ahead_programs_sql()}) a) AS ahead,
           (SELECT timezone FROM "{program_periods.T_PROGRAM_PERIOD}" LIMIT 1) AS timezone
    FROM "{program_periods.T_PROGRAM_PERIOD}" pp
    WHERE {period} AND NOT EXISTS (SELECT 1 FROM "{T_PROGRAM}" p WHERE p.id = pp.program AND p.archived <> :archived)
    """


def _attendance_row(row: dict[str, Any]) -> dict[str, Any]:
    attended, absent = as_int(row["attended"]), as_int(row["absent"])
    return {
        "program_id": row["program_id"],
        "slug": row["slug"],
        "title": row["title"],
        "kind": row["kind"],
        "phase": row["phase"],
        "sessions": as_int(row["sessions"]),
        "people": as_int(row["people"]),
        "attended": attended,
        "absent": absent,
        "excused": as_int(row["excused"]),
        "rate": share(attended, attended + absent),
    }


async def _attendance_from_sessions(
    period: Period, now: datetime, program_ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """attendance_by_program summed from the period's kept session rows (of some programs only, if given)."""
    # Members at each session's start, unmarked ones absent; people are the members at the start of at least one.
    in_period = (
        f"{counted_sql('ss')} AND ss.starts_at >= :range_start AND ss.starts_at < :range_end "
        f'AND ss.program IN (SELECT id FROM "{T_PROGRAM}" WHERE archived = :archived)'
    )
    if program_ids is not None:
        in_period += " AND ss.program IN (:programs)"
    sql = f"""
    WITH totals AS (
        SELECT ss.program AS program_id, COUNT(*) AS sessions, SUM(ss.members) AS members,
               SUM(ss.members_attended) AS attended, SUM(ss.members_absent + ss.members_unmarked) AS absent,
               SUM(ss.members_excused) AS excused
        FROM "{T_SESSION_STATS}" ss WHERE {in_period}
        GROUP BY ss.program
    ),
    people AS (
        SELECT e.program AS program_id, COUNT(DISTINCT e.participant) AS people
        FROM "{T_ENROLMENT}" e
        WHERE e.program IN (SELECT program_id FROM totals WHERE members > 0) AND EXISTS (
            SELECT 1 FROM "{T_SESSION_STATS}" ss
            WHERE ss.program = e.program AND {in_period} AND {member_at_start_sql("e", "ss.starts_at", 'ss."session"')}
        )
        GROUP BY e.program
    )
    SELECT t.program_id AS program_id, p.slug AS slug, p.title AS title, p.kind AS kind, p.phase AS phase,
           t.sessions AS sessions, pe.people AS people, t.attended AS attended, t.absent AS absent,
           t.excused AS excused
    FROM totals t
    JOIN "{T_PROGRAM}" p ON p.id = t.program_id
    JOIN people pe ON pe.program_id = t.program_id
    WHERE t.members > 0
    ORDER BY p.title, t.program_id
    """
    params: dict[str, Any] = {"now": now, "archived": False, "range_start": period.start, "range_end": period.end}
    if program_ids is not None:
        params["programs"] = list(program_ids)
    return [_attendance_row(row) for row in await raw(sql, **params)]


async def upcoming_sessions(now: datetime, days: int = UPCOMING_DAYS, limit: int = ALERT_LIST_LIMIT) -> dict[str, Any]:
    """Sessions of running programs starting in the next `days` days: how many, and the first few. One query."""
    rows = await raw(
        f"""
        SELECT c.n AS total, a.* FROM
          (SELECT COUNT(*) AS n FROM "{T_SESSION}" s JOIN "{T_PROGRAM}" p ON p.id = s.program
           WHERE s.starts_at >= :now AND s.starts_at < :until AND s.status <> 'cancelled' AND p.archived = :archived) c
        LEFT JOIN
          (SELECT s.id AS id, s.starts_at AS starts_at, s.ends_at AS ends_at, s.topic AS topic, p.slug AS slug,
                  p.title AS title, p.timezone AS timezone
           FROM "{T_SESSION}" s JOIN "{T_PROGRAM}" p ON p.id = s.program
           WHERE s.starts_at >= :now AND s.starts_at < :until AND s.status <> 'cancelled' AND p.archived = :archived
           ORDER BY s.starts_at, s.id LIMIT :limit) a ON 1 = 1
        ORDER BY a.starts_at, a.id
        """,
        now=now,
        until=now + timedelta(days=days),
        archived=False,
        limit=limit,
    )
    found = [
        {**row, "starts_at": instant(row["starts_at"]), "ends_at": instant(row["ends_at"])}
        for row in rows
        if row["id"] is not None
    ]
    for row in found:
        row.pop("total", None)
    return {"count": as_int(rows[0]["total"]) if rows else 0, "rows": found, "days": days}


async def waitlists() -> list[dict[str, Any]]:
    """People waiting per running program, longest list first. One query."""
    rows = await raw(
        f"""
        SELECT p.id AS program_id, p.slug AS slug, p.title AS title, p.capacity AS capacity, COUNT(*) AS waiting
        FROM "{T_ENROLMENT}" e JOIN "{T_PROGRAM}" p ON p.id = e.program
        WHERE e.status = 'waitlisted' AND p.archived = :archived
        GROUP BY p.id, p.slug, p.title, p.capacity
        ORDER BY COUNT(*) DESC, p.title
        """,
        archived=False,
    )
    for row in rows:
        row["waiting"] = as_int(row["waiting"])
    return rows


async def programs_without_goals(program_ids: list[int] | None, limit: int = ALERT_LIST_LIMIT) -> list[dict[str, Any]]:
    """Programs in implementation that have no goal to measure their work against. One query."""
    mine = "" if program_ids is None else " AND p.id IN (:programs)"
    return await raw(
        f"""
        SELECT p.id AS id, p.slug AS slug, p.title AS title FROM "{T_PROGRAM}" p
        WHERE p.phase = 'implementation' AND p.archived = :archived{mine}
          AND NOT EXISTS (SELECT 1 FROM "{T_GOAL}" g WHERE g.program = p.id)
        ORDER BY p.title, p.id LIMIT :limit
        """,
        archived=False,
        programs=program_ids or [-1],
        limit=limit,
    )


LABELS.register(
    "licence_problem",
    {"missing": N_("No licence recorded"), "expired": N_("Licence expired"), "expiring": N_("Licence expires soon")},
)


async def licence_alerts(staff: CurrentStaff, today: date) -> list[dict[str, Any]]:
    """Missing or expired licences on the staff member's programs, then those expiring within LICENCE_NOTICE_DAYS
    (programs.licence_warnings). One query."""
    return await programs.licence_warnings(staff, today, expiring_within=LICENCE_NOTICE_DAYS)


async def organisation_dashboard(
    staff: CurrentStaff, period: Period, now: datetime | None = None, attendance_page: PageRequest | None = None
) -> dict[str, Any]:
    """The organizers' dashboard: programs by kind and phase, people served, attendance by program (a page of the
    table, and the lowest rates of all), the week's sessions, waitlists and alerts, in a fixed number of queries."""
    now = now or clock.now()
    today = clock.organisation_today(now)
    attendance_rows, lowest_rates = await attendance_table_page(
        period, now, attendance_page or PageRequest(size=ATTENDANCE_PAGE)
    )
    # The threshold as the identity middleware loaded the settings for this request; the list and its count in one
    # query.
    warnings, warned = await attendance.early_warnings_page(
        staff,
        now,
        limit=ALERT_WARNINGS,
        up_to=WARNINGS_COUNTED + 1,
        threshold=settings.current().absence_warning_streak,
    )
    counts = await checks.check_counts(staff, now, None)
    return {
        "period": period,
        "periods": calendar_periods(now),
        "programs": await programs_by_kind_and_phase(),
        "served": await people_served(now, period),
        "attendance": attendance_rows,
        "lowest_rates": lowest_rates,
        "upcoming": await upcoming_sessions(now),
        "waitlists": await waitlists(),
        "alerts": {
            "not_taken": counts["no_attendance"],
            "not_taken_rows": await checks.sessions_without_attendance(staff, None, now, ALERT_LIST_LIMIT),
            "warnings": warnings,
            "warnings_total": min(warned, WARNINGS_COUNTED),
            "more_warnings": warned > WARNINGS_COUNTED,
            "licences": await licence_alerts(staff, today),
            "no_goals": counts["programs_without_goals"],
            "no_goals_rows": await programs_without_goals(None),
        },
        "open_checks": counts["total"],
    }


async def dashboard_summary(staff: CurrentStaff, now: datetime, warnings: int | None = None) -> dict[str, int]:
    """Alert counts and the number of open data checks on the signed-in staff member's programs (every program
    for organizers and admins), for the staff /dashboard page. At most six queries."""
    program_ids = await programs.managed_program_ids(staff)
    counts = await checks.check_counts(staff, now, program_ids)
    summary = {
        "attendance_not_taken": counts["no_attendance"],
        "early_warnings": warnings if warnings is not None else await attendance.count_early_warnings(staff, now),
        "licences": len(await licence_alerts(staff, clock.organisation_today(now))),
        "programs_without_goals": counts["programs_without_goals"],
        "data_checks": counts["total"],
    }
    summary["alerts"] = (
        summary["attendance_not_taken"]
        + summary["early_warnings"]
        + summary["licences"]
        + summary["programs_without_goals"]
    )
    return summary
