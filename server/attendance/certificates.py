"""Certificates of completion of a skill workshop, once a person's attendance reaches the program's threshold."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import audit, clock, privacy
from server.attendance.rates import attendance_rate, meets_threshold
from server.attendance.rules import COUNTED_SESSION_SQL, MEMBER_STATUSES, T_SESSION, as_datetime, raw
from server.enrolment import participant_access
from server.enrolment.goals import enrolment_of
from server.errors import DomainError
from server.i18n import N_, format_percent
from server.programs.tables import TeamMember
from server.web.access import CurrentStaff


async def certificate(
    staff: CurrentStaff, program: dict[str, Any], participant_id: int, now: datetime | None = None
) -> dict[str, Any]:
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
            threshold=format_percent(threshold / 100),
            rate=format_percent(rate or 0),
        )
    name = enrolment["display_name"]
    if enrolment["legal_name"] and await participant_access.can_see_confidential(staff, participant_id):
        name = enrolment["legal_name"]
        await audit.record_audit(staff, "view", "participant", participant_id, "legal name printed on a certificate")
    dates = (
        await raw(
            f"""
        SELECT MIN(s.starts_at) AS first_at, MAX(s.starts_at) AS last_at FROM "{T_SESSION}" s
        WHERE s.program = :program AND {COUNTED_SESSION_SQL}
        """,
            program=program["id"],
            now=now,
        )
    )[0]
    lead = (
        await TeamMember.select(TeamMember.staff.display_name.as_alias("name"))
        .where((TeamMember.program == program["id"]) & (TeamMember.role == "lead"))
        .order_by(TeamMember.id)
        .first()
        .run()
    )
    return {
        "name": name,
        # Certificates leave the organisation: a discreet program's neutral title, never the real one.
        "title": privacy.title(program, privacy.TEAM, privacy.PRINT),
        "first_at": as_datetime(dates["first_at"]),
        "last_at": as_datetime(dates["last_at"]),
        "lead": lead["name"] if lead else "",
        "rate": rate,
        "issued_on": clock.today(program["timezone"], now),
    }
