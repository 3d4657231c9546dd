"""The rules of case files: who sees a case, opening and closing one, the crisis flag, assessments and case notes."""

from __future__ import annotations

from datetime import date
from typing import Any

from server import clock, privacy
from server.audit import record_audit
from server.cases.followups import plan_followups
from server.cases.tables import Case, CaseAssessment, CaseNote, CaseRating
from server.db import as_datetime, raw, transaction
from server.errors import DomainError, Forbidden, NotFound
from server.i18n import N_
from server.people.tables import Participant, Staff
from server.web.access import CurrentStaff
from server.web.labels import LABELS

# Life domains of the needs assessment, in the order the form asks them.
DOMAINS = {
    "income_work": N_("Income and work"),
    "housing": N_("Housing"),
    "health": N_("Health"),
    "mental_health": N_("Mental health"),
    "family_safety": N_("Family and safety"),
    "education": N_("Education"),
    "legal_documents": N_("Legal documents"),
    "social_support": N_("Social support"),
}
RATINGS = {
    1: N_("1 – in crisis"),
    2: N_("2 – vulnerable"),
    3: N_("3 – getting by"),
    4: N_("4 – stable"),
    5: N_("5 – thriving"),
}
NOTE_KINDS = {
    "contact": N_("Contact"),
    "home_visit": N_("Home visit"),
    "phone": N_("Phone call"),
    "counselling": N_("Counselling session"),
    "crisis": N_("Crisis"),
    # A note on the person's progress towards their goals (the former per-program progress notes moved here).
    "progress": N_("Progress note"),
}
OUTCOMES = {
    "goals_met": N_("Goals met"),
    "partly_met": N_("Goals partly met"),
    "not_met": N_("Goals not met"),
    "moved_away": N_("Moved away"),
    "declined_services": N_("Declined services"),
}
STATUSES = {"open": N_("Open"), "closed": N_("Closed")}
LABELS.register("case_domain", DOMAINS)
LABELS.register("case_note_kind", NOTE_KINDS)
LABELS.register("case_outcome", OUTCOMES)
LABELS.register("case_status", STATUSES)
MAX_NOTE = 10_000
# The overview shows the notes a page at a time, newest first: a constant number of queries whatever the case's
# length, and every older note a page away (it showed the newest 100, and older ones could not be read at all).
NOTES_PAGE = 25

_CASE_COLUMNS = (
    Case.id,
    Case.participant,
    Case.participant.display_name.as_alias("participant_name"),
    Case.participant.anonymised_at.as_alias("participant_anonymised_at"),
    Case.case_worker,
    Case.case_worker.display_name.as_alias("case_worker_name"),
    Case.supervisor,
    Case.supervisor.display_name.as_alias("supervisor_name"),
    Case.status,
    Case.crisis,
    Case.own_words,
    Case.opened_at,
    Case.closed_at,
    Case.outcome,
)


# --- who sees a case ---------------------------------------------------------------------------------------------
async def _case_row(case_id: int) -> dict[str, Any] | None:
    return await Case.select(*_CASE_COLUMNS).where(Case.id == case_id).first().run()


async def case_for_staff(staff: CurrentStaff, case_id: int) -> dict[str, Any]:
    """The case as its case worker, supervisor or an administrator reads it; the read is audited. Anyone else gets
    NotFound, as for a case that does not exist: whether a person has a case file is itself confidential."""
    row = await _case_row(case_id)
    if row is None or not privacy.may_see_case(staff, row):
        raise NotFound("case")
    await record_audit(
        staff,
        "view",
        "case",
        case_id,
        N_("read the case file of participant %(participant)s"),
        participant=row["participant"],
    )
    return row


async def _case_to_change(staff: CurrentStaff, case_id: int) -> dict[str, Any]:
    """A case someone may change: the same people who may see it (not audited as a read: the change is)."""
    row = await _case_row(case_id)
    if row is None or not privacy.may_see_case(staff, row):
        raise NotFound("case")
    return row


def _visible_where(staff: CurrentStaff) -> Any:
    """The cases on a staff member's list: their own as case worker or supervisor; administrators see every case."""
    if staff.is_admin:
        return Case.id.is_not_null()
    return (Case.case_worker == staff.id) | (Case.supervisor == staff.id)


async def count_cases(staff: CurrentStaff) -> int:
    return await Case.count().where(_visible_where(staff)).run()


