"""Data-quality checks: problems in the records that decisions rest on, each with what the page that fixes it needs.

Each check is one SQL condition, counted for every check in a single query and listed (the first rows) in one query
per check, so the page runs a fixed number of queries whatever the size of the data. A facilitator sees the problems
of the programs they work on and of the people in them, counted from the raw rows (their programs bound the work);
organizers and admins see everything, counted from the kept counts (server/reports/checks_kept.py) and listed in
the order of an index, so their cost does not grow with the organisation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from server import clock
from server.i18n import N_
from server.programs import services as programs
from server.reports.checks_kept import MEASURED_PHASES, T_GROUP, T_PERSON, T_TOTAL
from server.reports.sql import (
    T_CONSENT,
    T_ENROLMENT,
    T_GOAL,
    T_PARTICIPANT,
    T_PROGRAM,
    T_SESSION,
    T_SESSION_STATS,
    instant,
    raw,
)
from server.web.access import CurrentStaff
from server.web.labels import LABELS
from server.web.pagination import page_number

KINDS = (
    "no_attendance",
    "no_consent",
    "duplicates",
    "contact_without_consent",
    "ended_in_implementation",
    "goals_without_value",
)
LABELS.register(
    "data_check",
    {
        "no_attendance": N_("Past sessions with no attendance recorded"),
        "no_consent": N_("Enrolled without consent to take part"),
        "duplicates": N_("Possible duplicate participants"),
        "contact_without_consent": N_("Contact details kept without consent to be contacted"),
        "ended_in_implementation": N_("Programs past their end date still in implementation"),
        "goals_without_value": N_("Goals with no current value"),
    },
)
LABELS.register(
    "duplicate_reason", {"phone": N_("Same phone number"), "email": N_("Same e-mail address"), "name": N_("Same name")}
)
LIST_LIMIT = 25


class _Scope:
    """SQL conditions limiting the checks to what a staff member may see (everything when program_ids is None)."""

    def __init__(self, staff: CurrentStaff, program_ids: list[int] | None) -> None:
        self.all = program_ids is None
        self.params: dict[str, Any] = {"ids": program_ids or [], "staff": staff.id, "archived": False}

    def program(self, column: str) -> str:
        return "1 = 1" if self.all else f"{column} IN (:ids)"

    def person(self, alias: str) -> str:
        # The people in their programs, and the people they registered themselves (as for seeing a person at all).
        if self.all:
            return "1 = 1"
        return (
            f'({alias}.id IN (SELECT e2.participant FROM "{T_ENROLMENT}" e2 WHERE e2.program IN (:ids))'
            f" OR {alias}.created_by = :staff)"
        )


def _from_where(kind: str, scope: _Scope) -> str:
    """FROM … WHERE … of one check (duplicates excepted: they are groups)."""
    if kind == "no_attendance":
        return f"""
        FROM "{T_SESSION_STATS}" ss JOIN "{T_PROGRAM}" p ON p.id = ss.program
        WHERE ss.recorded = 0 AND ss.ends_at < :now AND ss.status IN ('held', 'scheduled')
          AND p.archived = :archived AND p.phase <> 'closed' AND {scope.program("ss.program")}
        """
    if kind == "no_consent" and scope.all:
        # The kept flag of people without consent to take part, in the order of its index, then each person's
        # enrolments by program (the unique (participant, program) index): a page needs no sort of every problem.
        # CROSS JOIN keeps SQLite, which has no statistics, from starting at the enrolments; PostgreSQL plans it
        # as any join.
        return f"""
        FROM "{T_PERSON}" pc CROSS JOIN "{T_ENROLMENT}" e
             JOIN "{T_PARTICIPANT}" pa ON pa.id = pc.participant JOIN "{T_PROGRAM}" p ON p.id = e.program
        WHERE e.participant = pc.participant AND pc.no_participation = 1 AND e.status = 'enrolled'
          AND p.archived = :archived AND p.phase <> 'closed'
        """
    if kind == "contact_without_consent" and scope.all:
        return f"""
        FROM "{T_PERSON}" pc JOIN "{T_PARTICIPANT}" pa ON pa.id = pc.participant
        WHERE pc.contact_without_consent = 1
        """
    if kind == "no_consent":
        return f"""
        FROM "{T_ENROLMENT}" e JOIN "{T_PARTICIPANT}" pa ON pa.id = e.participant
             JOIN "{T_PROGRAM}" p ON p.id = e.program
        WHERE e.status = 'enrolled' AND p.archived = :archived AND p.phase <> 'closed'
          AND NOT EXISTS (SELECT 1 FROM "{T_CONSENT}" c WHERE c.participant = e.participant
                          AND c.purpose = 'participation' AND c.withdrawn_at IS NULL)
          AND {scope.program("e.program")}
        """
    if kind == "contact_without_consent":
        return f"""
        FROM "{T_PARTICIPANT}" pa
        WHERE pa.anonymised_at IS NULL AND (pa.phone <> '' OR pa.email <> '')
          AND NOT EXISTS (SELECT 1 FROM "{T_CONSENT}" c WHERE c.participant = pa.id AND c.purpose = 'contact'
                          AND c.withdrawn_at IS NULL)
          AND {scope.person("pa")}
        """
    if kind == "ended_in_implementation":
        return f"""
        FROM "{T_PROGRAM}" p
        WHERE p.phase = 'implementation' AND p.archived = :archived AND p.ends_on IS NOT NULL AND p.ends_on < :today
          AND {scope.program("p.id")}
        """
    if kind == "goals_without_value":
        phases = ", ".join(f"'{phase}'" for phase in MEASURED_PHASES)
        return f"""
        FROM "{T_GOAL}" g JOIN "{T_PROGRAM}" p ON p.id = g.program
        WHERE g.current_value IS NULL AND p.archived = :archived AND p.phase IN ({phases})
          AND {scope.program("g.program")}
        """
    raise ValueError(kind)


# Duplicates: the same phone digits, e-mail address or (case and spaces aside) display name among people not erased.
_DUPLICATE_KEYS = {"phone": "{a}.phone_digits", "email": "LOWER({a}.email)", "name": "LOWER(TRIM({a}.display_name))"}


def _duplicate_groups(reason: str, scope: _Scope) -> str:
    """The keys shared by more than one person (GROUP BY … HAVING COUNT(*) > 1)."""
    key = _DUPLICATE_KEYS[reason].format(a="x")
    return f"""
    SELECT {key} AS dup_key FROM "{T_PARTICIPANT}" x
    WHERE x.anonymised_at IS NULL AND {key} <> '' AND {scope.person("x")}
    GROUP BY {key} HAVING COUNT(*) > 1
    """


def _duplicate_rows(scope: _Scope) -> str:
    parts = []
    for reason, template in _DUPLICATE_KEYS.items():
        key = template.format(a="pa")
        parts.append(
            f"""
            SELECT '{reason}' AS reason, {key} AS dup_key, pa.id AS id, pa.display_name AS display_name
            FROM "{T_PARTICIPANT}" pa
            WHERE pa.anonymised_at IS NULL AND {scope.person("pa")} AND {key} IN ({_duplicate_groups(reason, scope)})
            """
        )
    return "SELECT * FROM (" + " UNION ALL ".join(parts) + ") d ORDER BY d.reason, d.dup_key, d.id LIMIT :limit"


# Running programs in implementation without goals (the dashboards' alerts): the programs of one phase, through the
# program_phase_ends_on index, each looked up in goal_program.
_PROGRAMS_WITHOUT_GOALS = f"""(SELECT COUNT(*) FROM "{T_PROGRAM}" p WHERE p.phase = 'implementation'
    AND p.archived = :archived AND NOT EXISTS (SELECT 1 FROM "{T_GOAL}" g WHERE g.program = p.id) AND {{scope}})
    AS programs_without_goals"""


def _kept_counts(scope: _Scope) -> list[str]:
    """The counting columns for organizers: the organisation's kept totals (one row each), the duplicate groups,
    and the checks that depend on the instant counted through their indexes."""

    def total(kind: str) -> str:
        return f"(SELECT COALESCE(SUM(t.total), 0) FROM \"{T_TOTAL}\" t WHERE t.kind = '{kind}') AS {kind}"

    return [
        # Past sessions without attendance, from the index of unrecorded sessions by end: whether each one's program
        # runs is looked up by its key, row by row (a join hashed every program of the organisation first).
        f"""(SELECT COUNT(*) FROM "{T_SESSION_STATS}" ss
             WHERE ss.recorded = 0 AND ss.ends_at < :now AND ss.status IN ('held', 'scheduled')
               AND (SELECT COUNT(*) FROM "{T_PROGRAM}" p WHERE p.id = ss.program AND p.archived = :archived
                    AND p.phase <> 'closed') = 1) AS no_attendance""",
        total("no_consent"),
        f'(SELECT COUNT(*) FROM "{T_GROUP}") AS duplicates',
        total("contact_without_consent"),
        f"(SELECT COUNT(*) {_from_where('ended_in_implementation', scope)}) AS ended_in_implementation",
        total("goals_without_value"),
        total("programs_without_goals"),
    ]


def _kept_duplicate_rows() -> str:
    """The people of the first `limit` kept groups, group by group."""
    parts = [
        f"""
        SELECT g.reason AS reason, g.dup_key AS dup_key, pa.id AS id, pa.display_name AS display_name
        FROM (SELECT reason, dup_key FROM "{T_GROUP}" ORDER BY reason, dup_key LIMIT :limit) g
             JOIN "{T_PERSON}" pc ON g.reason = '{reason}' AND pc.{reason}_key = g.dup_key
             JOIN "{T_PARTICIPANT}" pa ON pa.id = pc.participant
        """
        for reason in _DUPLICATE_KEYS
    ]
    return "SELECT * FROM (" + " UNION ALL ".join(parts) + ") d ORDER BY d.reason, d.dup_key, d.id"


async def check_counts(staff: CurrentStaff, now: datetime, program_ids: list[int] | None) -> dict[str, int]:
    """Open problems per check, their total, and (for the dashboard's alerts) running programs in implementation
    without goals. One query."""
    scope = _Scope(staff, program_ids)
    columns = _kept_counts(scope) if scope.all else _live_counts(scope)
    rows = await raw("SELECT " + ",\n".join(columns), now=now, today=clock.organisation_today(now), **scope.params)
    row = rows[0]
    counts = {kind: int(row[kind] or 0) for kind in KINDS}
    counts["total"] = sum(counts.values())
    counts["programs_without_goals"] = int(row["programs_without_goals"] or 0)
    return counts


def _live_counts(scope: _Scope) -> list[str]:
    """The counting columns for a facilitator: every check over the raw rows of their programs and people."""
    columns = [f"(SELECT COUNT(*) {_from_where(kind, scope)}) AS {kind}" for kind in KINDS if kind != "duplicates"]
    columns.append(
        "("
        + " + ".join(
            f"(SELECT COUNT(*) FROM ({_duplicate_groups(reason, scope)}) g_{reason})" for reason in _DUPLICATE_KEYS
        )
        + ") AS duplicates"
    )
    columns.append(_PROGRAMS_WITHOUT_GOALS.format(scope=scope.program("p.id")))
    return columns


async def open_problems(staff: CurrentStaff, now: datetime) -> dict[str, int]:
    """The counts of check_counts for the programs a staff member works on (every program for organizers and
    admins, read from the kept counts): what the staff /dashboard shows. Two queries at most."""
    return await check_counts(staff, now, await programs.managed_program_ids(staff))


async def sessions_without_attendance(
    staff: CurrentStaff, program_ids: list[int] | None, now: datetime, limit: int = LIST_LIMIT
) -> list[dict[str, Any]]:
    """Past sessions, held or scheduled and not cancelled, with no attendance rows; latest first. One query."""
    return await _sessions_without_attendance(_Scope(staff, program_ids), now, limit)


async def _sessions_without_attendance(
    scope: _Scope, now: datetime, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    rows = await raw(
        f"""
        SELECT t.id AS id, t.starts_at AS starts_at, t.ends_at AS ends_at, s.topic AS topic, t.status AS status,
               t.slug AS slug, t.title AS title, t.timezone AS timezone
        FROM (SELECT ss."session" AS id, ss.starts_at AS starts_at, ss.ends_at AS ends_at, ss.status AS status,
                     p.slug AS slug, p.title AS title, p.timezone AS timezone
              {_from_where("no_attendance", scope)}
              ORDER BY ss.ends_at DESC, ss."session" DESC LIMIT :limit OFFSET :offset) t
        JOIN "{T_SESSION}" s ON s.id = t.id
        ORDER BY t.ends_at DESC, t.id DESC
        """,
        now=now,
        limit=limit,
        offset=offset,
        **scope.params,
    )
    for row in rows:
        row["starts_at"] = instant(row["starts_at"])
    return rows


async def data_checks(
    staff: CurrentStaff, now: datetime, limit: int = LIST_LIMIT, pages: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """Every check with its count and one page of `limit` problems (`pages` asks for a page per check, the first by
    default, clamped to the last; duplicates always show their first groups), each with the ids of the page that
    fixes it. Eight queries at most, whatever the size of the data."""
    program_ids = await programs.managed_program_ids(staff)
    scope = _Scope(staff, program_ids)
    counts = await check_counts(staff, now, program_ids)
    numbers = {kind: page_number((pages or {}).get(kind, 1), counts[kind], limit) for kind in KINDS}
    numbers["duplicates"] = 1
    offsets = {kind: (number - 1) * limit for kind, number in numbers.items()}
    params = {"now": now, "today": clock.organisation_today(now), "limit": limit, **scope.params}
    found: dict[str, list[dict[str, Any]]] = {}

    found["no_attendance"] = await _sessions_without_attendance(scope, now, limit, offsets["no_attendance"])

    found["no_consent"] = await raw(
        f"""
        SELECT e.id AS enrolment_id, pa.id AS participant_id, pa.display_name AS display_name,
               p.slug AS slug, p.title AS title
        {_from_where("no_consent", scope)}
        ORDER BY {"pc.participant" if scope.all else "pa.id"}, e.program LIMIT :limit OFFSET :offset
        """,
        offset=offsets["no_consent"],
        **params,
    )

    groups: list[dict[str, Any]] = []
    duplicates = _kept_duplicate_rows() if scope.all else _duplicate_rows(scope)
    for row in await raw(duplicates, **params):
        # The shared phone or e-mail is confidential: it only decides the grouping and never leaves this function.
        key = (row["reason"], row.pop("dup_key"))
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "reason": row["reason"], "people": []})
        groups[-1]["people"].append(row)
    for group in groups:
        del group["key"]
    found["duplicates"] = groups

    found["contact_without_consent"] = await raw(
        f"""
        SELECT pa.id AS participant_id, pa.display_name AS display_name
        {_from_where("contact_without_consent", scope)}
        ORDER BY {"pc.participant" if scope.all else "pa.id"} LIMIT :limit OFFSET :offset
        """,
        offset=offsets["contact_without_consent"],
        **params,
    )

    found["ended_in_implementation"] = await raw(
        f"""
        SELECT p.id AS program_id, p.slug AS slug, p.title AS title, p.ends_on AS ends_on
        {_from_where("ended_in_implementation", scope)}
        ORDER BY p.ends_on, p.title, p.id LIMIT :limit OFFSET :offset
        """,
        offset=offsets["ended_in_implementation"],
        **params,
    )

    found["goals_without_value"] = await raw(
        f"""
        SELECT g.id AS goal_id, g.statement AS statement, p.slug AS slug, p.title AS title
        {_from_where("goals_without_value", scope)}
        ORDER BY p.title, g.position, g.id LIMIT :limit OFFSET :offset
        """,
        offset=offsets["goals_without_value"],
        **params,
    )

    checks: list[dict[str, Any]] = [
        {"kind": kind, "count": counts[kind], "rows": found[kind], "number": numbers[kind]} for kind in KINDS
    ]
    for check in checks:
        check["more"] = max(0, check["count"] - offsets[check["kind"]] - len(check["rows"]))
    return {"checks": checks, "total": counts["total"], "limit": limit}
