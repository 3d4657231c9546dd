"""Taking attendance: one session's sheet, marks (last write wins), locks and audited corrections, walk-ins
and guests. Which sessions count and who was a member at a session's start: server/attendance/rules.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from server import audit, clock
from server.attendance import batching
from server.attendance.rules import (
    T_ATTENDANCE,
    T_ENROLMENT,
    T_PARTICIPANT,
    enrolled_at_start,
    is_enrolled_at_start,
    member_at_start_sql,
)
from server.attendance.tables import Attendance
from server.config import settings
from server.db import as_datetime, raw
from server.enrolment import services as enrolment
from server.enrolment.tables import Enrolment, Rsvp
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.people.tables import Consent, Staff
from server.schedule.tables import ProgramSession
from server.web.access import CurrentStaff
from server.web.labels import LABELS

# The sheet offers each status as its own button (one tap per status), in this order.
T_SESSION = ProgramSession._meta.tablename
T_RSVP = Rsvp._meta.tablename
T_CONSENT = Consent._meta.tablename
T_STAFF = Staff._meta.tablename
STATUSES = ("present", "late", "excused", "absent")

LABELS.register(
    "attendance_status",
    {"present": N_("Present"), "late": N_("Late"), "excused": N_("Excused"), "absent": N_("Absent")},
)
# The one-letter marks of the printed register (daftar hadir); each language has its own letters.
LABELS.register("attendance_mark", {"present": N_("P"), "late": N_("L"), "excused": N_("E"), "absent": N_("A")})
LABELS.register("attendance_rsvp", {"going": N_("Said they will come"), "not_going": N_("Said they cannot come")})


def _status_detail(status: str | None) -> str | dict[str, str]:
    """A status named in an audit detail, shown in the reader's language ("-" when there was none)."""
    return audit.translatable(LABELS.message("attendance_status", status)) if status else "-"


# --- sessions and membership ---------------------------------------------------------------------

SESSION_COLUMNS = (
    ProgramSession.id,
    ProgramSession.program,
    ProgramSession.status,
    ProgramSession.starts_at,
    ProgramSession.ends_at,
    ProgramSession.topic,
    ProgramSession.location,
    ProgramSession.cancel_reason,
)


async def session_of(program: dict[str, Any], session_id: int) -> dict[str, Any]:
    """A session of this program; another program's session is not found, whatever its id. Read by every sheet
    and mark: in SQL rather than built by the ORM."""
    rows = await raw(
        f"""
        SELECT s.id AS id, s.program AS program, s.series AS series, s.uid AS uid, s.sequence AS sequence,
               s.status AS status, s.starts_at AS starts_at, s.ends_at AS ends_at, s.original_start AS original_start,
               s.detached AS detached, s.topic AS topic, s.location AS location, s.online_link AS online_link,
               s.cancel_reason AS cancel_reason, s.notes AS notes
        FROM "{T_SESSION}" s WHERE s.id = :session AND s.program = :program
        """,
        session=session_id,
        program=program["id"],
    )
    if not rows:
        raise NotFound("session")
    row = rows[0]
    for key in ("starts_at", "ends_at", "original_start"):
        row[key] = as_datetime(row[key])
    row["detached"] = bool(row["detached"])
    return row


def on_sheet_sql(e: str = "e") -> str:
    """Who may be marked on a session's sheet, as SQL on an enrolment aliased `e`, for the session `:session`
    starting at `:starts_at` of the program `:program`: the members at its start (rules.member_at_start: enrolled
    then, or already marked) and current members who joined after it started (rules.joined_after_start)."""
    return (
        f"{e}.program = :program AND (({member_at_start_sql(e, ':starts_at', ':session')}) "
        f"OR ({e}.status = 'enrolled' AND {e}.ended_at IS NULL AND {e}.enrolled_at > :starts_at))"
    )


