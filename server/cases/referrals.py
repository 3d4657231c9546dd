"""The rules of referrals: referring a case's person to a partner or to another program, named details only under
the person's "referral" consent, status changes and follow-up dates, and the lists of open referrals."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from server import clock, privacy
from server.audit import record_audit, translatable
from server.cases.referral_tables import Referral
from server.cases.tables import Case
from server.db import as_date, as_datetime, contains_text, raw, transaction
from server.enrolment.services import expire_offers
from server.enrolment.waitlist import enrol_locked, load_program
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.messages.recipients import participant_recipients, queue_to
from server.people.consent import active_consents
from server.people.tables import Participant
from server.programs.locking import program_lock
from server.programs.rules import open_program_where
from server.programs.tables import Partner, Program
from server.web.access import CurrentStaff
from server.web.labels import LABELS

T_REFERRAL = Referral._meta.tablename
T_CASE = Case._meta.tablename
T_PARTNER = Partner._meta.tablename
T_PROGRAM = Program._meta.tablename
T_PARTICIPANT = Participant._meta.tablename

STATUSES = {
    "sent": N_("Sent"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "completed": N_("Completed"),
    "no_response": N_("No response"),
}
OPEN = ("sent", "accepted")  # still waiting for something to happen: these carry a follow-up date
LABELS.register("referral_status", STATUSES)
# An open referral without a follow-up date given is followed up this many days from today.
FOLLOW_UP_DAYS = 14
MAX_REASON = 4000
# A case page shows this many referrals, newest first (a constant number of queries whatever the case's length).
SHOWN = 50


# --- the case behind a referral ----------------------------------------------------------------------------------
async def _case(actor: CurrentStaff, case_id: int) -> dict[str, Any]:
    """The case, for the people who may see it (privacy.may_see_case); anyone else gets NotFound, as for no case."""
    row = (
        await Case.select(Case.id, Case.participant, Case.case_worker, Case.supervisor, Case.status)
        .where(Case.id == case_id)
        .first()
        .run()
    )
    if row is None or not privacy.may_see_case(actor, row):
        raise NotFound("case")
    return row


def _follow_up(follow_up_on: date | None) -> date:
    """The date given, or FOLLOW_UP_DAYS from today; never in the past."""
    today = clock.organisation_today()
    if follow_up_on is None:
        return today + timedelta(days=FOLLOW_UP_DAYS)
    if follow_up_on < today:
        raise DomainError("follow_up_past", N_("The follow-up date cannot be in the past."), field="follow_up_on")
    return follow_up_on


# --- referring ---------------------------------------------------------------------------------------------------
async def refer(
    actor: CurrentStaff,
    case_id: int,
    *,
    reason: str,
    partner_id: int | None = None,
    program_id: int | None = None,
    shares_named_details: bool = False,
    follow_up_on: date | None = None,
    now: datetime | None = None,
) -> int:
    """Refers the case's person to exactly one partner or one Gotong program. Named details go only with the
    person's current consent to share them for a referral; a referral without them needs none. A referral to a
    program asks that program for a place through enrolment's own rules (a request where the program approves
    each person, otherwise a place or the waitlist by capacity). The person is told through the outbox when they
    consent to be contacted."""
    case = await _case(actor, case_id)
    if case["status"] != "open":
        raise DomainError("closed", N_("This case is closed."))
    if (partner_id is None) == (program_id is None):
        raise DomainError("target", N_("Choose either a partner organisation or a program."), field="partner")
    if not reason.strip():
        raise DomainError("reason", N_("This field is required."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError("reason_long", N_("This text is too long."), field="reason")
    participant_id = case["participant"]
    if shares_named_details and "referral" not in (await active_consents([participant_id]))[participant_id]:
        raise DomainError(
            "referral_consent",
            N_(
                "The person has not consented to sharing their details for a referral: record their consent first, "
                "or refer them without named details."
            ),
            field="shares_named_details",
        )
    follow_up = _follow_up(follow_up_on)
    now = now or clock.now()
    referral = Referral(
        case=case_id,
        partner=partner_id,
        program=program_id,
        reason=reason.strip(),
        shares_named_details=shares_named_details,
        status="sent",
        follow_up_on=follow_up,
        created_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    if partner_id is not None:
        partner = await Partner.select(Partner.id, Partner.name).where(Partner.id == partner_id).first().run()
        if partner is None:
            raise DomainError("partner", N_("Choose one of the options."), field="partner")
        async with transaction():
            await _save(
                actor, referral, participant_id, N_("referred the person to a partner: %(to)s"), partner["name"]
            )
            await _notify(referral, participant_id, None)
        return referral.id
    await expire_offers(now)
    async with program_lock(program_id):  # type: ignore[arg-type]  # not None: exactly one of them is
        try:
            program = await load_program(program_id)  # type: ignore[arg-type]
        except NotFound:
            raise DomainError("program", N_("Choose one of the options."), field="program") from None
        if program["enrolment_mode"] not in ("open", "approval"):
            raise DomainError("program_not_taking", N_("This program is not taking new people."), field="program")
        # Enrolment's rules decide: consent to take part, an open program, not already on its list, capacity.
        try:
            await enrol_locked(actor, program, participant_id, source="referral", now=now)
        except DomainError as refusal:
            # Its message, next to the form's program field (the enrolment form's own field is not on this page).
            field = "program" if refusal.field else None
            raise DomainError(refusal.code, refusal.message, field=field, **refusal.params) from None
        title = privacy.title(program, privacy.staff_viewer(actor, on_team=False), privacy.LOG)
        await _save(actor, referral, participant_id, N_("referred the person to a program: %(to)s"), title)
        await _notify(referral, participant_id, program)
    return referral.id


async def _save(actor: CurrentStaff, referral: Referral, participant_id: int, message: str, to: str) -> None:
    await referral.save().run()
    await record_audit(actor, "create", "case", referral.case, message, to=to, participant=participant_id)


async def _notify(referral: Referral, participant_id: int, program: dict[str, Any] | None) -> None:
    """ "You were referred", on the person's channel, only with consent to be contacted. It never names a partner
    nor gives the reason: a message is read on a shared phone and in notification previews, and a partner's name
    (a crisis centre, a legal aid clinic) can say more than the person wants. A program is named by the privacy
    policy's title for a message (a discreet program's neutral title). The personal page says the rest."""
    recipient = (await participant_recipients([participant_id])).get(participant_id)
    if recipient is None:
        return
    await queue_to(
        recipient,
        key=f"referral:{referral.id}",
        template="referral_sent",
        program_id=program["id"] if program else None,
        timezone=program["timezone"] if program else None,
        context={
            "program_title": privacy.title(program, privacy.SELF, privacy.MESSAGE) if program else "",
        },
    )


# --- status and follow-up ----------------------------------------------------------------------------------------
async def referral_for_staff(actor: CurrentStaff, case_id: int, referral_id: int) -> dict[str, Any]:
    """One referral of a case the staff member may see; NotFound otherwise (or when it belongs to another case)."""
    await _case(actor, case_id)
    row = (
        await Referral.select(Referral.id, Referral.case, Referral.status, Referral.follow_up_on)
        .where((Referral.id == referral_id) & (Referral.case == case_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("referral")
    return row


async def set_status(
    actor: CurrentStaff, case_id: int, referral_id: int, status: str, *, follow_up_on: date | None = None
) -> None:
    """A new status (audited). An open one keeps a follow-up date: the one given, else the one it had, else
    FOLLOW_UP_DAYS from today; a closed one (declined, completed, no response) records when it closed."""
    row = await referral_for_staff(actor, case_id, referral_id)
    if status not in STATUSES:
        raise DomainError("status", N_("Choose one of the options."), field="status")
    now = clock.now()
    changes: dict[Any, Any] = {Referral.status: status, Referral.updated_at: now}
    if status in OPEN:
        if follow_up_on is None and row["follow_up_on"] is not None:
            follow_up_on = max(row["follow_up_on"], clock.organisation_today())
        changes[Referral.follow_up_on] = _follow_up(follow_up_on)
        changes[Referral.closed_at] = None
    else:
        changes[Referral.closed_at] = now
    async with transaction():
        await Referral.update(changes).where(Referral.id == referral_id).run()
        await record_audit(
            actor,
            "update",
            "case",
            case_id,
            N_("referral status changed: %(status)s"),
            status=translatable(STATUSES[status]),
            referral=referral_id,
        )


# --- reading -----------------------------------------------------------------------------------------------------
_COLUMNS = (
    Referral.id,
    Referral.case,
    Referral.partner,
    Referral.partner.name.as_alias("partner_name"),
    Referral.program,
    Referral.program.title.as_alias("program_title"),
    Referral.program.public_title.as_alias("program_public_title"),
    Referral.program.discreet.as_alias("program_discreet"),
    Referral.status,
    Referral.follow_up_on,
    Referral.created_at,
    Referral.closed_at,
)


def _named(row: dict[str, Any], viewer: privacy.Viewer | str) -> dict[str, Any]:
    """`to`: the partner's name, or the program's title as the viewer may see it."""
    if row["program"] is not None:
        row["to"] = privacy.title(row, viewer, privacy.PAGE)
    else:
        row["to"] = row["partner_name"] or ""
    for key in ("program_title", "program_public_title"):
        row.pop(key, None)
    return row


async def case_referrals(actor: CurrentStaff, case_id: int, *, limit: int = SHOWN) -> list[dict[str, Any]]:
    """A case's referrals, newest first, with the reason (the case page is read only by who may see the case)."""
    rows = (
        await Referral.select(
            *_COLUMNS,
            Referral.reason,
            Referral.shares_named_details,
            Referral.created_by.display_name.as_alias("created_by_name"),
        )
        .where(Referral.case == case_id)
        .order_by(Referral.created_at, ascending=False)
        .order_by(Referral.id, ascending=False)
        .limit(limit)
        .run()
    )
    viewer = privacy.staff_viewer(actor, on_team=False)
    return [_named(row, viewer) for row in rows]


