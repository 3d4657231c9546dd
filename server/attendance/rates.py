"""Attendance rates and what is built on them: each member's rate and current run of absences, early warnings,
and the program's attendance tab (sessions and people with their figures).

How attendance counts (the same in rates, early warnings, the tab, registers and certificates; the counted-session
and member rules themselves are in server/attendance/rules.py):

- present and late count as attended. excused counts as neither attended nor absent: it leaves the denominator, so
  an agreed absence neither lowers nor raises a rate. absent counts as absent, and so does a member left unmarked on
  a counted session (the sheet's "mark the rest absent" makes this explicit).
- rate = attended / (attended + absent); None while nothing counts yet.
- Early warning: the current run of absences, i.e. counted absences after the person's last attended session, is at
  least the early-warning threshold (the organisation's setting, else settings.absence_warning_streak). Excused
  sessions neither extend nor break a run. Only people still enrolled are flagged.

Rates and warnings read the kept figures (server/attendance/stats.py): each enrolment's where they are exact at the
instant asked about, and each session's; a program whose enrolment figures have gone stale (a session started
since the last write) is summed from its marks in the same query. So pages run a constant number of queries, and
their cost follows the rows shown, not the number of marks. Every rule takes the clock (`now`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server import clock
from server.attendance.completion import certificate_due
from server.attendance.rules import (
    T_ENROLMENT,
    T_PARTICIPANT,
    T_PROGRAM,
    T_SESSION,
    T_TEAM,
    as_datetime,
    ever_member,
    is_counted_session,
    marks_sql,
    raw,
)
from server.attendance.sheets import is_locked
from server.attendance.stats import T_SESSION_STATS, T_STATS, stale_programs_sql
from server.enrolment.tables import Enrolment
from server.organisation import services as organisation
from server.web.access import CurrentStaff


@dataclass(frozen=True)
class Rate:
    attended: int = 0
    absent: int = 0
    excused: int = 0
    streak: int = 0
    last_attended: datetime | None = None

    @property
    def counted(self) -> int:
        return self.attended + self.absent

    @property
    def rate(self) -> float | None:
        return self.attended / self.counted if self.counted else None

    @property
    def warning(self) -> bool:
        return self.streak >= organisation.current().absence_warning_streak


def meets_threshold(rate: float | None, threshold_percent: int | None) -> bool:
    """Whether a rate reaches a program's completion threshold (a whole percent); compared in percent so that
    the tab's certificate link and the certificate itself never disagree on a rounding edge."""
    return rate is not None and round(rate * 100, 6) >= (threshold_percent or 0)


def _rate(row: dict[str, Any]) -> Rate:
    return Rate(
        attended=int(row["attended"] or 0),
        absent=int(row["absent"] or 0),
        excused=int(row["excused"] or 0),
        streak=int(row["streak"] or 0),
        last_attended=as_datetime(row["last_attended"]),
    )


def rates_sql(scope: str, kept_filter: str = "1 = 1") -> str:
    """Common table expressions ending in `figures` (participant_id, program_id, attended, absent, excused, streak,
    last_attended) for the programs matching `scope` (an SQL condition on the program id column `{program}`): the
    kept rows (those matching `kept_filter`, on alias st) of programs whose kept figures are exact at `:now`, and
    the rates summed from the marks of the others. Like `rates`, one row per person with at least one session that
    counted for them."""
    stale = stale_programs_sql()
    return (
        marks_sql(f"{scope.format(program='s.program')} AND s.program IN ({stale})")
        + f""",
    figures AS (
        SELECT participant_id, program_id, attended, absent, excused, streak, last_attended FROM rates
        UNION ALL
        SELECT st.participant AS participant_id, st.program AS program_id, st.present + st.late AS attended,
               st.absent AS absent, st.excused AS excused, st.streak AS streak, st.last_attended AS last_attended
        FROM "{T_STATS}" st
        WHERE {scope.format(program="st.program")} AND st.sessions > 0 AND {kept_filter}
          AND st.program NOT IN ({stale})
    )
    """
    )


async def participant_rates(
    program_id: int, now: datetime | None = None, participant_id: int | None = None
) -> dict[int, Rate]:
    """Each member's attendance in a program, in one query."""
    sql = rates_sql("{program} = :program") + "SELECT * FROM figures"
    params: dict[str, Any] = {"program": program_id, "now": now or clock.now()}
    if participant_id is not None:
        sql += " WHERE participant_id = :participant"
        params["participant"] = participant_id
    return {row["participant_id"]: _rate(row) for row in await raw(sql, **params)}


