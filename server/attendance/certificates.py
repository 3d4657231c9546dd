"""Certificates of completion of a skill workshop: what one shows, for the people server/attendance/completion.py
says have completed it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from server import audit, clock, privacy
from server.attendance.completion import certificate_refusal, gives_certificates
from server.attendance.rates import attendance_rate, meets_threshold
from server.attendance.rules import COUNTED_SESSION_SQL, T_SESSION, as_datetime, raw
from server.enrolment import participant_access
from server.enrolment.services import enrolment_of
from server.errors import DomainError
from server.i18n import N_, format_percent
from server.programs.tables import TeamMember
from server.web.access import CurrentStaff

_REFUSALS = {
    "not_a_workshop": N_("Certificates of completion are only given for skill workshops."),
    "not_member": N_("This person has not taken part in the program to its end."),
    "still_running": N_(
        "The workshop is still running. A certificate is given once the person's enrolment is marked completed, "
        "or when the program is in evaluation or closed."
    ),
    "below_threshold": N_(
        "A certificate needs an attendance rate of at least %(threshold)s; this person's rate is %(rate)s."
    ),
}


def _refuse(code: str, **params: str) -> NoReturn:
    raise DomainError(code, _REFUSALS[code], **params)


async def certificate(
    staff: CurrentStaff, program: dict[str, Any], participant_id: int, now: datetime | None = None
) -> dict[str, Any]:
    """What a certificate of completion of a skill workshop shows; refused (409) unless the person completed it."""
    now = now or clock.now()
    if not gives_certificates(program):
        _refuse("not_a_workshop")
    enrolment = await enrolment_of(program, participant_id)
    rate = await attendance_rate(program["id"], participant_id, now)
    threshold = program["completion_threshold"] or 0
    refusal = certificate_refusal(program, enrolment["status"], meets_threshold(rate, threshold))
    if refusal is None and enrolment["enrolled_at"] is None:
        refusal = "not_member"
    if refusal is not None:
        _refuse(refusal, threshold=format_percent(threshold / 100), rate=format_percent(rate or 0))
    name = enrolment["display_name"]
    if enrolment["legal_name"] and await participant_access.can_see_confidential(staff, participant_id):
        name = enrolment["legal_name"]
        await audit.record_audit(
            staff, "view", "participant", participant_id, N_("legal name printed on a certificate")
        )
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