async def _sheet_rows(
    program: dict[str, Any], session: dict[str, Any], only: int | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, str], dict[int, str]]:
    """What sheet() reads: the people on the sheet by display name (_on_sheet; `at_start`: enrolled by the dates)
    with their mark, RSVP and consent to take part in one query, and the guests' marks in a second (none for
    `only`, one person's row). The facilitator's page and the answer to every mark, so written in SQL rather than
    built by the ORM: four ORM queries cost more to build than to run."""
    one = "" if only is None else " AND e.participant = :participant"
    rows = await raw(
        f"""
        SELECT e.participant AS participant_id, pa.display_name AS display_name, e.status AS status,
               e.enrolled_at AS enrolled_at, e.ended_at AS ended_at, a.id AS mark_id, a.guest_label AS guest_label,
               a.status AS mark_status, a.note AS note, a.recorded_at AS recorded_at,
               st.display_name AS recorded_by_name,
               (SELECT r.response FROM "{T_RSVP}" r WHERE r."session" = :session AND r.participant = e.participant
                LIMIT 1) AS rsvp,
               (SELECT MIN(CASE WHEN c.withdrawn_at IS NULL THEN 0 ELSE 1 END) FROM "{T_CONSENT}" c
                WHERE c.participant = e.participant AND c.purpose = 'participation') AS withdrawn
        FROM "{T_ENROLMENT}" e JOIN "{T_PARTICIPANT}" pa ON pa.id = e.participant
             LEFT JOIN "{T_ATTENDANCE}" a ON a."session" = :session AND a.participant = e.participant
             LEFT JOIN "{T_STAFF}" st ON st.id = a.recorded_by
        WHERE {on_sheet_sql("e")}{one}
        ORDER BY pa.display_name, e.participant
        """,
        program=program["id"],
        session=session["id"],
        starts_at=session["starts_at"],
        participant=only,
    )
    members: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    rsvps: dict[int, str] = {}
    consent: dict[int, str] = {}
    for row in rows:
        participant_id = row["participant_id"]
        for key in ("enrolled_at", "ended_at", "recorded_at"):
            row[key] = as_datetime(row[key])
        row["at_start"] = is_enrolled_at_start(row, session["starts_at"])
        members.append(row)
        if row["mark_id"] is not None:
            marks.append(
                {
                    "id": row["mark_id"],
                    "participant": participant_id,
                    "guest_label": row["guest_label"],
                    "status": row["mark_status"],
                    "note": row["note"],
                    "recorded_at": row["recorded_at"],
                    "recorded_by_name": row["recorded_by_name"],
                }
            )
        if row["rsvp"]:
            rsvps[participant_id] = row["rsvp"]
        if row["withdrawn"] is not None:
            consent[participant_id] = "withdrawn" if int(row["withdrawn"]) else "given"
    if only is None:
        guests = await raw(
            f"""
            SELECT a.id AS id, a.participant AS participant, a.guest_label AS guest_label, a.status AS status,
                   a.note AS note, a.recorded_at AS recorded_at, st.display_name AS recorded_by_name
            FROM "{T_ATTENDANCE}" a LEFT JOIN "{T_STAFF}" st ON st.id = a.recorded_by
            WHERE a."session" = :session AND a.participant IS NULL
            ORDER BY a.id
            """,
            session=session["id"],
        )
        for guest in guests:
            guest["recorded_at"] = as_datetime(guest["recorded_at"])
        marks += guests
    return members, marks, rsvps, consent


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
        raise DomainError(
            "session_cancelled", N_("This session was cancelled, so no attendance can be recorded for it.")
        )
    if state == "closed":
        raise DomainError("program_closed", N_("This program is closed and can no longer be changed."))
    if state == "locked":
        raise DomainError(
            "sheet_locked",
            N_(
                "This attendance sheet is locked because the session ended more than %(days)s days ago. "
                "Ask an organizer to correct it."
            ),
            days=settings.attendance_lock_days,
        )
    return state == "correcting"


async def _upsert(
    session_id: int, participant_id: int, status: str, actor: CurrentStaff, now: datetime, note: str | None = None
) -> None:
    row = Attendance(
        session=session_id, participant=participant_id, status=status, recorded_by=actor.id, recorded_at=now
    )
    if note is not None:
        row.note = note
    await batching.upsert_attendance([row], with_note=note is not None)


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
    on_sheet = await raw(
        f'SELECT 1 AS found FROM "{T_ENROLMENT}" e WHERE e.participant = :participant AND {on_sheet_sql("e")}',
        program=program["id"],
        session=session["id"],
        starts_at=session["starts_at"],
        participant=participant_id,
    )
    if not on_sheet:
        raise DomainError("not_member", N_("This person was not enrolled in the program when this session took place."))
    if status is None and note is None:
        return
    if status is not None and note is None and not correcting:
        # A plain mark: saved together with the marks of this session arriving meanwhile (server/attendance/
        # batching.py).
        await batching.save_mark(program["id"], session, participant_id, status, actor.id, now)
        return
    async with enrolment.program_lock(program["id"]) as write:
        write.only_marks(session["id"], [participant_id])
        # The mark as it was matters to a note alone and to a correction's audit line: otherwise one statement less
        # while the program's lock is held.
        old = (
            await Attendance.select(Attendance.status, Attendance.note)
            .where((Attendance.session == session["id"]) & (Attendance.participant == participant_id))
            .first()
            .run()
            if status is None or correcting
            else None
        )
        if status is None:
            if old is None:
                raise DomainError(
                    "mark_first", N_("Mark whether the person came before adding a note."), field="status"
                )
            # Only the note: a plain update, so a status saved meanwhile by someone else stays.
            await (
                Attendance.update(
                    {Attendance.note: note, Attendance.recorded_by: actor.id, Attendance.recorded_at: now}
                )
                .where((Attendance.session == session["id"]) & (Attendance.participant == participant_id))
                .run()
            )
        else:
            await _upsert(session["id"], participant_id, status, actor, now, note)
        await batching.mark_held(session, now)
        if correcting:
            before = old["status"] if old else None
            after = status or before
            note_changed = note is not None and (old is None or old["note"] != note)
            await audit.record_audit(
                actor,
                "correct",
                "attendance",
                session["id"],
                N_("locked sheet, participant %(participant)s: %(before)s -> %(after)s, note changed")
                if note_changed
                else N_("locked sheet, participant %(participant)s: %(before)s -> %(after)s"),
                participant=participant_id,
                before=_status_detail(before),
                after=_status_detail(after),
            )