async def attendance_rate(program_id: int, participant_id: int, now: datetime | None = None) -> float | None:
    return (await participant_rates(program_id, now, participant_id)).get(participant_id, Rate()).rate


def _scope_sql(staff: CurrentStaff, program: str) -> str:
    """SQL condition on the program id column `program`: one of the running (not closed, not archived) programs a
    staff member manages, every running one for organizers. For organizers a correlated test of the row's own
    program, so that the engine reaches the rows through another index (the warnings' order, the stale programs)
    rather than through every running program's rows (SQLite prefers an IN list on an indexed column); for
    facilitators the list of their few programs, whose rows the index on the program finds."""
    if staff.is_organizer:
        return (
            f'EXISTS (SELECT 1 FROM "{T_PROGRAM}" p WHERE p.id = {program} AND p.archived = :archived '
            "AND p.phase <> 'closed')"
        )
    return (
        f'{program} IN (SELECT p.id FROM "{T_PROGRAM}" p JOIN "{T_TEAM}" t ON t.program = p.id '
        f"WHERE t.staff = :staff AND p.archived = :archived AND p.phase <> 'closed')"
    )


# The order of the warnings: longest runs first, then by program and person. It is the order of the index
# enrolment_stats_warning (streak DESC, program, participant), so a page of the kept rows is read from the index and
# stops at the page's end, however many people are warned.
_ORDER = "streak DESC, program_id, participant_id"


def _warnings_sql(staff: CurrentStaff, window: str = "", *, any_stale: bool = True) -> str:
    """Common table expressions ending in `warned` (participant_id, program_id, attended, absent, excused, streak,
    last_attended): the warned people still enrolled, not anonymised, in the programs of `_scope_sql`. Programs whose
    kept figures are fresh at `:now` are read from their kept rows through the index on the streak, and at most
    `window` rows of them (an SQL LIMIT clause, e.g. "LIMIT :window": enough for the page asked for); programs whose
    figures have gone stale (a session started since the last write, until the periodic refresh) are summed from
    their marks, few at a time. Unordered. Without `any_stale` (none is, the usual case) only the kept rows are
    read: PostgreSQL then plans one short query instead of the marks' five (2 ms a view at 10x)."""
    stale = stale_programs_sql()
    active = "e.status = 'enrolled' AND e.ended_at IS NULL AND pa.anonymised_at IS NULL"
    fresh_only = "" if not any_stale else f"AND st.program NOT IN ({stale})"
    kept = f"""
        SELECT st.participant AS participant_id, st.program AS program_id, st.present + st.late AS attended,
               st.absent AS absent, st.excused AS excused, st.streak AS streak, st.last_attended AS last_attended
        FROM "{T_STATS}" st
        WHERE st.streak >= :streak AND st.sessions > 0 AND {_scope_sql(staff, "st.program")} {fresh_only}
          AND EXISTS (SELECT 1 FROM "{T_ENROLMENT}" e JOIN "{T_PARTICIPANT}" pa ON pa.id = e.participant
                      WHERE e.id = st.enrolment AND {active})
        ORDER BY st.streak DESC, st.program, st.participant
        {window}
    """
    if not any_stale:
        return f"WITH warned AS ({kept})"
    return (
        marks_sql(f"s.program IN ({stale}) AND {_scope_sql(staff, 's.program')}")
        + f""",
    kept AS ({kept}),
    recomputed AS (
        SELECT r.participant_id AS participant_id, r.program_id AS program_id, r.attended AS attended,
               r.absent AS absent, r.excused AS excused, r.streak AS streak, r.last_attended AS last_attended
        FROM rates r
        JOIN "{T_ENROLMENT}" e ON e.participant = r.participant_id AND e.program = r.program_id
        JOIN "{T_PARTICIPANT}" pa ON pa.id = r.participant_id
        WHERE r.streak >= :streak AND {active}
    ),
    warned AS (SELECT * FROM kept UNION ALL SELECT * FROM recomputed)
    """
    )


