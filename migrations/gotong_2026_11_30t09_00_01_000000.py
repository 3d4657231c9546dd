"""Individual goals and progress notes move into case plans (issue 16): one place for a person's own goals.

For every participant with a legacy individual goal or progress note not yet moved (`moved_to IS NULL`):
- the case: their open case if they have one (its case worker is kept); otherwise a new open case, dated from
  their earliest goal or note, whose case worker is, by this rule, the first of these who is an active staff
  member: the staff member who wrote their goals (earliest first), then who wrote their progress notes, then the
  lead of the program the goals were set in; if none is active, the case has no case worker (administrators see
  every case and hand it on). Nobody else on the program's team sees it any more (privacy.may_see_case).
- each goal becomes a plan goal at the end of the plan, with its words and its date, open (the legacy goals had
  no target date and no status);
- each progress note becomes a case note of kind "progress" with its date and author, its text preceded by the
  goal's words in quotes (a case note belongs to the case, not to one goal).
The legacy rows are kept and marked with the id of their copy, so running this again moves nothing twice; people
whose data was erased are skipped (the personal-data registry erases what is left). Plain SQL through the engine,
the same on SQLite and PostgreSQL, so that later changes to the table classes do not change this migration."""

from datetime import UTC, datetime

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-30T09:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "move individual goals and progress notes into case plans"


async def _rows(db, sql: str, *args) -> list[dict]:
    return await db.run_querystring(QueryString(sql, *args))


async def _case_worker(db, goals: list[dict], notes: list[dict]) -> int | None:
    active = {
        row["id"]
        for row in await _rows(db, 'SELECT s.id, u.active FROM staff s JOIN piccolo_user u ON u.id = s."user"')
        if row["active"]
    }
    leads: dict[int, list[int]] = {}
    for row in await _rows(db, "SELECT program, staff FROM team_member WHERE role = 'lead' ORDER BY id"):
        leads.setdefault(row["program"], []).append(row["staff"])
    candidates = [g["created_by"] for g in goals] + [n["written_by"] for n in notes]
    for program in dict.fromkeys(row["program"] for row in goals + notes):
        candidates += leads.get(program, [])
    return next((staff for staff in candidates if staff in active), None)


async def _case_for(db, participant: int, goals: list[dict], notes: list[dict], now: datetime) -> int:
    found = await _rows(
        db, "SELECT id FROM case_file WHERE participant = {} AND status = 'open' ORDER BY id LIMIT 1", participant
    )
    if found:
        return found[0]["id"]
    opened_at = min([g["created_at"] for g in goals] + [n["written_at"] for n in notes])
    created = await _rows(
        db,
        "INSERT INTO case_file (participant, case_worker, supervisor, status, crisis, own_words, opened_at, opened_by,"
        " closed_at, closed_by, outcome, updated_at) VALUES ({}, {}, NULL, 'open', {}, '', {}, NULL, NULL, NULL, '', {})"
        " RETURNING id",
        participant,
        await _case_worker(db, goals, notes),
        False,
        opened_at,
        now,
    )
    return created[0]["id"]


async def move_individual_goals() -> tuple[int, int]:
    """Copies every goal and note not yet moved into its person's case; returns how many goals and notes it moved."""
    db = engine_finder()
    now = datetime.now(UTC)
    moved_goals = moved_notes = 0
    async with db.transaction():
        goals = await _rows(
            db,
            "SELECT g.id, g.statement, g.created_at, g.created_by, e.participant, e.program, p.anonymised_at"
            " FROM individual_goal g JOIN enrolment e ON e.id = g.enrolment JOIN participant p ON p.id = e.participant"
            " WHERE g.moved_to IS NULL ORDER BY g.created_at, g.id",
        )
        notes = await _rows(
            db,
            "SELECT n.id, n.note, n.written_at, n.written_by, g.statement, e.participant, e.program, p.anonymised_at"
            " FROM progress_note n JOIN individual_goal g ON g.id = n.goal JOIN enrolment e ON e.id = g.enrolment"
            " JOIN participant p ON p.id = e.participant WHERE n.moved_to IS NULL ORDER BY n.written_at, n.id",
        )
        people = dict.fromkeys(row["participant"] for row in goals + notes if row["anonymised_at"] is None)
        for participant in people:
            theirs = [g for g in goals if g["participant"] == participant]
            their_notes = [n for n in notes if n["participant"] == participant]
            case = await _case_for(db, participant, theirs, their_notes, now)
            last = await _rows(db, 'SELECT MAX(position) AS position FROM case_goal WHERE "case" = {}', case)
            position = (last[0]["position"] or 0) if last else 0
            for goal in theirs:
                position += 1
                copy = await _rows(
                    db,
                    'INSERT INTO case_goal ("case", text, status, target_date, position, created_at, changed_at)'
                    " VALUES ({}, {}, 'open', NULL, {}, {}, {}) RETURNING id",
                    case,
                    goal["statement"],
                    position,
                    goal["created_at"],
                    goal["created_at"],
                )
                await _rows(db, "UPDATE individual_goal SET moved_to = {} WHERE id = {}", copy[0]["id"], goal["id"])
                moved_goals += 1
            for note in their_notes:
                copy = await _rows(
                    db,
                    'INSERT INTO case_note ("case", written_at, author, kind, text)'
                    " VALUES ({}, {}, {}, 'progress', {}) RETURNING id",
                    case,
                    note["written_at"],
                    note["written_by"],
                    f"\u201c{note['statement']}\u201d\n\n{note['note']}",
                )
                await _rows(db, "UPDATE progress_note SET moved_to = {} WHERE id = {}", copy[0]["id"], note["id"])
                moved_notes += 1
    return moved_goals, moved_notes


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def run():
        await move_individual_goals()

    manager.add_raw(run)
    return manager