async def mark_rest_absent(
    actor: CurrentStaff, program: dict[str, Any], session: dict[str, Any], now: datetime | None = None
) -> int:
    """Everyone enrolled who is not marked yet becomes absent; marks saved meanwhile by others are kept."""
    return await _mark_rest(actor, program, session, "absent", now or clock.now())


async def mark_rest_present(
    actor: CurrentStaff, program: dict[str, Any], session: dict[str, Any], now: datetime | None = None
) -> int:
    """Everyone enrolled who is not marked yet becomes present (then the facilitator changes the few who did not
    come); marks saved meanwhile by others are kept."""
    return await _mark_rest(actor, program, session, "present", now or clock.now())


async def _mark_rest(
    actor: CurrentStaff, program: dict[str, Any], session: dict[str, Any], status: str, now: datetime
) -> int:
    """The unmarked people enrolled at the session's start get `status`; returns how many. People who joined after
    the start are left alone: marking one of them counts the session for them, so it is a choice made per person."""
    correcting = _check_writable(actor, program, session, now)
    async with enrolment.program_lock(program["id"]) as write:
        marked = Attendance.select(Attendance.participant).where(
            (Attendance.session == session["id"]) & Attendance.participant.is_not_null()
        )
        rows = (
            await Enrolment.select(Enrolment.participant)
            .where(enrolled_at_start(program["id"], session["starts_at"]) & Enrolment.participant.not_in(marked))
            .run()
        )
        write.only_marks(session["id"], [row["participant"] for row in rows])
        if not rows:
            return 0
        await (
            Attendance.insert(
                *[
                    Attendance(
                        session=session["id"],
                        participant=row["participant"],
                        status=status,
                        recorded_by=actor.id,
                        recorded_at=now,
                    )
                    for row in rows
                ]
            )
            .on_conflict(target=(Attendance.session, Attendance.participant), action="DO NOTHING")
            .run()
        )
        await batching.mark_held(session, now)
        if correcting:
            ids = ", ".join(str(row["participant"]) for row in rows)
            await audit.record_audit(
                actor,
                "correct",
                "attendance",
                session["id"],
                N_("locked sheet, marked %(status)s: %(participants)s"),
                status=_status_detail(status),
                participants=ids,
            )
    return len(rows)


async def add_walk_in(
    actor: CurrentStaff,
    program: dict[str, Any],
    session: dict[str, Any],
    *,
    display_name: str,
    participation_consent: bool,
    over_capacity: bool = False,
    now: datetime | None = None,
) -> int | None:
    """Someone new who turned up, marked present. Enrolling them is enrolment's business, under its program lock
    and its capacity rule (see enrolment.enrol_walk_in): with room, they are registered, enrolled from this
    session's start and marked present, and their id is returned. When the program is full they are counted as a
    guest of this session instead (None is returned) — unless an organizer enrols them over capacity on purpose."""
    now = now or clock.now()
    correcting = _check_writable(actor, program, session, now)
    async with enrolment.program_lock(program["id"]):
        participant_id = await enrolment.enrol_walk_in(
            actor,
            program["id"],
            display_name,
            participation_consent=participation_consent,
            enrolled_from=min(session["starts_at"], now),
            over_capacity=over_capacity,
            now=now,
        )
        if participant_id is None:
            await Attendance.insert(
                Attendance(
                    session=session["id"],
                    participant=None,
                    guest_label=display_name.strip(),
                    status="present",
                    recorded_by=actor.id,
                    recorded_at=now,
                )
            ).run()
        else:
            await _upsert(session["id"], participant_id, "present", actor, now)
        await batching.mark_held(session, now)
        if correcting:
            if participant_id is not None:
                await audit.record_audit(
                    actor,
                    "correct",
                    "attendance",
                    session["id"],
                    N_("locked sheet, walk-in %(participant)s present"),
                    participant=participant_id,
                )
            else:
                await audit.record_audit(
                    actor,
                    "correct",
                    "attendance",
                    session["id"],
                    N_("locked sheet, walk-in as guest (program full) present"),
                )
    return participant_id


