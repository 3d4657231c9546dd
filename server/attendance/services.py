"""Attendance rules: taking a sheet, locking, rates, early warnings, registers, individual goals and certificates.

How attendance counts (the same in rates, early warnings, the tab, registers and certificates):

- A session *counts* once it is held: status "held", or a "scheduled" session that has started and has attendance
  recorded. Cancelled sessions never count, and neither do sessions that have not started.
- A counted session counts for a person only while they were enrolled in the program: enrolled_at <= start and
  (no ended_at, or ended_at > start), with enrolment status enrolled, completed or withdrawn. Sessions before they
  joined or after they left are not absences.
- present and late count as attended. excused counts as neither attended nor absent: it leaves the denominator, so
  an agreed absence neither lowers nor raises a rate. absent counts as absent, and so does a member left unmarked on
  a counted session (the sheet's "mark the rest absent" makes this explicit).
- rate = attended / (attended + absent); None while nothing counts yet.
- Early warning: the current run of absences, i.e. counted absences after the person's last attended session, is at
  least settings.absence_warning_streak. Excused sessions neither extend nor break a run. Only people still enrolled
  are flagged.

Rates are SQL aggregates (portable raw SQL through Table.raw, the same on SQLite and PostgreSQL), so pages run a
constant number of queries whatever the number of sessions and people. Every rule takes the clock (`now`) as an
argument for testing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterator
from zoneinfo import ZoneInfo

from piccolo.engine import engine_finder

from server import audit, clock, privacy
from server.attendance.tables import Attendance
from server.config import settings
from server.enrolment.tables import Enrolment, EnrolmentChange, IndividualGoal, ProgressNote, Rsvp
from server.errors import DomainError, NotFound
from server.i18n import N_, format_percent
from server.enrolment.participant_access import can_see_confidential
from server.people.consent import record_consent
from server.people.participants import create_participant
from server.people.tables import Consent, Participant
from server.programs import services as programs
from server.programs.tables import Program, TeamMember
from server.schedule.tables import ProgramSession
from server.web.access import CurrentStaff
from server.web.labels import LABELS

STATUSES = ("present", "late", "excused", "absent")
ATTENDED = ("present", "late")
# One tap moves a person to the next status; an unmarked person becomes present.
NEXT_STATUS = {None: "present", "present": "late", "late": "excused", "excused": "absent", "absent": "present"}
# Enrolments whose dates decide which sessions count (a withdrawn person counts until they left).
MEMBER_STATUSES = ("enrolled", "completed", "withdrawn")

LABELS.register("attendance_status", {"present": N_("Present"), "late": N_("Late"), "excused": N_("Excused"), "absent": N_("Absent")})
# The one-letter marks of the printed register (daftar hadir); each language has its own letters.
LABELS.register("attendance_mark", {"present": N_("P"), "late": N_("L"), "excused": N_("E"), "absent": N_("A")})
LABELS.register("attendance_rsvp", {"going": N_("Said they will come"), "not_going": N_("Said they cannot come")})



def _as_datetime(value: Any) -> datetime | None:
    """Timestamps from raw aggregates come back as text on SQLite."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _write_transaction():
    """One transaction around a write. On SQLite it takes the write lock at once (BEGIN IMMEDIATE): two facilitators
    saving the same sheet then queue on the busy timeout instead of failing to upgrade a read lock."""
    engine = engine_finder()
    if engine.engine_type == "sqlite":
        from piccolo.engine.sqlite import TransactionType

        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


# --- raw SQL, portable ---------------------------------------------------------------------------

_PARAM = re.compile(r":([a-z_]+)\b")
T_SESSION = ProgramSession._meta.tablename
T_ATTENDANCE = Attendance._meta.tablename
T_ENROLMENT = Enrolment._meta.tablename
T_PARTICIPANT = Participant._meta.tablename
T_PROGRAM = Program._meta.tablename
T_TEAM = TeamMember._meta.tablename
_MEMBER_SQL = ", ".join(f"'{status}'" for status in MEMBER_STATUSES)


async def _raw(sql: str, **params: Any) -> list[dict[str, Any]]:
    """Table.raw with named parameters (`:name`); a list becomes one bound parameter per item."""
    args: list[Any] = []

    def place(match: re.Match) -> str:
        value = params[match.group(1)]
        if isinstance(value, (list, tuple)):
            if not value:
                return "NULL"
            args.extend(value)
            return ", ".join("{}" for _ in value)
        args.append(value)
        return "{}"

    return await Attendance.raw(_PARAM.sub(place, sql), *args).run()