def _open_where(staff: CurrentStaff, partner_id: int | None) -> Any:
    """Open referrals: organizers and administrators see the organisation's; anyone else those of their cases."""
    where: Any = Referral.status.is_in(list(OPEN))
    if not staff.is_organizer:
        where &= (Referral.case.case_worker == staff.id) | (Referral.case.supervisor == staff.id)
    if partner_id is not None:
        where &= Referral.partner == partner_id
    return where


async def count_open_referrals(staff: CurrentStaff, *, partner_id: int | None = None) -> int:
    return await Referral.count().where(_open_where(staff, partner_id)).run()


async def open_referrals(
    staff: CurrentStaff, *, partner_id: int | None = None, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Open referrals, the soonest follow-up first; never the reason (it is read on the case, by who may see it).
    `may_open`: whether this staff member may open the case (privacy.may_see_case)."""
    rows = (
        await Referral.select(
            *_COLUMNS,
            Referral.case.participant.display_name.as_alias("participant_name"),  # type: ignore[union-attr]
            Referral.case.case_worker.as_alias("case_worker"),
            Referral.case.supervisor.as_alias("supervisor"),
            Referral.case.case_worker.display_name.as_alias("case_worker_name"),  # type: ignore[union-attr]
        )
        .where(_open_where(staff, partner_id))
        .order_by(Referral.follow_up_on)
        .order_by(Referral.id)
        .limit(limit)
        .offset(offset)
        .run()
    )
    viewer = privacy.staff_viewer(staff, on_team=False)
    for row in rows:
        row["may_open"] = privacy.may_see_case(staff, row)
        _named(row, viewer)
    return rows


# The dashboard lists this many follow-ups, soonest first; the referrals page lists them all.
FOLLOW_UPS_SHOWN = 20


async def referral_follow_ups(staff: CurrentStaff, *, limit: int = FOLLOW_UPS_SHOWN) -> list[dict[str, Any]]:
    """The open referrals of the cases this staff member may see (privacy.may_see_case: their own as case worker or
    supervisor, every one for administrators), the soonest follow-up first, for their dashboard: who, to whom, when
    to follow up and whether that day has passed — never the reason. One query."""
    # In SQL rather than built by the ORM: the dashboard is the page staff open first.
    mine = "" if staff.is_admin else " AND (c.case_worker = :staff OR c.supervisor = :staff)"
    # The page of referrals first, then the names: joining names first read every person of the organisation. The
    # open statuses (constants) and the limit (an int) are written into the SQL, not bound: bound, PostgreSQL planned
    # the statement anew on every view at 10x (0.27 ms) instead of keeping one plan.
    statuses = ", ".join(f"'{status}'" for status in sorted(OPEN))
    rows = await raw(
        f"""
        SELECT r.id AS id, r."case" AS "case", r.partner AS partner, pt.name AS partner_name, r.program AS program,
               p.title AS program_title, p.public_title AS program_public_title, p.discreet AS program_discreet,
               r.status AS status, r.follow_up_on AS follow_up_on, r.created_at AS created_at,
               r.closed_at AS closed_at, pa.display_name AS participant_name
        FROM (SELECT r.id, r."case", r.partner, r.program, r.status, r.follow_up_on, r.created_at, r.closed_at,
                     c.participant
              FROM "{T_REFERRAL}" r JOIN "{T_CASE}" c ON c.id = r."case"
              WHERE r.status IN ({statuses}){mine}
              ORDER BY r.follow_up_on, r.id LIMIT {int(limit)}) r
             LEFT JOIN "{T_PARTNER}" pt ON pt.id = r.partner LEFT JOIN "{T_PROGRAM}" p ON p.id = r.program
             LEFT JOIN "{T_PARTICIPANT}" pa ON pa.id = r.participant
        ORDER BY r.follow_up_on, r.id
        """,
        staff=staff.id,
    )
    for row in rows:
        row["follow_up_on"] = as_date(row["follow_up_on"])
        row["created_at"], row["closed_at"] = as_datetime(row["created_at"]), as_datetime(row["closed_at"])
        row["program_discreet"] = None if row["program_discreet"] is None else bool(row["program_discreet"])
    today = clock.organisation_today()
    viewer = privacy.staff_viewer(staff, on_team=False)
    for row in rows:
        row["overdue"] = row["follow_up_on"] is not None and row["follow_up_on"] < today
        _named(row, viewer)
    return rows


async def open_referrals_for_person(participant_id: int) -> list[dict[str, Any]]:
    """The person's own open referrals, for their personal page: to whom, since when, the status — never the
    reason (staff's words). A program is named as the person sees it (a discreet program's neutral title)."""
    rows = (
        await Referral.select(*_COLUMNS)
        .where((Referral.case.participant == participant_id) & Referral.status.is_in(list(OPEN)))
        .order_by(Referral.created_at, ascending=False)
        .limit(SHOWN)
        .run()
    )
    return [_named(row, privacy.SELF) for row in rows]


async def partner_choices() -> list[dict[str, Any]]:
    return await Partner.select(Partner.id, Partner.name).order_by(Partner.name).order_by(Partner.id).run()


# The referral form lists at most this many programs; past them it offers a search (a select of every program of a
# large organisation would be thousands of options on a phone).
PROGRAMS_LISTED = 50


async def program_choices(
    staff: CurrentStaff, search: str = "", *, limit: int | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """Programs a person may be referred to: not archived, not closed, taking people (open or by approval); each
    titled as this staff member may see it, by title, at most `limit` (PROGRAMS_LISTED) of them, and whether there
    are more. `search` matches the title shown: a discreet program is found by its neutral title only, so a search
    never tells whether a word is in a real title the searcher may not see."""
    limit = PROGRAMS_LISTED if limit is None else limit
    where = open_program_where(Program) & Program.enrolment_mode.is_in(["open", "approval"])
    words = " ".join(search.split())[:100]
    if words:
        shown_title = (Program.discreet == False) & contains_text(Program.title, words)  # noqa: E712
        neutral_title = (Program.discreet == True) & contains_text(Program.public_title, words)  # noqa: E712
        where &= shown_title | neutral_title
    rows = (
        await Program.select(Program.id, Program.title, Program.public_title, Program.discreet)
        .where(where)
        .order_by(Program.title)
        .order_by(Program.id)
        .limit(limit + 1)
        .run()
    )
    viewer = privacy.staff_viewer(staff, on_team=False)
    found = [{"id": row["id"], "title": privacy.title(row, viewer, privacy.PAGE)} for row in rows[:limit]]
    return found, len(rows) > limit
