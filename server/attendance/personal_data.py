"""What the attendance feature holds about a participant: their attendance marks (and the figures kept from them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import privacy
from server.attendance.tables import Attendance, EnrolmentStats, ServedMonth, ServedPeriod
from server.personal_data import PersonalData, Record, register


async def _marks(participant_id: int) -> list[Record]:
    rows = (
        await Attendance.select(
            Attendance.status,
            Attendance.note,
            Attendance.recorded_at,
            Attendance.session.starts_at.as_alias("session_starts_at"),
            Attendance.session._.program.title.as_alias("title"),
            Attendance.session._.program.public_title.as_alias("public_title"),
            Attendance.session._.program.discreet.as_alias("discreet"),
        )
        .where(Attendance.participant == participant_id)
        .order_by(Attendance.session.starts_at)
        .run()
    )

    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return [
        {
            "program": privacy.title(a, privacy.SELF, privacy.EXPORT),
            "session_starts_at": when(a["session_starts_at"]),
            "status": a["status"],
            "note": a["note"],
        }
        for a in rows
    ]


async def _erase_notes(participant_id: int, now: datetime) -> None:
    """The marks stay as anonymous counts (rates and reports still add up); the notes about the person go."""
    await Attendance.update({Attendance.note: ""}).where(Attendance.participant == participant_id).run()


# EnrolmentStats and the "served" rows (ServedMonth, ServedPeriod: who was served in which month) hold only figures
# derived from the marks: the download carries the marks themselves, and erasure keeps the figures as it keeps the
# marks (the people served stay counted; the withdrawal that starts an erasure recomputes them).
MARKS = register(
    PersonalData("attendance", (Attendance, EnrolmentStats, ServedMonth, ServedPeriod), _marks, _erase_notes)
)