def _marks_sql(program_filter: str) -> str:
    """Common table expressions: `counted` sessions, and `marks`, one row per member per counted session
    with their status (absent when unmarked)."""
    return f"""
    WITH counted AS (
        SELECT s.id AS session_id, s.program AS program_id, s.starts_at AS starts_at
        FROM "{T_SESSION}" s
        WHERE {program_filter} AND s.status <> 'cancelled' AND s.starts_at <= :now
          AND (s.status = 'held' OR EXISTS (SELECT 1 FROM "{T_ATTENDANCE}" x WHERE x."session" = s.id))
    ),
    marks AS (
        SELECT e.participant AS participant_id, c.program_id AS program_id, c.session_id AS session_id,
               c.starts_at AS starts_at, COALESCE(a.status, 'absent') AS status
        FROM counted c
        JOIN "{T_ENROLMENT}" e ON e.program = c.program_id AND e.status IN ({_MEMBER_SQL})
             AND e.enrolled_at IS NOT NULL AND e.enrolled_at <= c.starts_at
             AND (e.ended_at IS NULL OR e.ended_at > c.starts_at)
        LEFT JOIN "{T_ATTENDANCE}" a ON a."session" = c.session_id AND a.participant = e.participant
    ),
    last_seen AS (
        SELECT participant_id, program_id,
               MAX(CASE WHEN status IN ('present', 'late') THEN starts_at END) AS last_attended
        FROM marks GROUP BY participant_id, program_id
    ),
    rates AS (
        SELECT m.participant_id AS participant_id, m.program_id AS program_id,
               SUM(CASE WHEN m.status IN ('present', 'late') THEN 1 ELSE 0 END) AS attended,
               SUM(CASE WHEN m.status = 'absent' THEN 1 ELSE 0 END) AS absent,
               SUM(CASE WHEN m.status = 'excused' THEN 1 ELSE 0 END) AS excused,
               SUM(CASE WHEN m.status = 'absent' AND (l.last_attended IS NULL OR m.starts_at > l.last_attended)
                        THEN 1 ELSE 0 END) AS streak,
               MAX(l.last_attended) AS last_attended
        FROM marks m
        JOIN last_seen l ON l.participant_id = m.participant_id AND l.program_id = m.program_id
        GROUP BY m.participant_id, m.program_id
    )
    """


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
        return self.streak >= settings.absence_warning_streak


def meets_threshold(rate: float | None, threshold_percent: int | None) -> bool:
    """Whether a rate reaches a program's completion threshold (a whole percent); compared in percent so that
    the tab's certificate link and the certificate itself never disagree on a rounding edge."""
    return rate is not None and round(rate * 100, 6) >= (threshold_percent or 0)


def _rate(row: dict[str, Any]) -> Rate:
    return Rate(
        attended=int(row["attended"] or 0), absent=int(row["absent"] or 0), excused=int(row["excused"] or 0),
        streak=int(row["streak"] or 0), last_attended=_as_datetime(row["last_attended"]),
    )


async def participant_rates(program_id: int, now: datetime | None = None, participant_id: int | None = None) -> dict[int, Rate]:
    """Each member's attendance in a program, in one query."""
    sql = _marks_sql("s.program = :program") + "SELECT * FROM rates"
    params: dict[str, Any] = {"program": program_id, "now": now or clock.now()}
    if participant_id is not None:
        sql += " WHERE participant_id = :participant"
        params["participant"] = participant_id
    return {row["participant_id"]: _rate(row) for row in await _raw(sql, **params)}


async def attendance_rate(program_id: int, participant_id: int, now: datetime | None = None) -> float | None:
    return (await participant_rates(program_id, now, participant_id)).get(participant_id, Rate()).rate


