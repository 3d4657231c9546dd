"""The kept "people served" rows (tables ServedMonth and ServedPeriod): recomputing a program's rows inside the
writer's transaction, rebuilding them all, and the from-scratch figures tests compare them with.

Served: a participant with a present or late mark on a session that is not cancelled, whatever its start (the
definition of the organisation overview's "people served"); guests' visits (marks without a person) are counted
apart. Months are the organisation's (its timezone, recorded in every ServedMonth row): a reader whose timezone
differs from the rows' computes from the marks instead, until `python -m server rebuild-stats`.

A program's write recomputes which (participant, month) pairs it served, compares them with its kept rows and,
only for the people whose months changed, recomputes the calendar months, quarters and years in which they were
served in any program (ServedPeriod). A period's distinct count is then the number of its rows, whatever the
number of marks; that number, and the guests' visits of the period, are kept in one row per period (ServedCount),
moved by the rows each write inserts and deletes, so reading it costs one row.

The report's "who was served" breaks those people down by gender, age group, disability and area. Each
ServedPeriod row records the groups its person is counted in, and ServedGroup counts a period's rows per group,
moved by the same inserts and deletes, and by a change of a person's answers (the person keeper registered with
server.db, `answers_changed`), which regroups their rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from server import clock
from server.attendance.rules import T_ATTENDANCE, T_SESSION, as_datetime, raw
from server.attendance.tables import Attendance, ServedCount, ServedGroup, ServedMonth, ServedPeriod
from server.people.profile import GENDERS, age_group, disability_status, normal_area
from server.people.tables import Participant

T_SERVED_MONTH = ServedMonth._meta.tablename
T_SERVED_PERIOD = ServedPeriod._meta.tablename
T_SERVED_COUNT = ServedCount._meta.tablename
T_SERVED_GROUP = ServedGroup._meta.tablename
T_PARTICIPANT = Participant._meta.tablename
KINDS = ("month", "quarter", "year")
# Rows per INSERT and ids per IN list: well under both engines' limits on bound parameters.
CHUNK = 400

# The breakdowns of "who was served", each a column of ServedPeriod and a dimension of ServedGroup.
DIMENSIONS = ("gender", "age_group", "disability", "area")

Key = tuple[int | None, date]  # (participant, or None for guests; first day of the month)
PeriodKey = tuple[str, date]  # (kind, first day)
Groups = tuple[str, str, str, str]  # in DIMENSIONS' order
GroupKey = tuple[str, date, str, str]  # (kind, first day, dimension, value)


def served_marks_sql(scope: str) -> str:
    """SELECT of every served mark (participant, program, session start) of the sessions aliased `s` in `scope`."""
    return (
        f'SELECT a.participant AS participant, s.program AS program, s.starts_at AS starts_at FROM "{T_ATTENDANCE}" a '
        f'JOIN "{T_SESSION}" s ON s.id = a."session" '
        f"WHERE {scope} AND a.status IN ('present', 'late') AND s.status <> 'cancelled'"
    )


def as_date(value: Any) -> date:
    """Dates from raw queries come back as text on SQLite."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def month_of(starts_at: Any, zone: ZoneInfo) -> date:
    """The first day of the organisation's month in which an instant falls."""
    local = as_datetime(starts_at).astimezone(zone)  # type: ignore[union-attr]
    return date(local.year, local.month, 1)