async def any_stale_program(now: datetime) -> bool:
    """Whether some program's kept figures are stale at `now` (stale_programs_sql): two index probes."""
    rows = await raw(f"SELECT EXISTS ({stale_programs_sql()}) AS stale", now=now)
    return bool(rows[0]["stale"])


async def _warnings_params(staff: CurrentStaff, now: datetime | None, threshold: int | None) -> dict[str, Any]:
    if threshold is None:
        threshold = (await organisation.load()).absence_warning_streak
    return {"now": now or clock.now(), "staff": staff.id, "archived": False, "streak": threshold}


async def early_warnings(
    staff: CurrentStaff,
    now: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    threshold: int | None = None,
) -> list[dict[str, Any]]:
    """People still enrolled whose latest counted sessions are a run of at least the early-warning threshold
    absences, on the running (not closed, not archived) programs this staff member manages; longest runs first (then
    by program and person), `limit` of them from `offset` (all when None). One query, whose cost follows
    `offset + limit`, not the number of people warned. `threshold`: the organisation's setting when None (a page
    passes the one its request loaded). Each item: participant_id, display_name, program_id, slug, title (real: a
    staff page), streak, rate, last_attended."""
    params = await _warnings_params(staff, now, threshold)
    window = page = ""
    if limit is not None:
        window, page = "LIMIT :window", "LIMIT :limit OFFSET :offset"
        params.update(window=offset + limit, limit=limit, offset=offset)
    sql = _warnings_sql(staff, window) + (
        f"""
    SELECT w.participant_id AS participant_id, w.program_id AS program_id, w.attended AS attended,
           w.absent AS absent, w.excused AS excused, w.streak AS streak, w.last_attended AS last_attended,
           pa.display_name AS display_name, pr.slug AS slug, pr.title AS title
    FROM (SELECT * FROM warned ORDER BY {_ORDER} {page}) w
    JOIN "{T_PARTICIPANT}" pa ON pa.id = w.participant_id
    JOIN "{T_PROGRAM}" pr ON pr.id = w.program_id
    ORDER BY w.streak DESC, w.program_id, w.participant_id
    """
    )
    return [_warning(row) for row in await raw(sql, **params)]


def _warning(row: dict[str, Any]) -> dict[str, Any]:
    rate = _rate(row)
    return {
        "participant_id": row["participant_id"],
        "display_name": row["display_name"],
        "program_id": row["program_id"],
        "slug": row["slug"],
        # A staff page: the staff member manages this program, so the real title is shown.
        "title": row["title"],
        "streak": rate.streak,
        "rate": rate.rate,
        "last_attended": rate.last_attended,
    }