async def add_guest(
    actor: CurrentStaff, program: dict[str, Any], session: dict[str, Any], label: str, now: datetime | None = None
) -> None:
    """A guest at an open group: counted as present, not registered."""
    now = now or clock.now()
    correcting = _check_writable(actor, program, session, now)
    if program["enrolment_mode"] != "open":
        raise DomainError("guests_not_open", N_("Only open groups take guests."), field="guest_label")
    label = label.strip()
    if not label:
        raise DomainError("label_required", N_("This field is required."), field="guest_label")
    async with enrolment.program_lock(program["id"]):
        await Attendance.insert(
            Attendance(
                session=session["id"],
                participant=None,
                guest_label=label,
                status="present",
                recorded_by=actor.id,
                recorded_at=now,
            )
        ).run()
        await batching.mark_held(session, now)
        if correcting:
            await audit.record_audit(actor, "correct", "attendance", session["id"], N_("locked sheet, guest added"))


async def remove_guest(
    actor: CurrentStaff,
    program: dict[str, Any],
    session: dict[str, Any],
    attendance_id: int,
    now: datetime | None = None,
) -> None:
    now = now or clock.now()
    correcting = _check_writable(actor, program, session, now)
    where = (Attendance.id == attendance_id) & (Attendance.session == session["id"]) & Attendance.participant.is_null()
    if not await Attendance.exists().where(where).run():
        raise NotFound("guest")
    async with enrolment.program_lock(program["id"]):
        await Attendance.delete().where(where).run()
        if correcting:
            await audit.record_audit(actor, "correct", "attendance", session["id"], N_("locked sheet, guest removed"))


# --- the sheet -----------------------------------------------------------------------------------


async def sheet(
    staff: CurrentStaff,
    program: dict[str, Any],
    session: dict[str, Any],
    now: datetime | None = None,
    *,
    only: int | None = None,
) -> dict[str, Any]:
    """Everything a facilitator's phone shows for one session, in two queries. `only`: the sheet of that one
    person (the row a mark answers with; its counts and guests are that row's, not the session's)."""
    now = now or clock.now()
    members, marks, rsvps, consent = await _sheet_rows(program, session, only)
    by_person = {row["participant"]: row for row in marks if row["participant"] is not None}
    rows = []
    for member in members:
        mark = by_person.get(member["participant_id"])
        status = mark["status"] if mark else None
        rows.append(
            {
                "participant_id": member["participant_id"],
                "display_name": member["display_name"],
                "status": status,
                "note": mark["note"] if mark else "",
                "recorded_by": mark["recorded_by_name"] if mark else "",
                "recorded_at": mark["recorded_at"] if mark else None,
                "rsvp": rsvps.get(member["participant_id"], ""),
                "consent": consent.get(member["participant_id"], "missing"),
                "at_start": member["at_start"],
            }
        )
    guests = [row for row in marks if row["participant"] is None]
    at_start = [r for r in rows if r["at_start"]]
    joined_later = [r for r in rows if not r["at_start"]]
    counts = {status: sum(1 for r in rows if r["status"] == status) for status in STATUSES}
    # Who joined later and is unmarked is not expected at this session: not counted as missing.
    counts["unmarked"] = sum(1 for r in at_start if r["status"] is None)
    counts["expected"] = len(at_start)
    counts["guests"] = len(guests)
    state = sheet_state(staff, program, session, now)
    return {
        "rows": rows,
        # People enrolled at the start, then — clearly apart — those who joined after it started.
        "groups": [
            {"key": key, "rows": group}
            for key, group in (("members", at_start), ("joined_later", joined_later))
            if group
        ],
        "guests": guests,
        "counts": counts,
        "state": state,
        "editable": state in ("open", "correcting"),
        "locks_at": lock_time(session),
        "open_group": program["enrolment_mode"] == "open",
    }