async def list_cases(staff: CurrentStaff, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """The staff member's cases: open before closed, crisis cases first among them, then the newest."""
    return (
        await Case.select(
            Case.id,
            Case.participant.display_name.as_alias("participant_name"),
            Case.case_worker.display_name.as_alias("case_worker_name"),
            Case.status,
            Case.crisis,
            Case.opened_at,
            Case.closed_at,
            Case.outcome,
        )
        .where(_visible_where(staff))
        # "open" sorts after "closed": descending puts open cases first.
        .order_by(Case.status, ascending=False)
        .order_by(Case.crisis, ascending=False)
        .order_by(Case.opened_at, ascending=False)
        .order_by(Case.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )


async def crisis_cases(staff: CurrentStaff) -> list[dict[str, Any]]:
    """Open crisis cases the staff member holds as case worker or supervisor, every one for administrators (for the
    top of their pages)."""
    # In SQL: the dashboard opens with it, and the ORM took longer to build this join than the engine to run it.
    # `crisis = TRUE` is written, not bound: bound, PostgreSQL planned it anew on every view.
    mine = "" if staff.is_admin else " AND (c.case_worker = :staff OR c.supervisor = :staff)"
    rows = await raw(
        f"""
        SELECT c.id AS id, pa.display_name AS participant_name, c.opened_at AS opened_at
        FROM "{Case._meta.tablename}" c LEFT JOIN "{Participant._meta.tablename}" pa ON pa.id = c.participant
        WHERE c.status = 'open' AND c.crisis = TRUE{mine}
        ORDER BY c.opened_at DESC LIMIT 20
        """,
        staff=staff.id,
    )
    return [{**row, "opened_at": as_datetime(row["opened_at"])} for row in rows]


async def case_of_person(staff: CurrentStaff, participant_id: int) -> int | None:
    """The person's case this staff member may see, their open one first, else the latest; None when there is none
    they may see (whether a case exists stays confidential). One query."""
    rows = (
        await Case.select(Case.id, Case.case_worker, Case.supervisor, Case.status)
        .where(Case.participant == participant_id)
        .order_by(Case.opened_at, ascending=False)
        .order_by(Case.id, ascending=False)
        .run()
    )
    mine = [row for row in rows if privacy.may_see_case(staff, row)]
    mine.sort(key=lambda row: row["status"] != "open")  # stable: the newest first within each group
    return mine[0]["id"] if mine else None


# --- opening and closing -----------------------------------------------------------------------------------------
async def staff_choices() -> list[dict[str, Any]]:
    """Active staff members who can hold or supervise a case."""
    return (
        await Staff.select(Staff.id, Staff.display_name, Staff.role)
        .where(Staff.user.active == True)  # noqa: E712 - a SQL comparison
        .order_by(Staff.display_name)
        .run()
    )


async def open_case(
    actor: CurrentStaff, participant_id: int, *, case_worker_id: int, supervisor_id: int | None, own_words: str = ""
) -> int:
    """Organizers and administrators open a case for a person and assign its case worker (and supervisor). A person
    has at most one open case."""
    if not actor.is_organizer:
        raise Forbidden()
    person = await Participant.select(Participant.anonymised_at).where(Participant.id == participant_id).first().run()
    if person is None:
        raise NotFound("participant")
    if person["anonymised_at"] is not None:
        raise DomainError("erased", N_("This person's data was erased: no case can be opened."))
    active = {row["id"] for row in await staff_choices()}
    if case_worker_id not in active:
        raise DomainError("case_worker", N_("Choose an active staff member."), field="case_worker")
    if supervisor_id is not None and supervisor_id not in active:
        raise DomainError("supervisor", N_("Choose an active staff member."), field="supervisor")
    if supervisor_id == case_worker_id:
        raise DomainError(
            "supervisor_is_worker", N_("The supervisor must be someone other than the case worker."), field="supervisor"
        )
    async with transaction():
        if await Case.exists().where((Case.participant == participant_id) & (Case.status == "open")).run():
            raise DomainError("already_open", N_("This person already has an open case."))
        now = clock.now()
        case = Case(
            participant=participant_id,
            case_worker=case_worker_id,
            supervisor=supervisor_id,
            own_words=own_words,
            opened_at=now,
            opened_by=actor.id,
            updated_at=now,
        )
        await case.save().run()
        await record_audit(
            actor,
            "create",
            "case",
            case.id,
            N_("opened a case for participant %(participant)s"),
            participant=participant_id,
        )
    return case.id


async def close_case(actor: CurrentStaff, case_id: int, outcome: str) -> None:
    """A case closes with one of the outcomes, and its follow-up checks are planned; without one nothing changes."""
    row = await _case_to_change(actor, case_id)
    if outcome not in OUTCOMES:
        raise DomainError("outcome_required", N_("Choose the outcome of the case."), field="outcome")
    if row["status"] == "closed":
        raise DomainError("already_closed", N_("This case is already closed."))
    now = clock.now()
    async with transaction():
        await (
            Case.update(
                {
                    Case.status: "closed",
                    Case.outcome: outcome,
                    Case.closed_at: now,
                    Case.closed_by: actor.id,
                    Case.crisis: False,
                    Case.updated_at: now,
                }
            )
            .where(Case.id == case_id)
            .run()
        )
        await plan_followups(case_id, now)
        await record_audit(
            actor, "update", "case", case_id, N_("closed the case: %(outcome)s"), outcome={"msgid": OUTCOMES[outcome]}
        )


async def set_crisis(actor: CurrentStaff, case_id: int, crisis: bool) -> None:
    """Raises or lowers the crisis flag of an open case."""
    row = await _case_to_change(actor, case_id)
    if row["status"] != "open":
        raise DomainError("closed", N_("This case is closed."))
    async with transaction():
        await Case.update({Case.crisis: crisis, Case.updated_at: clock.now()}).where(Case.id == case_id).run()
        message = N_("raised the crisis flag") if crisis else N_("lowered the crisis flag")
        await record_audit(actor, "update", "case", case_id, message)


# --- assessments and notes ---------------------------------------------------------------------------------------
async def record_assessment(
    actor: CurrentStaff,
    case_id: int,
    assessed_on: date,
    ratings: dict[str, tuple[int, str]],
    *,
    own_words: str | None = None,
) -> int:
    """A dated assessment: a rating 1–5 and a note for each life domain discussed (at least one). The person's own
    words, when given, replace the case's."""
    row = await _case_to_change(actor, case_id)
    if row["status"] != "open":
        raise DomainError("closed", N_("This case is closed."))
    unknown = [domain for domain in ratings if domain not in DOMAINS]
    if unknown or any(rating not in RATINGS for rating, _note in ratings.values()):
        raise DomainError("rating", N_("Rate each domain from 1 to 5."), field="ratings")
    if not ratings:
        raise DomainError("no_rating", N_("Rate at least one life domain."), field="ratings")
    if assessed_on > clock.organisation_today():
        raise DomainError("future", N_("An assessment cannot be dated in the future."), field="assessed_on")
    async with transaction():
        assessment = CaseAssessment(case=case_id, assessed_on=assessed_on, recorded_by=actor.id)
        await assessment.save().run()
        await CaseRating.insert(
            *[
                CaseRating(assessment=assessment.id, domain=domain, rating=rating, note=note)
                for domain, (rating, note) in ratings.items()
            ]
        ).run()
        changes: dict[Any, Any] = {Case.updated_at: clock.now()}
        if own_words is not None:
            changes[Case.own_words] = own_words
        await Case.update(changes).where(Case.id == case_id).run()
        await record_audit(actor, "create", "case", case_id, N_("recorded an assessment"))
    return assessment.id


async def add_note(actor: CurrentStaff, case_id: int, kind: str, text: str) -> int:
    """A dated case note; notes may be added to a closed case too (a last contact, a follow-up call)."""
    await _case_to_change(actor, case_id)
    if kind not in NOTE_KINDS:
        raise DomainError("kind", N_("Choose one of the options."), field="kind")
    if not text.strip():
        raise DomainError("text", N_("This field is required."), field="text")
    async with transaction():
        note = CaseNote(case=case_id, kind=kind, text=text, author=actor.id, written_at=clock.now())
        await note.save().run()
        await record_audit(actor, "create", "case", case_id, N_("wrote a case note"))
    return note.id


async def assessments(case_id: int, *, limit: int = 2) -> list[dict[str, Any]]:
    """The latest assessments, newest first, each with its ratings by domain, and the change per domain from the
    one before (None where either did not rate it). Two queries whatever the number."""
    rows = (
        await CaseAssessment.select(
            CaseAssessment.id,
            CaseAssessment.assessed_on,
            CaseAssessment.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(CaseAssessment.case == case_id)
        .order_by(CaseAssessment.assessed_on, ascending=False)
        .order_by(CaseAssessment.id, ascending=False)
        .limit(limit)
        .run()
    )
    ratings = (
        await CaseRating.select(CaseRating.assessment, CaseRating.domain, CaseRating.rating, CaseRating.note)
        .where(CaseRating.assessment.is_in([row["id"] for row in rows] or [-1]))
        .run()
    )
    for row in rows:
        row["ratings"] = {r["domain"]: r for r in ratings if r["assessment"] == row["id"]}
    for index, newer in enumerate(rows):
        older = rows[index + 1] if index + 1 < len(rows) else None
        newer["domains"] = [
            {
                "domain": domain,
                "rating": newer["ratings"].get(domain, {}).get("rating"),
                "note": newer["ratings"].get(domain, {}).get("note", ""),
                "previous": older["ratings"].get(domain, {}).get("rating") if older else None,
            }
            for domain in DOMAINS
        ]
        for item in newer["domains"]:
            both = item["rating"] is not None and item["previous"] is not None
            item["change"] = item["rating"] - item["previous"] if both else None
    return rows


async def count_notes(case_id: int) -> int:
    return await CaseNote.count().where(CaseNote.case == case_id).run()


async def notes(case_id: int, *, limit: int = NOTES_PAGE, offset: int = 0) -> list[dict[str, Any]]:
    """The case's notes, newest first: `limit` of them from `offset`."""
    return (
        await CaseNote.select(
            CaseNote.id,
            CaseNote.written_at,
            CaseNote.kind,
            CaseNote.text,
            CaseNote.author.display_name.as_alias("author_name"),
        )
        .where(CaseNote.case == case_id)
        .order_by(CaseNote.written_at, ascending=False)
        .order_by(CaseNote.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )
