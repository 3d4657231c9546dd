"""Kept counts of the data checks' open problems: recomputed for one program or one person inside the transaction
of every write that changes them, rebuilt from the raw rows by `python -m server rebuild-stats`.

Per program (`program_check_count`): enrolled members without consent to take part, goals with no value, and
whether it is a program in implementation without goals, each counted only while the program's state (phase,
archived) says it counts. Per person (`person_check`): contact details without consent to be contacted, no consent
to take part, and the keys that make two people possible duplicates. The organisation's totals (`check_total`) move
by difference when a person's or a program's row changes, so the organizers' counts read one row each whatever the
size of the organisation; the groups of a shared key (`duplicate_group`) are recounted when a person joins or leaves
one. What depends on the instant (past sessions without attendance, programs past their end) is not kept:
index-served queries answer it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server import db
from server.reports.checks_tables import CheckTotal, DuplicateGroup, PersonCheck, ProgramCheckCount
from server.reports.sql import T_CONSENT, T_ENROLMENT, T_GOAL, T_PARTICIPANT, T_PROGRAM, raw

T_PROGRAM_COUNT = ProgramCheckCount._meta.tablename
T_PERSON = PersonCheck._meta.tablename
T_GROUP = DuplicateGroup._meta.tablename
T_TOTAL = CheckTotal._meta.tablename
CONTACT = "contact_without_consent"
REASONS = ("phone", "email", "name")
PROGRAM_COLUMNS = ("no_consent", "goals_without_value", "without_goals")
# The organisation's totals kept from the programs' rows: total kind -> column of program_check_count.
PROGRAM_TOTALS = {
    "no_consent": "no_consent",
    "goals_without_value": "goals_without_value",
    "programs_without_goals": "without_goals",
}
TOTAL_KINDS = (CONTACT, *PROGRAM_TOTALS)
# Program phases in which a goal is expected to have been measured.
MEASURED_PHASES = ("implementation", "evaluation")
PERSON_COLUMNS = ("contact_without_consent", "no_participation", "phone_key", "email_key", "name_key")


def _no_consent_sql(purpose: str, participant: str) -> str:
    return (
        f'NOT EXISTS (SELECT 1 FROM "{T_CONSENT}" c WHERE c.participant = {participant} '
        f"AND c.purpose = '{purpose}' AND c.withdrawn_at IS NULL)"
    )


def program_rows_sql(scope: str) -> str:
    """Every program in `scope` (a condition on p) with its kept columns, computed from the raw rows. A count
    counts while the program runs (not archived; for consents, not closed; for goals, in a measured phase), as the
    live checks of server/reports/checks.py do."""
    phases = ", ".join(f"'{phase}'" for phase in MEASURED_PHASES)
    return f"""
    SELECT p.id AS program,
      CASE WHEN NOT p.archived AND p.phase <> 'closed' THEN
        (SELECT COUNT(*) FROM "{T_ENROLMENT}" e WHERE e.program = p.id AND e.status = 'enrolled'
           AND {_no_consent_sql("participation", "e.participant")}) ELSE 0 END AS no_consent,
      CASE WHEN NOT p.archived AND p.phase IN ({phases}) THEN
        (SELECT COUNT(*) FROM "{T_GOAL}" g WHERE g.program = p.id AND g.current_value IS NULL) ELSE 0 END
        AS goals_without_value,
      CASE WHEN NOT p.archived AND p.phase = 'implementation'
                AND NOT EXISTS (SELECT 1 FROM "{T_GOAL}" g WHERE g.program = p.id) THEN 1 ELSE 0 END AS without_goals
    FROM "{T_PROGRAM}" p WHERE {scope}
    """


def person_rows_sql(scope: str) -> str:
    """Every participant in `scope` (a condition on pa) with its kept columns. The keys are those of the duplicates
    check: the same phone digits, e-mail address or (case and spaces aside) display name among people not erased."""
    live = "pa.anonymised_at IS NULL"
    return f"""
    SELECT pa.id AS participant,
      CASE WHEN {live} AND (pa.phone <> '' OR pa.email <> '') AND {_no_consent_sql("contact", "pa.id")}
           THEN 1 ELSE 0 END AS contact_without_consent,
      CASE WHEN {_no_consent_sql("participation", "pa.id")} THEN 1 ELSE 0 END AS no_participation,
      CASE WHEN {live} THEN COALESCE(pa.phone_digits, '') ELSE '' END AS phone_key,
      CASE WHEN {live} THEN LOWER(COALESCE(pa.email, '')) ELSE '' END AS email_key,
      CASE WHEN {live} THEN LOWER(TRIM(pa.display_name)) ELSE '' END AS name_key
    FROM "{T_PARTICIPANT}" pa WHERE {scope}
    """


def _groups_sql(source: str) -> str:
    """Keys shared by two people or more, from `source` (rows with the *_key columns)."""
    parts = [
        f"SELECT '{reason}' AS reason, k.{reason}_key AS dup_key, COUNT(*) AS members FROM ({source}) k "
        f"WHERE k.{reason}_key <> '' GROUP BY k.{reason}_key HAVING COUNT(*) > 1"
        for reason in REASONS
    ]
    return " UNION ALL ".join(parts)


def _insert(table: str, columns: tuple[str, ...], select: str) -> str:
    names = ", ".join(columns)
    return f'INSERT INTO "{table}" ({names}) SELECT {names} FROM ({select}) src'


# --- keepers: one program, one person, inside the writer's transaction ------------------------------------------


async def program_changed(program_id: int) -> None:
    """The keeper registered with server.db: a program's enrolments, goals, phase or archiving changed."""
    await _add_to_totals(await _recount_program(program_id))


async def _recount_program(program_id: int) -> dict[str, int]:
    """Replaces one program's row; returns what each organisation total must move by (applied by the caller, last:
    see _add_to_totals)."""
    # The program's row first, held until commit on PostgreSQL: two writers of one program (a goal and a consent)
    # would otherwise both undo the same old row.
    await raw(f'UPDATE "{T_PROGRAM_COUNT}" SET no_consent = no_consent WHERE program = :program', program=program_id)
    columns = ", ".join(PROGRAM_COLUMNS)
    old_rows = await raw(f'SELECT {columns} FROM "{T_PROGRAM_COUNT}" WHERE program = :program', program=program_id)
    new_rows = await raw(program_rows_sql("p.id = :program"), program=program_id)
    old = _program(old_rows[0]) if old_rows else None
    new = _program(new_rows[0]) if new_rows else None
    if old == new:
        return {}
    await raw(f'DELETE FROM "{T_PROGRAM_COUNT}" WHERE program = :program', program=program_id)
    if new is not None:
        await raw(
            f'INSERT INTO "{T_PROGRAM_COUNT}" (program, {columns}) VALUES (:program, '
            + ", ".join(f":{column}" for column in PROGRAM_COLUMNS)
            + ")",
            program=program_id,
            **new,
        )
    before, after = old or {}, new or {}
    return {kind: after.get(column, 0) - before.get(column, 0) for kind, column in PROGRAM_TOTALS.items()}


async def _add_to_totals(differences: dict[str, int]) -> None:
    """Moves the organisation's totals, in one order and after every program row a write touches: a write holds a
    total only at its very end, so two writes never wait for each other's program rows while holding one."""
    for kind in PROGRAM_TOTALS:
        difference = differences.get(kind, 0)
        if difference:
            # Inserted by the first difference in a database that started empty (as tests' do); `migrate` builds
            # the rows of any other (server/cli.py).
            await raw(
                f'INSERT INTO "{T_TOTAL}" (kind, total) VALUES (:kind, :d) '
                f'ON CONFLICT (kind) DO UPDATE SET total = "{T_TOTAL}".total + excluded.total',
                d=difference,
                kind=kind,
            )


def _program(row: dict[str, Any]) -> dict[str, int]:
    return {column: int(row[column] or 0) for column in PROGRAM_COLUMNS}


async def marks_changed(program_id: int, session_id: int, participant_ids: Sequence[int]) -> None:
    """The marks keeper registered with server.db: these counts read enrolments, consents and goals, never marks,
    so a write of marks alone changes none of them."""


async def participant_changed(participant_id: int) -> None:
    """The keeper registered with server.db: a person's details or consents changed. The person's old row says
    what to undo: the groups of keys they leave or join are recounted, the contact total moves by the difference,
    and their programs are recounted when their consent to take part changed."""
    # People's writes take their turn on the totals' row (PostgreSQL holds its lock until commit): two people
    # joining one key at once would otherwise each count the group without the other. SQLite has one writer anyway.
    await raw(f'UPDATE "{T_TOTAL}" SET total = total WHERE kind = :kind', kind=CONTACT)
    old_rows = await raw(f'SELECT * FROM "{T_PERSON}" WHERE participant = :id', id=participant_id)
    new_rows = await raw(person_rows_sql("pa.id = :id"), id=participant_id)
    old = _person(old_rows[0]) if old_rows else None
    new = _person(new_rows[0]) if new_rows else None
    if old == new:
        return
    await raw(f'DELETE FROM "{T_PERSON}" WHERE participant = :id', id=participant_id)
    if new is not None:
        await raw(
            _insert(T_PERSON, ("participant", *PERSON_COLUMNS), person_rows_sql("pa.id = :id")), id=participant_id
        )
    before, after = old or {}, new or {}
    difference = int(after.get(CONTACT, 0)) - int(before.get(CONTACT, 0))
    if difference:
        await raw(f'UPDATE "{T_TOTAL}" SET total = total + :d WHERE kind = :kind', d=difference, kind=CONTACT)
    for reason in REASONS:
        column = f"{reason}_key"
        keys = {before.get(column, ""), after.get(column, "")} - {""}
        if before.get(column, "") != after.get(column, ""):
            for key in keys:
                await _recount_group(reason, key)
    if before.get("no_participation") != after.get("no_participation"):
        programs = await raw(f'SELECT DISTINCT program FROM "{T_ENROLMENT}" WHERE participant = :id', id=participant_id)
        await _recount_programs(sorted(int(row["program"]) for row in programs))