async def early_warnings_page(
    staff: CurrentStaff,
    now: datetime | None = None,
    *,
    limit: int,
    offset: int = 0,
    up_to: int,
    threshold: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of early_warnings and how many there are, counting stopping at `up_to` (count_early_warnings), in
    one query: the page a dashboard shows costs one round trip, not two (plus any_stale_program's probe: the query
    reads the kept rows alone unless some program's figures are stale)."""
    params = await _warnings_params(staff, now, threshold)
    # The page's bounds are written into the SQL as numbers (they are ints here), not bound: PostgreSQL then keeps
    # one plan for the statement instead of planning it anew on every view (0.36 ms each), since a plan made for an
    # unknown LIMIT looks dearer to it than one made for LIMIT 6.
    window, limit, offset = int(max(up_to, offset + limit)), int(max(limit, 0)), int(offset)
    select = f"""
    SELECT c.n AS total, w.participant_id AS participant_id, w.program_id AS program_id, w.attended AS attended,
           w.absent AS absent, w.excused AS excused, w.streak AS streak, w.last_attended AS last_attended,
           pa.display_name AS display_name, pr.slug AS slug, pr.title AS title
    FROM (SELECT COUNT(*) AS n FROM warned) c
    LEFT JOIN (SELECT * FROM warned ORDER BY {_ORDER} LIMIT {limit} OFFSET {offset}) w ON 1 = 1
    LEFT JOIN "{T_PARTICIPANT}" pa ON pa.id = w.participant_id
    LEFT JOIN "{T_PROGRAM}" pr ON pr.id = w.program_id
    ORDER BY w.streak DESC, w.program_id, w.participant_id
    """
    # The probe is a statement of its own: inside this one, its `:now` would have PostgreSQL plan the whole anew.
    any_stale = await any_stale_program(params["now"])
    rows = await raw(_warnings_sql(staff, f"LIMIT {window}", any_stale=any_stale) + select, **params)
    total = int(rows[0]["total"] or 0) if rows else 0
    return [_warning(row) for row in rows if row["participant_id"] is not None], min(total, up_to)


async def count_early_warnings(
    staff: CurrentStaff, now: datetime | None = None, *, up_to: int | None = None, threshold: int | None = None
) -> int:
    """How many early_warnings there are; with `up_to`, counting stops there (a page that shows "more than …"
    reads at most that many kept rows). One query."""
    params = await _warnings_params(staff, now, threshold)
    window = ""
    if up_to is not None:
        window = "LIMIT :window"
        params["window"] = up_to
    rows = await raw(_warnings_sql(staff, window) + "SELECT COUNT(*) AS n FROM warned", **params)
    total = int(rows[0]["n"] or 0) if rows else 0
    return total if up_to is None else min(total, up_to)


# --- the program's attendance tab -----------------------------------------------------------------


def local_day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def end_of_local_day(now: datetime, program: dict[str, Any]) -> datetime:
    return local_day_start(clock.today(program["timezone"], now) + timedelta(days=1), ZoneInfo(program["timezone"]))


async def session_summaries(program: dict[str, Any], now: datetime | None = None) -> list[dict[str, Any]]:
    """Past and today's sessions, latest first, with recorded counts, unmarked members and the session's rate.
    One query on the kept session figures, whatever the number of marks."""
    now = now or clock.now()
    until = end_of_local_day(now, program)
    sessions = await raw(
        f"""
        SELECT ss."session" AS id, s.starts_at AS starts_at, s.ends_at AS ends_at, s.status AS status,
               s.topic AS topic, ss.present AS present, ss.late AS late, ss.excused AS excused, ss.absent AS absent,
               ss.guests AS guests, ss.recorded AS recorded, ss.members AS expected,
               ss.members_unmarked AS unmarked, ss.members_attended AS attended, ss.members_absent AS members_absent
        FROM "{T_SESSION_STATS}" ss JOIN "{T_SESSION}" s ON s.id = ss."session"
        WHERE ss.program = :program AND ss.starts_at < :until
        ORDER BY ss.starts_at DESC, ss."session" DESC
        """,
        program=program["id"],
        until=until,
    )
    for row in sessions:
        row["starts_at"], row["ends_at"] = as_datetime(row["starts_at"]), as_datetime(row["ends_at"])
        for key in ("present", "late", "excused", "absent", "guests", "recorded", "expected", "unmarked"):
            row[key] = int(row[key] or 0)
        if row["status"] == "cancelled":
            # Nobody is expected at a cancelled session.
            row["expected"] = row["unmarked"] = 0
        row["counted"] = is_counted_session(row, now, recorded=row["recorded"] > 0)
        attended = int(row.pop("attended") or 0)
        missed = int(row.pop("members_absent") or 0) + row["unmarked"]
        row["rate"] = attended / (attended + missed) if row["counted"] and attended + missed else None
        row["locked"] = is_locked(row, now)
    return sessions


async def participant_summaries(program: dict[str, Any], now: datetime | None = None) -> list[dict[str, Any]]:
    """Everyone who is or was enrolled, with their rate and current run of absences. Two queries."""
    now = now or clock.now()
    enrolments = (
        await Enrolment.select(
            Enrolment.id,
            Enrolment.status,
            Enrolment.enrolled_at,
            Enrolment.ended_at,
            Enrolment.participant.as_alias("participant_id"),
            Enrolment.participant.display_name.as_alias("display_name"),
        )
        .where(ever_member(program["id"]))
        .order_by(Enrolment.participant.display_name)
        .order_by(Enrolment.participant)
        .run()
    )
    rates = await participant_rates(program["id"], now)
    for row in enrolments:
        rate = rates.get(row["participant_id"], Rate())
        row["attendance"] = rate
        row["rate"] = rate.rate
        row["active"] = row["status"] == "enrolled" and row["ended_at"] is None
        row["warning"] = row["active"] and rate.warning
        row["certificate"] = certificate_due(
            program, row["status"], meets_threshold(rate.rate, program["completion_threshold"])
        )
    return enrolments