def period_starts(month: date) -> tuple[tuple[str, date], ...]:
    """The calendar month, quarter and year a month belongs to, as (kind, first day)."""
    return (
        ("month", month),
        ("quarter", date(month.year, (month.month - 1) // 3 * 3 + 1, 1)),
        ("year", date(month.year, 1, 1)),
    )


def groups_of(answers: Mapping[str, Any] | None, year: int) -> Groups:
    """The groups a person's answers (gender, birth_year, disability, area) put them in for a period of `year`:
    "" where not recorded (or the person is gone)."""
    if answers is None:
        return ("", "", "", "")
    gender = answers.get("gender") or ""
    return (
        gender if gender in GENDERS else "",
        age_group(answers.get("birth_year"), year),
        disability_status(answers.get("disability") or ""),
        normal_area(answers.get("area") or ""),
    )


def _group_moves(groups: Groups, kind: str, start: date, sign: int) -> Iterable[tuple[GroupKey, int]]:
    return (((kind, start, dimension, value), sign) for dimension, value in zip(DIMENSIONS, groups, strict=True))


async def _answers(people: Sequence[int]) -> dict[int, dict[str, Any]]:
    if not people:
        return {}
    rows = await raw(
        f'SELECT id, gender, birth_year, disability, area FROM "{T_PARTICIPANT}" WHERE id IN (:ids)', ids=list(people)
    )
    return {row["id"]: row for row in rows}


def _stored(row: dict[str, Any]) -> Groups:
    return tuple(row[name] or "" for name in DIMENSIONS)  # type: ignore[return-value]


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


async def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(f'"{name}"' for name in columns)
    one = "(" + ", ".join("{}" for _ in columns) + ")"
    for chunk in _chunks(rows):
        args = [value for row in chunk for value in row]
        await Attendance.raw(f'INSERT INTO "{table}" ({names}) VALUES {", ".join(one for _ in chunk)}', *args).run()


async def delete_rows(table: str, ids: list[int]) -> None:
    for chunk in _chunks(ids):
        await raw(f'DELETE FROM "{table}" WHERE id IN (:ids)', ids=list(chunk))


async def kept_timezone() -> str | None:
    """The timezone of the kept months (None while no row is kept)."""
    rows = await raw(f'SELECT timezone FROM "{T_SERVED_MONTH}" LIMIT 1')
    return rows[0]["timezone"] if rows else None


async def keep_served(program_id: int, timezone: str | None = None, *, people: Sequence[int] | None = None) -> None:
    """Part of stats.program_changed (the keeper registered with server.db): recomputes a program's served months,
    then the periods of the people whose months changed. Call it inside the writing transaction, after the write.
    With `people`, only their marks changed (not guests'): only their months in the program are compared."""
    timezone = timezone or await kept_timezone() or clock.organisation_timezone()
    zone = ZoneInfo(timezone)
    only = "" if people is None else " AND participant IN (:ids)"
    scope = {"program": program_id} if people is None else {"program": program_id, "ids": list(people)}
    marks = await raw(served_marks_sql("s.program = :program" + only.replace("participant", "a.participant")), **scope)
    wanted: Counter[Key] = Counter()
    months: dict[Any, date] = {}
    for mark in marks:
        starts_at = mark["starts_at"]
        if starts_at not in months:
            months[starts_at] = month_of(starts_at, zone)
        wanted[(mark["participant"], months[starts_at])] += 1
    kept = await raw(
        f'SELECT id, participant, month, visits FROM "{T_SERVED_MONTH}" WHERE program = :program{only}', **scope
    )
    have: dict[Key, tuple[int, int]] = {
        (row["participant"], as_date(row["month"])): (row["id"], int(row["visits"] or 0)) for row in kept
    }
    stale = [row_id for key, (row_id, visits) in have.items() if wanted.get(key) != visits]
    fresh = [
        (program_id, key[0], key[1], visits, timezone)
        for key, visits in wanted.items()
        if have.get(key, (0, 0))[1] != visits
    ]
    if not stale and not fresh:
        return
    await delete_rows(T_SERVED_MONTH, stale)
    await insert_rows(T_SERVED_MONTH, ("program", "participant", "month", "visits", "timezone"), fresh)
    guests: Counter[PeriodKey] = Counter()
    for month in {key[1] for key in (*wanted, *have) if key[0] is None}:
        change = wanted.get((None, month), 0) - have.get((None, month), (0, 0))[1]
        for period in period_starts(month):
            guests[period] += change
    moved = {key[0] for key in set(wanted) ^ set(have) if key[0] is not None}
    periods, groups = await _keep_periods(sorted(moved))
    await _count(periods, guests)
    await _count_groups(groups)


async def _keep_periods(people: list[int]) -> tuple[Counter[PeriodKey], Counter[GroupKey]]:
    """Recomputes the served periods of some people from their kept months in every program; returns by how much
    each period's number of rows changed, and each of its groups'."""
    moved: Counter[PeriodKey] = Counter()
    regrouped: Counter[GroupKey] = Counter()
    for chunk in _chunks(people):
        ids = list(chunk)
        months = await raw(
            f'SELECT DISTINCT participant, month FROM "{T_SERVED_MONTH}" WHERE participant IN (:ids)', ids=ids
        )
        wanted = {
            (row["participant"], kind, start) for row in months for kind, start in period_starts(as_date(row["month"]))
        }
        kept = await raw(
            f'SELECT id, participant, kind, start, {", ".join(DIMENSIONS)} FROM "{T_SERVED_PERIOD}" '
            "WHERE participant IN (:ids)",
            ids=ids,
        )
        have = {(row["participant"], row["kind"], as_date(row["start"])): row for row in kept}
        gone = [key for key in have if key not in wanted]
        added = sorted(wanted - set(have))
        answers = await _answers(sorted({participant for participant, _, _ in added}))
        rows = [
            (participant, kind, start, *groups_of(answers.get(participant), start.year))
            for participant, kind, start in added
        ]
        await delete_rows(T_SERVED_PERIOD, [have[key]["id"] for key in gone])
        await insert_rows(T_SERVED_PERIOD, ("participant", "kind", "start", *DIMENSIONS), rows)
        moved.update((kind, start) for _, kind, start in added)
        moved.subtract((kind, start) for _, kind, start in gone)
        for _, kind, start, *groups in rows:
            for group, sign in _group_moves(tuple(groups), kind, start, 1):  # type: ignore[arg-type]
                regrouped[group] += sign
        for key in gone:
            for group, sign in _group_moves(_stored(have[key]), key[1], key[2], -1):
                regrouped[group] += sign
    return moved, regrouped


async def answers_changed(participant_ids: Sequence[int]) -> None:
    """The person keeper (server.db.keep_person_figures): some people's answers changed (or were cleared), so their
    served rows move to the groups the answers now give, and the groups' counts with them. Call it inside the
    writing transaction, after the write."""
    for chunk in _chunks(sorted(set(participant_ids))):
        rows = await raw(
            f'SELECT id, participant, kind, start, {", ".join(DIMENSIONS)} FROM "{T_SERVED_PERIOD}" '
            "WHERE participant IN (:ids)",
            ids=list(chunk),
        )
        if not rows:
            continue
        answers = await _answers(sorted({row["participant"] for row in rows}))
        regrouped: Counter[GroupKey] = Counter()
        moving: dict[Groups, list[int]] = {}
        for row in rows:
            start = as_date(row["start"])
            before, after = _stored(row), groups_of(answers.get(row["participant"]), start.year)
            if before == after:
                continue
            moving.setdefault(after, []).append(row["id"])
            for group, sign in (
                *_group_moves(before, row["kind"], start, -1),
                *_group_moves(after, row["kind"], start, 1),
            ):
                regrouped[group] += sign
        for groups, ids in sorted(moving.items()):
            for ids_chunk in _chunks(ids):
                await raw(
                    f'UPDATE "{T_SERVED_PERIOD}" SET gender = :gender, age_group = :age_group, '
                    "disability = :disability, area = :area WHERE id IN (:ids)",
                    **dict(zip(DIMENSIONS, groups, strict=True)),
                    ids=list(ids_chunk),
                )
        await _count_groups(regrouped)


async def answer_changed(participant_id: int) -> None:
    await answers_changed([participant_id])


async def _add_to(table: str, keys: tuple[str, ...], counts: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Adds each row's counts to the kept row of its keys (made if missing): upserts in the rows' order, which the
    callers sort, so that two writers moving the same rows wait for each other instead of deadlocking."""
    columns = (*keys, *counts)
    one = "(" + ", ".join("{}" for _ in columns) + ")"
    added = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in counts)
    for chunk in _chunks(rows):
        await Attendance.raw(
            f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES {", ".join(one for _ in chunk)} '
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}",
            *[value for row in chunk for value in row],
        ).run()


async def _count(people: Counter[PeriodKey], guests: Counter[PeriodKey]) -> None:
    """Moves the kept counts of some periods by the given differences: one upsert per period."""
    rows = [
        (kind, start, people.get((kind, start), 0), guests.get((kind, start), 0))
        for kind, start in sorted(set(people) | set(guests))
        if people.get((kind, start), 0) or guests.get((kind, start), 0)
    ]
    await _add_to(T_SERVED_COUNT, ("kind", "start"), ("people", "guests"), rows)


async def _count_groups(moves: Counter[GroupKey]) -> None:
    """Moves the kept counts of some periods' groups by the given differences."""
    rows = [(*key, change) for key, change in sorted(moves.items()) if change]
    await _add_to(T_SERVED_GROUP, ("kind", "start", "dimension", "value"), ("people",), rows)


async def rebuild_served() -> None:
    """Recomputes every program's served rows in the organisation's timezone (part of rebuild-stats); call it in a
    transaction."""
    await raw(f'DELETE FROM "{T_SERVED_COUNT}"')
    await raw(f'DELETE FROM "{T_SERVED_GROUP}"')
    await raw(f'DELETE FROM "{T_SERVED_PERIOD}"')
    await raw(f'DELETE FROM "{T_SERVED_MONTH}"')
    timezone = clock.organisation_timezone()
    for row in await raw(f'SELECT DISTINCT s.program AS program FROM "{T_SESSION}" s ORDER BY s.program'):
        await keep_served(row["program"], timezone)


async def missing_served() -> bool:
    """Whether served marks exist but no row is kept, or months are kept but no count (a database from before the
    rows or the counts were kept)."""
    rows = await raw(
        f"SELECT (SELECT COUNT(*) FROM ({served_marks_sql('1 = 1')} LIMIT 1) x) AS marks, "
        f'(SELECT COUNT(*) FROM (SELECT id FROM "{T_SERVED_MONTH}" LIMIT 1) y) AS kept, '
        f'(SELECT COUNT(*) FROM (SELECT id FROM "{T_SERVED_COUNT}" LIMIT 1) z) AS counted'
    )
    if not rows:
        return False
    marks, kept, counted = (int(rows[0][name] or 0) for name in ("marks", "kept", "counted"))
    return bool(marks and not kept) or bool(kept and not counted)


async def missing_groups() -> bool:
    """Whether served periods are kept but no group (a database from before the groups were kept)."""
    rows = await raw(
        f'SELECT (SELECT COUNT(*) FROM (SELECT id FROM "{T_SERVED_PERIOD}" LIMIT 1) p) AS periods, '
        f'(SELECT COUNT(*) FROM (SELECT id FROM "{T_SERVED_GROUP}" LIMIT 1) g) AS grouped'
    )
    return bool(rows and int(rows[0]["periods"] or 0) and not int(rows[0]["grouped"] or 0))


async def rebuild_groups() -> int:
    """Regroups every kept served period by its person's answers and recounts the groups, without recomputing who
    was served (the upgrade to kept groups; rebuild_served does it all). Call it in a transaction; returns the
    number of rows regrouped."""
    rows = await raw(f'SELECT participant, kind, start FROM "{T_SERVED_PERIOD}" ORDER BY participant, kind, start')
    await raw(f'DELETE FROM "{T_SERVED_GROUP}"')
    await raw(f'DELETE FROM "{T_SERVED_PERIOD}"')
    regrouped: Counter[GroupKey] = Counter()
    for chunk in _chunks(rows):
        answers = await _answers(sorted({row["participant"] for row in chunk}))
        fresh = []
        for row in chunk:
            start = as_date(row["start"])
            groups = groups_of(answers.get(row["participant"]), start.year)
            fresh.append((row["participant"], row["kind"], start, *groups))
            for group, sign in _group_moves(groups, row["kind"], start, 1):
                regrouped[group] += sign
        await insert_rows(T_SERVED_PERIOD, ("participant", "kind", "start", *DIMENSIONS), fresh)
    await _count_groups(regrouped)
    return len(rows)


# --- what the kept rows must equal ------------------------------------------------------------------


async def kept_served() -> dict[str, Any]:
    """The kept rows: months {(program, participant, month): visits}, periods [(participant, kind, start, *groups)],
    counts {(kind, start): (people, guests)} (periods with neither left out), groups {(kind, start, dimension,
    value): people} (empty groups left out)."""
    months = await raw(f'SELECT program, participant, month, visits FROM "{T_SERVED_MONTH}"')
    periods = await raw(f'SELECT participant, kind, start, {", ".join(DIMENSIONS)} FROM "{T_SERVED_PERIOD}"')
    counts = await raw(f'SELECT kind, start, people, guests FROM "{T_SERVED_COUNT}"')
    groups = await raw(f'SELECT kind, start, dimension, value, people FROM "{T_SERVED_GROUP}"')
    return {
        "months": {(row["program"], row["participant"], as_date(row["month"])): int(row["visits"]) for row in months},
        "periods": sorted((row["participant"], row["kind"], as_date(row["start"]), *_stored(row)) for row in periods),
        "groups": {
            (row["kind"], as_date(row["start"]), row["dimension"], row["value"]): int(row["people"])
            for row in groups
            if row["people"]
        },
        "counts": {
            (row["kind"], as_date(row["start"])): (int(row["people"] or 0), int(row["guests"] or 0))
            for row in counts
            if row["people"] or row["guests"]
        },
    }


async def served_from_marks(timezone: str | None = None) -> dict[str, Any]:
    """The same, computed from every mark."""
    zone = ZoneInfo(timezone or clock.organisation_timezone())
    months: Counter[tuple[int, int | None, date]] = Counter()
    for mark in await raw(served_marks_sql("1 = 1")):
        months[(mark["program"], mark["participant"], month_of(mark["starts_at"], zone))] += 1
    served = {
        (participant, kind, start)
        for (_, participant, month) in months
        if participant is not None
        for kind, start in period_starts(month)
    }
    answers = await _answers(sorted({participant for participant, _, _ in served}))
    periods = [
        (participant, kind, start, *groups_of(answers.get(participant), start.year))
        for participant, kind, start in served
    ]
    people = Counter((kind, start) for _, kind, start in served)
    groups: Counter[GroupKey] = Counter()
    for _, kind, start, *found in periods:
        for group, sign in _group_moves(tuple(found), kind, start, 1):  # type: ignore[arg-type]
            groups[group] += sign
    guests: Counter[PeriodKey] = Counter()
    for (_, participant, month), visits in months.items():
        if participant is None:
            guests.update({period: visits for period in period_starts(month)})
    counts = {key: (people.get(key, 0), guests.get(key, 0)) for key in set(people) | set(guests)}
    return {"months": dict(months), "periods": sorted(periods), "counts": counts, "groups": dict(groups)}