# People per statement in `participants_changed`: a few statements for an import's thousands.
PEOPLE_CHUNK = 500


async def participants_changed(participant_ids: Sequence[int]) -> None:
    """The bulk keeper registered with server.db: many people's details or consents changed (an import). The same
    steps as `participant_changed`, a few statements per chunk of people: their rows replaced, the groups of every
    key they leave or join recounted once, the contact total moved by the sum of the differences, and the programs
    of those whose consent to take part changed recounted once each."""
    await raw(f'UPDATE "{T_TOTAL}" SET total = total WHERE kind = :kind', kind=CONTACT)
    difference = 0
    keys: dict[str, set[str]] = {reason: set() for reason in REASONS}
    participation_changed: list[int] = []
    ids = sorted(set(participant_ids))
    for start in range(0, len(ids), PEOPLE_CHUNK):
        chunk = ids[start : start + PEOPLE_CHUNK]
        old = {
            int(r["participant"]): _person(r)
            for r in await raw(f'SELECT * FROM "{T_PERSON}" WHERE participant IN (:ids)', ids=chunk)
        }
        new = {int(r["participant"]): _person(r) for r in await raw(person_rows_sql("pa.id IN (:ids)"), ids=chunk)}
        changed = [pid for pid in chunk if old.get(pid) != new.get(pid)]
        if not changed:
            continue
        await raw(f'DELETE FROM "{T_PERSON}" WHERE participant IN (:ids)', ids=changed)
        present = [pid for pid in changed if pid in new]
        if present:
            await raw(
                _insert(T_PERSON, ("participant", *PERSON_COLUMNS), person_rows_sql("pa.id IN (:ids)")), ids=present
            )
        for pid in changed:
            before, after = old.get(pid) or {}, new.get(pid) or {}
            difference += int(after.get(CONTACT, 0)) - int(before.get(CONTACT, 0))
            for reason in REASONS:
                column = f"{reason}_key"
                if before.get(column, "") != after.get(column, ""):
                    keys[reason] |= {before.get(column, ""), after.get(column, "")} - {""}
            if before.get("no_participation") != after.get("no_participation"):
                participation_changed.append(pid)
    if difference:
        await raw(f'UPDATE "{T_TOTAL}" SET total = total + :d WHERE kind = :kind', d=difference, kind=CONTACT)
    for reason, reason_keys in keys.items():
        ordered = sorted(reason_keys)
        for start in range(0, len(ordered), PEOPLE_CHUNK):
            await _recount_groups(reason, ordered[start : start + PEOPLE_CHUNK])
    programs: set[int] = set()
    for start in range(0, len(participation_changed), PEOPLE_CHUNK):
        rows = await raw(
            f'SELECT DISTINCT program FROM "{T_ENROLMENT}" WHERE participant IN (:ids)',
            ids=participation_changed[start : start + PEOPLE_CHUNK],
        )
        programs |= {int(row["program"]) for row in rows}
    await _recount_programs(sorted(programs))


async def _recount_programs(program_ids: Sequence[int]) -> None:
    """Recounts these programs (in this order), then moves the totals once."""
    differences: dict[str, int] = {}
    for program_id in program_ids:
        for kind, difference in (await _recount_program(program_id)).items():
            differences[kind] = differences.get(kind, 0) + difference
    await _add_to_totals(differences)


async def _recount_groups(reason: str, keys: list[str]) -> None:
    """`_recount_group` for many keys of one reason, in two statements."""
    await raw(f'DELETE FROM "{T_GROUP}" WHERE reason = :reason AND dup_key IN (:keys)', reason=reason, keys=keys)
    await raw(
        f"INSERT INTO \"{T_GROUP}\" (reason, dup_key, members) SELECT '{reason}', {reason}_key, COUNT(*) "
        f'FROM "{T_PERSON}" WHERE {reason}_key IN (:keys) GROUP BY {reason}_key HAVING COUNT(*) > 1',
        keys=keys,
    )