async def early_warnings(staff: CurrentStaff, now: datetime | None = None) -> list[dict[str, Any]]:
    """People still enrolled whose latest counted sessions are a run of at least settings.absence_warning_streak
    absences, on the running (not closed, not archived) programs this staff member manages; longest runs first.
    One query. Each item: participant_id, display_name, program_id, slug, title (real: a staff page), streak, rate,
    last_attended."""
    if staff.is_organizer:
        program_filter = f"s.program IN (SELECT id FROM \"{T_PROGRAM}\" WHERE archived = :archived AND phase <> 'closed')"
    else:
        program_filter = (
            f"s.program IN (SELECT p.id FROM \"{T_PROGRAM}\" p JOIN \"{T_TEAM}\" t ON t.program = p.id "
            f"WHERE t.staff = :staff AND p.archived = :archived AND p.phase <> 'closed')"
        )
    sql = _marks_sql(program_filter) + f"""
    SELECT r.participant_id, r.program_id, r.attended, r.absent, r.excused, r.streak, r.last_attended,
           pa.display_name AS display_name, pr.slug AS slug, pr.title AS title, pr.public_title AS public_title,
           pr.discreet AS discreet
    FROM rates r
    JOIN "{T_PARTICIPANT}" pa ON pa.id = r.participant_id
    JOIN "{T_PROGRAM}" pr ON pr.id = r.program_id
    JOIN "{T_ENROLMENT}" e ON e.participant = r.participant_id AND e.program = r.program_id
    WHERE r.streak >= :streak AND e.status = 'enrolled' AND e.ended_at IS NULL AND pa.anonymised_at IS NULL
    ORDER BY r.streak DESC, pa.display_name, pr.slug
    """
    rows = await _raw(sql, now=now or clock.now(), staff=staff.id, archived=False, streak=settings.absence_warning_streak)
    found = []
    for row in rows:
        rate = _rate(row)
        found.append(
            {
                "participant_id": row["participant_id"], "display_name": row["display_name"],
                "program_id": row["program_id"], "slug": row["slug"],
                # A staff page: the staff member manages this program, so the real title is shown.
                "title": row["title"], "streak": rate.streak, "rate": rate.rate, "last_attended": rate.last_attended,
            }
        )
    return found


# --- sessions and membership ---------------------------------------------------------------------

_SESSION_COLUMNS = (
    ProgramSession.id, ProgramSession.program, ProgramSession.status, ProgramSession.starts_at, ProgramSession.ends_at,
    ProgramSession.topic, ProgramSession.location, ProgramSession.cancel_reason,
)


async def session_of(program: dict[str, Any], session_id: int) -> dict[str, Any]:
    """A session of this program; another program's session is not found, whatever its id."""
    row = await ProgramSession.select(*_SESSION_COLUMNS).where(
        (ProgramSession.id == session_id) & (ProgramSession.program == program["id"])
    ).first().run()
    if row is None:
        raise NotFound("session")
    return row


def _member_at(program_id: int, starts_at: datetime):
    return (
        (Enrolment.program == program_id)
        & Enrolment.status.is_in(list(MEMBER_STATUSES))
        & Enrolment.enrolled_at.is_not_null()
        & (Enrolment.enrolled_at <= starts_at)
        & (Enrolment.ended_at.is_null() | (Enrolment.ended_at > starts_at))
    )


async def members_at(program_id: int, session: dict[str, Any]) -> list[dict[str, Any]]:
    """The people enrolled when the session started, by display name."""
    return (
        await Enrolment.select(
            Enrolment.participant.as_alias("participant_id"),
            Enrolment.participant.display_name.as_alias("display_name"),
            Enrolment.status,
        )
        .where(_member_at(program_id, session["starts_at"]))
        .order_by(Enrolment.participant.display_name)
        .order_by(Enrolment.participant)
        .run()
    )


def lock_time(session: dict[str, Any]) -> datetime:
    return session["ends_at"] + timedelta(days=settings.attendance_lock_days)


def is_locked(session: dict[str, Any], now: datetime) -> bool:
    return now >= lock_time(session)


def sheet_state(staff: CurrentStaff, program: dict[str, Any], session: dict[str, Any], now: datetime) -> str:
    """open | correcting (an organizer on a locked sheet) | locked | cancelled | closed."""
    if session["status"] == "cancelled":
        return "cancelled"
    if program["phase"] == "closed" or program["archived"]:
        return "closed"
    if is_locked(session, now):
        return "correcting" if staff.is_organizer else "locked"
    return "open"


def _check_writable(staff: CurrentStaff, program: dict[str, Any], session: dict[str, Any], now: datetime) -> bool:
    """Refuses writes to a sheet that may not change; True when the write is an audited correction."""
    state = sheet_state(staff, program, session, now)
    if state == "cancelled":
        raise DomainError("session_cancelled", N_("This session was cancelled, so no attendance can be recorded for it."))
    if state == "closed":
        raise DomainError("program_closed", N_("This program is closed and can no longer be changed."))
    if state == "locked":
        raise DomainError(
            "sheet_locked",
            N_("This attendance sheet is locked because the session ended more than %(days)s days ago. Ask an organizer to correct it."),
            days=settings.attendance_lock_days,
        )
    return state == "correcting"


async def _mark_held(session: dict[str, Any], now: datetime) -> None:
    """Taking attendance means the session took place."""
    if session["status"] == "scheduled" and session["starts_at"] <= now:
        await ProgramSession.update({ProgramSession.status: "held", ProgramSession.updated_at: now}).where(
            (ProgramSession.id == session["id"]) & (ProgramSession.status == "scheduled")
        ).run()