def _person(row: dict[str, Any]) -> dict[str, Any]:
    return {
        column: (int(row[column] or 0) if not column.endswith("_key") else str(row[column] or ""))
        for column in PERSON_COLUMNS
    }


async def _recount_group(reason: str, key: str) -> None:
    await raw(f'DELETE FROM "{T_GROUP}" WHERE reason = :reason AND dup_key = :key', reason=reason, key=key)
    rows = await raw(f'SELECT COUNT(*) AS n FROM "{T_PERSON}" WHERE {reason}_key = :key', key=key)
    members = int(rows[0]["n"] or 0)
    if members > 1:
        await raw(
            f'INSERT INTO "{T_GROUP}" (reason, dup_key, members) VALUES (:reason, :key, :members)',
            reason=reason,
            key=key,
            members=members,
        )


# --- rebuilding and checking ------------------------------------------------------------------------------------


async def rebuild_all() -> int:
    """Recomputes every kept count from the raw rows (python -m server rebuild-stats); returns the people counted."""
    async with db.transaction():
        for table in (T_PROGRAM_COUNT, T_PERSON, T_GROUP, T_TOTAL):
            await raw(f'DELETE FROM "{table}"')
        await raw(_insert(T_PROGRAM_COUNT, ("program", *PROGRAM_COLUMNS), program_rows_sql("1 = 1")))
        await raw(_insert(T_PERSON, ("participant", *PERSON_COLUMNS), person_rows_sql("1 = 1")))
        await raw(_insert(T_GROUP, ("reason", "dup_key", "members"), _groups_sql(f'SELECT * FROM "{T_PERSON}"')))
        await raw(
            f'INSERT INTO "{T_TOTAL}" (kind, total) SELECT \'{CONTACT}\', COUNT(*) FROM "{T_PERSON}" '
            f"WHERE {CONTACT} = 1"
        )
        for kind, column in PROGRAM_TOTALS.items():
            await raw(
                f'INSERT INTO "{T_TOTAL}" (kind, total) SELECT :kind, COALESCE(SUM({column}), 0) '
                f'FROM "{T_PROGRAM_COUNT}"',
                kind=kind,
            )
    return await PersonCheck.count().run()


async def missing() -> bool:
    """Whether the kept counts were never computed (a database from before them, or from before one of the totals)
    or a person has no row (people written behind the services' back, as seeders do): `migrate` then rebuilds
    them. A program without a row has nothing to count yet: a new program starts in assessment, and its row appears
    with its first enrolment, goal or change of phase."""
    kinds = ", ".join(f"'{kind}'" for kind in TOTAL_KINDS)
    rows = await raw(
        f'SELECT (SELECT COUNT(*) FROM "{T_TOTAL}" WHERE kind IN ({kinds})) AS totals, '
        f'(SELECT COUNT(*) FROM "{T_PARTICIPANT}") AS people, (SELECT COUNT(*) FROM "{T_PERSON}") AS kept'
    )
    row = rows[0]
    return int(row["totals"] or 0) != len(TOTAL_KINDS) or int(row["people"] or 0) != int(row["kept"] or 0)


async def kept() -> dict[str, Any]:
    """Every kept row, in a comparable shape (programs with nothing to count are left out)."""
    return await _shape(
        programs=await raw(f'SELECT * FROM "{T_PROGRAM_COUNT}"'),
        people=await raw(f'SELECT * FROM "{T_PERSON}"'),
        groups=await raw(f'SELECT reason, dup_key, members FROM "{T_GROUP}"'),
        totals=await raw(f'SELECT kind, total FROM "{T_TOTAL}"'),
    )


async def from_scratch() -> dict[str, Any]:
    """What the kept rows must hold, computed from the raw rows."""
    people = await raw(person_rows_sql("1 = 1"))
    programs = await raw(program_rows_sql("1 = 1"))
    totals = [{"kind": CONTACT, "total": sum(1 for row in people if int(row[CONTACT] or 0))}]
    totals += [
        {"kind": kind, "total": sum(int(row[column] or 0) for row in programs)}
        for kind, column in PROGRAM_TOTALS.items()
    ]
    return await _shape(
        programs=programs,
        people=people,
        groups=await raw(_groups_sql(person_rows_sql("1 = 1"))),
        totals=totals,
    )


async def _shape(*, programs: list, people: list, groups: list, totals: list) -> dict[str, Any]:
    return {
        "programs": {
            int(row["program"]): tuple(int(row[column] or 0) for column in PROGRAM_COLUMNS)
            for row in programs
            if any(int(row[column] or 0) for column in PROGRAM_COLUMNS)
        },
        "people": {int(row["participant"]): _person(row) for row in people},
        "groups": {(row["reason"], row["dup_key"]): int(row["members"]) for row in groups},
        "totals": {row["kind"]: int(row["total"] or 0) for row in totals},
    }