async def _upsert(session_id: int, participant_id: int, status: str, actor: CurrentStaff, now: datetime, note: str | None = None) -> None:
    """Last write wins per person: one statement, so two facilitators on the same sheet never lose a row."""
    values = [Attendance.status, Attendance.recorded_by, Attendance.recorded_at]
    row = Attendance(session=session_id, participant=participant_id, status=status, recorded_by=actor.id, recorded_at=now)
    if note is not None:
        row.note = note
        values.append(Attendance.note)
    await Attendance.insert(row).on_conflict(
        target=(Attendance.session, Attendance.participant), action="DO UPDATE", values=values
    ).run()


# --- taking attendance ---------------------------------------------------------------------------

async def record_attendance(
    actor: CurrentStaff,
    program: dict[str, Any],
    session: dict[str, Any],
    participant_id: int,
    *,
    status: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> None:
    """Set a member's status and/or note on a session's sheet. A correction on a locked sheet is audited."""
    now = now or clock.now()
    if status is not None and status not in STATUSES:
        raise DomainError("bad_status", N_("Choose one of the options."), field="status")
    correcting = _check_writable(actor, program, session, now)
    if not await Enrolment.exists().where(_member_at(program["id"], session["starts_at"]) & (Enrolment.participant == participant_id)).run():
        raise DomainError("not_member", N_("This person was not enrolled in the program when this session took place."))
    if status is None and note is None:
        return
    async with _write_transaction():
        old = await Attendance.select(Attendance.status, Attendance.note).where(
            (Attendance.session == session["id"]) & (Attendance.participant == participant_id)
        ).first().run()
        if status is None:
            if old is None:
                raise DomainError("mark_first", N_("Mark whether the person came before adding a note."), field="status")
            # Only the note: a plain update, so a status saved meanwhile by someone else stays.
            await Attendance.update({Attendance.note: note, Attendance.recorded_by: actor.id, Attendance.recorded_at: now}).where(
                (Attendance.session == session["id"]) & (Attendance.participant == participant_id)
            ).run()
        else:
            await _upsert(session["id"], participant_id, status, actor, now, note)
        await _mark_held(session, now)
        if correcting:
            before = old["status"] if old else "-"
            changes = f"{before} -> {status or before}"
            if note is not None and (old is None or old["note"] != note):
                changes += ", note changed"
            await audit.record_audit(actor, "correct", "attendance", session["id"], f"locked sheet, participant {participant_id}: {changes}")


async def mark_rest_absent(actor: CurrentStaff, program: dict[str, Any], session: dict[str, Any], now: datetime | None = None) -> int:
    """Everyone enrolled who is not marked yet becomes absent; marks saved meanwhile by others are kept."""
    now = now or clock.now()
    correcting = _check_writable(actor, program, session, now)
    async with _write_transaction():
        marked = Attendance.select(Attendance.participant).where(
            (Attendance.session == session["id"]) & Attendance.participant.is_not_null()
        )
        rows = await Enrolment.select(Enrolment.participant).where(
            _member_at(program["id"], session["starts_at"]) & Enrolment.participant.not_in(marked)
        ).run()
        if not rows:
            return 0
        await Attendance.insert(
            *[Attendance(session=session["id"], participant=row["participant"], status="absent", recorded_by=actor.id, recorded_at=now) for row in rows]
        ).on_conflict(target=(Attendance.session, Attendance.participant), action="DO NOTHING").run()
        await _mark_held(session, now)
        if correcting:
            ids = ", ".join(str(row["participant"]) for row in rows)
            await audit.record_audit(actor, "correct", "attendance", session["id"], f"locked sheet, marked absent: {ids}")
    return len(rows)


async def add_walk_in(
    actor: CurrentStaff,
    program: dict[str, Any],
    session: dict[str, Any],
    *,
    display_name: str,
    participation_consent: bool,
    now: datetime | None = None,
) -> int:
    """Someone new who turned up: registered with their consent, enrolled from this session on, marked present."""
    now = now or clock.now()
    correcting = _check_writable(actor, program, session, now)
    if program["enrolment_mode"] != "open":
        raise DomainError("walk_in_not_open", N_("This program does not take people on the spot. Enrol them through the participants page first."))
    if not participation_consent:
        raise DomainError("consent_required", N_("Ask the person whether they agree to take part, and tick the box when they do."), field="consent_participation")
    display_name = display_name.strip()
    if not display_name:
        raise DomainError("name_required", N_("This field is required."), field="display_name")
    async with _write_transaction():
        participant_id = await create_participant(actor, {"display_name": display_name})
        await record_consent(participant_id, "participation", actor=actor)
        # Enrolled from this session's start, so that earlier sessions are not their absences.
        enrolment = Enrolment(
            participant=participant_id, program=program["id"], status="enrolled", requested_at=now,
            enrolled_at=min(session["starts_at"], now), reason="walk-in", source="staff", updated_at=now,
        )
        await enrolment.save().run()
        await EnrolmentChange.insert(
            EnrolmentChange(enrolment=enrolment.id, program=program["id"], from_status="", to_status="enrolled", note="walk-in", changed_by=actor.id, changed_at=now)
        ).run()
        await _upsert(session["id"], participant_id, "present", actor, now)
        await _mark_held(session, now)
        if correcting:
            await audit.record_audit(actor, "correct", "attendance", session["id"], f"locked sheet, walk-in {participant_id} present")
    return participant_id


async def add_guest(actor: CurrentStaff, program: dict[str, Any], session: dict[str, Any], label: str, now: datetime | None = None) -> None:
    """A guest at an open group: counted as present, not registered."""
    now = now or clock.now()
    correcting = _check_writable(actor, program, session, now)
    if program["enrolment_mode"] != "open":
        raise DomainError("guests_not_open", N_("Only open groups take guests."), field="guest_label")
    label = label.strip()
    if not label:
        raise DomainError("label_required", N_("This field is required."), field="guest_label")
    async with _write_transaction():
        await Attendance.insert(
            Attendance(session=session["id"], participant=None, guest_label=label, status="present", recorded_by=actor.id, recorded_at=now)
        ).run()
        await _mark_held(session, now)
        if correcting:
            await audit.record_audit(actor, "correct", "attendance", session["id"], "locked sheet, guest added")


async def remove_guest(actor: CurrentStaff, program: dict[str, Any], session: dict[str, Any], attendance_id: int, now: datetime | None = None) -> None:
    now = now or clock.now()
    correcting = _check_writable(actor, program, session, now)
    where = (Attendance.id == attendance_id) & (Attendance.session == session["id"]) & Attendance.participant.is_null()
    if not await Attendance.exists().where(where).run():
        raise NotFound("guest")
    async with _write_transaction():
        await Attendance.delete().where(where).run()
        if correcting:
            await audit.record_audit(actor, "correct", "attendance", session["id"], "locked sheet, guest removed")


# --- the sheet -----------------------------------------------------------------------------------

async def sheet(staff: CurrentStaff, program: dict[str, Any], session: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Everything a facilitator's phone shows for one session, in four queries."""
    now = now or clock.now()
    members = await members_at(program["id"], session)
    marks = await Attendance.select(
        Attendance.id, Attendance.participant, Attendance.guest_label, Attendance.status, Attendance.note,
        Attendance.recorded_at, Attendance.recorded_by.display_name.as_alias("recorded_by_name"),
    ).where(Attendance.session == session["id"]).order_by(Attendance.id).run()
    ids = [m["participant_id"] for m in members]
    rsvps = {
        row["participant"]: row["response"]
        for row in await Rsvp.select(Rsvp.participant, Rsvp.response).where((Rsvp.session == session["id"]) & Rsvp.participant.is_in(ids or [-1])).run()
    }
    consent = await _participation_consent(ids)
    by_person = {row["participant"]: row for row in marks if row["participant"] is not None}
    rows = []
    for member in members:
        mark = by_person.get(member["participant_id"])
        status = mark["status"] if mark else None
        rows.append(
            {
                "participant_id": member["participant_id"], "display_name": member["display_name"],
                "status": status, "next_status": NEXT_STATUS.get(status, "present"),
                "note": mark["note"] if mark else "", "recorded_by": mark["recorded_by_name"] if mark else "",
                "recorded_at": mark["recorded_at"] if mark else None,
                "rsvp": rsvps.get(member["participant_id"], ""), "consent": consent.get(member["participant_id"], "missing"),
            }
        )
    guests = [row for row in marks if row["participant"] is None]
    counts = {status: sum(1 for r in rows if r["status"] == status) for status in STATUSES}
    counts["unmarked"] = sum(1 for r in rows if r["status"] is None)
    counts["guests"] = len(guests)
    state = sheet_state(staff, program, session, now)
    return {
        "rows": rows, "guests": guests, "counts": counts, "state": state,
        "editable": state in ("open", "correcting"), "locks_at": lock_time(session),
        "open_group": program["enrolment_mode"] == "open",
    }


async def _participation_consent(participant_ids: list[int]) -> dict[int, str]:
    """given | withdrawn | missing, per person, in one query."""
    if not participant_ids:
        return {}
    rows = await Consent.select(Consent.participant, Consent.withdrawn_at).where(
        Consent.participant.is_in(participant_ids) & (Consent.purpose == "participation")
    ).run()
    found: dict[int, str] = {}
    for row in rows:
        if row["withdrawn_at"] is None:
            found[row["participant"]] = "given"
        elif found.get(row["participant"]) != "given":
            found[row["participant"]] = "withdrawn"
    return found


# --- the program's attendance tab -----------------------------------------------------------------

def _local_day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)


def end_of_local_day(now: datetime, program: dict[str, Any]) -> datetime:
    zone = ZoneInfo(program["timezone"])
    return _local_day_start(now.astimezone(zone).date() + timedelta(days=1), zone)


async def session_summaries(program: dict[str, Any], now: datetime | None = None) -> list[dict[str, Any]]:
    """Past and today's sessions, latest first, with recorded counts, unmarked members and the session's rate.
    Two queries whatever the number of sessions."""
    now = now or clock.now()
    until = end_of_local_day(now, program)
    sessions = await _raw(
        f"""
        SELECT s.id AS id, s.starts_at AS starts_at, s.ends_at AS ends_at, s.status AS status, s.topic AS topic,
          SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'present' THEN 1 ELSE 0 END) AS present,
          SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'late' THEN 1 ELSE 0 END) AS late,
          SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'excused' THEN 1 ELSE 0 END) AS excused,
          SUM(CASE WHEN a.participant IS NOT NULL AND a.status = 'absent' THEN 1 ELSE 0 END) AS absent,
          SUM(CASE WHEN a.id IS NOT NULL AND a.participant IS NULL THEN 1 ELSE 0 END) AS guests,
          COUNT(a.id) AS recorded
        FROM "{T_SESSION}" s LEFT JOIN "{T_ATTENDANCE}" a ON a."session" = s.id
        WHERE s.program = :program AND s.starts_at < :until
        GROUP BY s.id, s.starts_at, s.ends_at, s.status, s.topic
        ORDER BY s.starts_at DESC, s.id DESC
        """,
        program=program["id"], until=until,
    )
    members = await _raw(
        f"""
        SELECT s.id AS session_id,
          SUM(CASE WHEN a.status IN ('present', 'late') THEN 1 ELSE 0 END) AS attended,
          SUM(CASE WHEN a.status = 'absent' THEN 1 ELSE 0 END) AS absent,
          SUM(CASE WHEN a.id IS NULL THEN 1 ELSE 0 END) AS unmarked,
          COUNT(e.id) AS expected
        FROM "{T_SESSION}" s
        JOIN "{T_ENROLMENT}" e ON e.program = s.program AND e.status IN ({_MEMBER_SQL})
             AND e.enrolled_at IS NOT NULL AND e.enrolled_at <= s.starts_at
             AND (e.ended_at IS NULL OR e.ended_at > s.starts_at)
        LEFT JOIN "{T_ATTENDANCE}" a ON a."session" = s.id AND a.participant = e.participant
        WHERE s.program = :program AND s.starts_at < :until AND s.status <> 'cancelled'
        GROUP BY s.id
        """,
        program=program["id"], until=until,
    )
    by_session = {row["session_id"]: row for row in members}
    for row in sessions:
        row["starts_at"], row["ends_at"] = _as_datetime(row["starts_at"]), _as_datetime(row["ends_at"])
        for key in ("present", "late", "excused", "absent", "guests", "recorded"):
            row[key] = int(row[key] or 0)
        member = by_session.get(row["id"], {})
        row["expected"] = int(member.get("expected") or 0)
        row["unmarked"] = int(member.get("unmarked") or 0)
        row["counted"] = row["status"] != "cancelled" and row["starts_at"] <= now and (row["status"] == "held" or row["recorded"] > 0)
        attended, missed = int(member.get("attended") or 0), int(member.get("absent") or 0) + row["unmarked"]
        row["rate"] = attended / (attended + missed) if row["counted"] and attended + missed else None
        row["locked"] = is_locked(row, now)
    return sessions


async def participant_summaries(program: dict[str, Any], now: datetime | None = None) -> list[dict[str, Any]]:
    """Everyone who is or was enrolled, with their rate and current run of absences. Two queries."""
    now = now or clock.now()
    enrolments = await Enrolment.select(
        Enrolment.id, Enrolment.status, Enrolment.enrolled_at, Enrolment.ended_at,
        Enrolment.participant.as_alias("participant_id"), Enrolment.participant.display_name.as_alias("display_name"),
    ).where(
        (Enrolment.program == program["id"]) & Enrolment.status.is_in(list(MEMBER_STATUSES)) & Enrolment.enrolled_at.is_not_null()
    ).order_by(Enrolment.participant.display_name).order_by(Enrolment.participant).run()
    rates = await participant_rates(program["id"], now)
    for row in enrolments:
        rate = rates.get(row["participant_id"], Rate())
        row["attendance"] = rate
        row["rate"] = rate.rate
        row["active"] = row["status"] == "enrolled" and row["ended_at"] is None
        row["warning"] = row["active"] and rate.warning
        row["certificate"] = program["kind"] == "skill_workshop" and meets_threshold(rate.rate, program["completion_threshold"])
    return enrolments


# --- register (daftar hadir) and CSV -------------------------------------------------------------

def local_range(program: dict[str, Any], start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """The UTC instants bounding whole local days in the program's timezone."""
    zone = ZoneInfo(program["timezone"])
    return (
        _local_day_start(start, zone) if start else None,
        _local_day_start(end + timedelta(days=1), zone) if end else None,
    )


async def register(program: dict[str, Any], start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """A grid of members × sessions (cancelled ones left out) with their marks, in three queries.
    A cell is a status, "" when not marked, or None when the person was not enrolled at that session."""
    lower, upper = local_range(program, start, end)
    where = (ProgramSession.program == program["id"]) & (ProgramSession.status != "cancelled")
    if lower:
        where &= ProgramSession.starts_at >= lower
    if upper:
        where &= ProgramSession.starts_at < upper
    sessions = await ProgramSession.select(*_SESSION_COLUMNS).where(where).order_by(ProgramSession.starts_at).order_by(ProgramSession.id).run()
    session_ids = [s["id"] for s in sessions]
    enrolments = await Enrolment.select(
        Enrolment.enrolled_at, Enrolment.ended_at,
        Enrolment.participant.as_alias("participant_id"), Enrolment.participant.display_name.as_alias("display_name"),
    ).where(
        (Enrolment.program == program["id"]) & Enrolment.status.is_in(list(MEMBER_STATUSES)) & Enrolment.enrolled_at.is_not_null()
    ).order_by(Enrolment.participant.display_name).order_by(Enrolment.participant).run()
    marks = await Attendance.select(Attendance.session, Attendance.participant, Attendance.guest_label, Attendance.status).where(
        Attendance.session.is_in(session_ids or [-1])
    ).run()
    by_cell = {(m["session"], m["participant"]): m["status"] for m in marks if m["participant"] is not None}
    guests = {sid: [m["guest_label"] for m in marks if m["session"] == sid and m["participant"] is None] for sid in session_ids}
    people_rows = []
    for enrolment in enrolments:
        cells = []
        for s in sessions:
            member = enrolment["enrolled_at"] <= s["starts_at"] and (enrolment["ended_at"] is None or enrolment["ended_at"] > s["starts_at"])
            cells.append(by_cell.get((s["id"], enrolment["participant_id"]), "") if member else None)
        if any(cell is not None for cell in cells):
            people_rows.append({"participant_id": enrolment["participant_id"], "display_name": enrolment["display_name"], "cells": cells})
    return {"sessions": sessions, "people": people_rows, "guests": guests, "start": start, "end": end}


def register_rows(program: dict[str, Any], grid: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per person per session, for exports: display names only, statuses in the active language."""
    zone = ZoneInfo(program["timezone"])
    for index, s in enumerate(grid["sessions"]):
        local = s["starts_at"].astimezone(zone)
        base = {"date": local.date().isoformat(), "time": local.strftime("%H:%M"), "topic": s["topic"]}
        for person in grid["people"]:
            cell = person["cells"][index]
            if cell is None:
                continue
            yield {**base, "name": person["display_name"], "guest": False, "status": LABELS.label("attendance_status", cell) if cell else ""}
        for label in grid["guests"].get(s["id"], []):
            yield {**base, "name": label, "guest": True, "status": LABELS.label("attendance_status", "present")}


# --- individual goals ----------------------------------------------------------------------------

async def enrolment_of(program: dict[str, Any], participant_id: int) -> dict[str, Any]:
    row = await Enrolment.select(
        Enrolment.id, Enrolment.status, Enrolment.enrolled_at, Enrolment.ended_at,
        Enrolment.participant.as_alias("participant_id"), Enrolment.participant.display_name.as_alias("display_name"),
        Enrolment.participant.legal_name.as_alias("legal_name"),
    ).where((Enrolment.program == program["id"]) & (Enrolment.participant == participant_id)).first().run()
    if row is None:
        raise NotFound("enrolment")
    return row


async def view_individual_goals(actor: CurrentStaff, enrolment: dict[str, Any]) -> list[dict[str, Any]]:
    """Individual goals are confidential to the program's team: looking at them is audited."""
    await audit.record_audit(actor, "view", "participant", enrolment["participant_id"], "viewed individual goals")
    return await individual_goals(enrolment)


async def individual_goals(enrolment: dict[str, Any]) -> list[dict[str, Any]]:
    """A person's own goals in a program with their dated progress notes, newest note first, in two queries."""
    goals = await IndividualGoal.select(
        IndividualGoal.id, IndividualGoal.statement, IndividualGoal.created_at,
        IndividualGoal.created_by.display_name.as_alias("by"),
    ).where(IndividualGoal.enrolment == enrolment["id"]).order_by(IndividualGoal.created_at).order_by(IndividualGoal.id).run()
    notes = await ProgressNote.select(
        ProgressNote.goal, ProgressNote.note, ProgressNote.written_at, ProgressNote.written_by.display_name.as_alias("by"),
    ).where(ProgressNote.goal.is_in([g["id"] for g in goals] or [-1])).order_by(ProgressNote.written_at, ascending=False).order_by(ProgressNote.id, ascending=False).run()
    for goal in goals:
        goal["notes"] = [n for n in notes if n["goal"] == goal["id"]]
    return goals


async def add_individual_goal(actor: CurrentStaff, program: dict[str, Any], enrolment: dict[str, Any], statement: str, now: datetime | None = None) -> int:
    programs.ensure_open(program)
    goal = IndividualGoal(enrolment=enrolment["id"], statement=statement.strip(), created_by=actor.id, created_at=now or clock.now())
    await goal.save().run()
    return goal.id


async def add_progress_note(actor: CurrentStaff, program: dict[str, Any], enrolment: dict[str, Any], goal_id: int, note: str, now: datetime | None = None) -> None:
    programs.ensure_open(program)
    if not await IndividualGoal.exists().where((IndividualGoal.id == goal_id) & (IndividualGoal.enrolment == enrolment["id"])).run():
        raise NotFound("goal")
    await ProgressNote.insert(ProgressNote(goal=goal_id, note=note.strip(), written_by=actor.id, written_at=now or clock.now())).run()


# --- certificates --------------------------------------------------------------------------------

async def certificate(staff: CurrentStaff, program: dict[str, Any], participant_id: int, now: datetime | None = None) -> dict[str, Any]:
    """What a certificate of completion of a skill workshop shows, once the person's rate reaches the threshold."""
    now = now or clock.now()
    if program["kind"] != "skill_workshop":
        raise DomainError("not_a_workshop", N_("Certificates of completion are only given for skill workshops."))
    enrolment = await enrolment_of(program, participant_id)
    if enrolment["status"] not in MEMBER_STATUSES or enrolment["enrolled_at"] is None:
        raise DomainError("not_member", N_("This person has not taken part in the program."))
    rate = await attendance_rate(program["id"], participant_id, now)
    threshold = program["completion_threshold"] or 0
    if not meets_threshold(rate, threshold):
        raise DomainError(
            "below_threshold",
            N_("A certificate needs an attendance rate of at least %(threshold)s; this person's rate is %(rate)s."),
            threshold=format_percent(threshold / 100), rate=format_percent(rate or 0),
        )
    name = enrolment["display_name"]
    if enrolment["legal_name"] and await can_see_confidential(staff, participant_id):
        name = enrolment["legal_name"]
        await audit.record_audit(staff, "view", "participant", participant_id, "legal name printed on a certificate")
    dates = (await _raw(
        f"""
        SELECT MIN(s.starts_at) AS first_at, MAX(s.starts_at) AS last_at FROM "{T_SESSION}" s
        WHERE s.program = :program AND s.status <> 'cancelled' AND s.starts_at <= :now
          AND (s.status = 'held' OR EXISTS (SELECT 1 FROM "{T_ATTENDANCE}" x WHERE x."session" = s.id))
        """,
        program=program["id"], now=now,
    ))[0]
    lead = await TeamMember.select(TeamMember.staff.display_name.as_alias("name")).where(
        (TeamMember.program == program["id"]) & (TeamMember.role == "lead")
    ).order_by(TeamMember.id).first().run()
    return {
        "name": name,
        # Certificates leave the organisation: a discreet program's neutral title, never the real one.
        "title": privacy.title(program, privacy.TEAM, privacy.PRINT),
        "first_at": _as_datetime(dates["first_at"]), "last_at": _as_datetime(dates["last_at"]),
        "lead": lead["name"] if lead else "", "rate": rate, "issued_on": now.astimezone(ZoneInfo(program["timezone"])).date(),
    }

