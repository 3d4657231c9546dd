"""Double bookings: a facilitator or a place in two sessions at overlapping times — warnings, never refusals."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from piccolo.columns.combination import WhereRaw

from server import privacy
from server.programs.services.access import managed_program_ids
from server.schedule.tables import ProgramSession, SessionFacilitator
from server.web.access import CurrentStaff


@dataclass(frozen=True)
class Conflict:
    """Someone or somewhere already booked at an overlapping time; a warning, never a refusal."""

    kind: str  # "facilitator" | "location"
    subject: str  # the facilitator's name, or the location as written on this session
    session_id: int
    starts_at: datetime
    other_session_id: int
    other_starts_at: datetime
    other_ends_at: datetime
    other_program_id: int
    other_program_slug: str
    other_program_title: str  # the real title; show it through visible_conflicts
    other_program_public_title: str = ""
    other_program_discreet: bool = False


@dataclass
class _Booking:
    session_id: int
    starts_at: datetime
    ends_at: datetime
    location: str  # as written on the session
    staff_ids: set[int] = field(default_factory=set)

    @property
    def place(self) -> str:
        """The location as compared: the same place whatever its spelling's case or spaces around it."""
        return self.location.strip().lower()


async def conflicts_for(where: Any) -> list[Conflict]:
    """Double bookings of the selected sessions: one of their facilitators, or their location (same text,
    any case), already in another session of any program at an overlapping time. Four queries at most."""
    rows = (
        await ProgramSession.select(
            ProgramSession.id, ProgramSession.starts_at, ProgramSession.ends_at, ProgramSession.location
        )
        .where(where & (ProgramSession.status != "cancelled"))
        .run()
    )
    if not rows:
        return []
    bookings = {row["id"]: _Booking(row["id"], row["starts_at"], row["ends_at"], row["location"]) for row in rows}
    links = (
        await SessionFacilitator.select(SessionFacilitator.session, SessionFacilitator.staff)
        .where(SessionFacilitator.session.is_in(list(bookings)))
        .run()
    )
    for link in links:
        bookings[link["session"]].staff_ids.add(link["staff"])
    return await _find_conflicts(list(bookings.values()))


async def _other_sessions(*where: Any) -> list[dict[str, Any]]:
    return (
        await ProgramSession.select(
            ProgramSession.id,
            ProgramSession.starts_at,
            ProgramSession.ends_at,
            ProgramSession.location,
            ProgramSession.program,
            ProgramSession.program.slug.as_alias("slug"),
            ProgramSession.program.title.as_alias("title"),
            ProgramSession.program.public_title.as_alias("public_title"),
            ProgramSession.program.discreet.as_alias("discreet"),
        )
        .where(*where)
        .run()
    )


async def _find_conflicts(bookings: list[_Booking]) -> list[Conflict]:
    lo = min(b.starts_at for b in bookings)
    hi = max(b.ends_at for b in bookings)
    own = {b.session_id for b in bookings}
    staff_ids = sorted({staff for b in bookings for staff in b.staff_ids})
    locations = sorted({b.place for b in bookings if b.place})
    window = (ProgramSession.starts_at < hi) & (ProgramSession.ends_at > lo) & (ProgramSession.status != "cancelled")
    # (kind, the facilitator's id and name or None, the other session)
    candidates: list[tuple[str, tuple[int, str] | None, dict[str, Any]]] = []
    if staff_ids:
        busy = (
            await SessionFacilitator.select(
                SessionFacilitator.session,
                SessionFacilitator.staff,
                SessionFacilitator.staff.display_name.as_alias("name"),
            )
            .where(
                SessionFacilitator.staff.is_in(staff_ids)
                & (SessionFacilitator.session.starts_at < hi)
                & (SessionFacilitator.session.ends_at > lo)
                & (SessionFacilitator.session.status != "cancelled")
            )
            .run()
        )
        busy = [link for link in busy if link["session"] not in own]
        if busy:
            sessions = {
                row["id"]: row
                for row in await _other_sessions(ProgramSession.id.is_in(sorted({b["session"] for b in busy})))
            }
            candidates += [("facilitator", (link["staff"], link["name"]), sessions[link["session"]]) for link in busy]
    if locations:
        # Piccolo's is_in on a function renders a Python list, hence the raw condition (values stay parameters).
        # LOWER() folds ASCII only on SQLite, which is what Python's lower() gives for ASCII text too.
        markers = ", ".join(["{}"] * len(locations))
        same_place = await _other_sessions(
            window, WhereRaw(f'LOWER(TRIM("{ProgramSession._meta.tablename}"."location")) IN ({markers})', *locations)
        )
        candidates += [("location", None, row) for row in same_place if row["id"] not in own]
    conflicts: dict[tuple[int, int, str, str], Conflict] = {}
    for kind, facilitator, other_row in candidates:
        for booking in bookings:
            if not (other_row["starts_at"] < booking.ends_at and other_row["ends_at"] > booking.starts_at):
                continue
            if facilitator is not None:
                if facilitator[0] not in booking.staff_ids:
                    continue
                subject = facilitator[1]
            else:
                if other_row["location"].strip().lower() != booking.place:
                    continue
                subject = booking.location
            conflicts.setdefault(
                (booking.session_id, other_row["id"], kind, subject),
                Conflict(
                    kind=kind,
                    subject=subject,
                    session_id=booking.session_id,
                    starts_at=booking.starts_at,
                    other_session_id=other_row["id"],
                    other_starts_at=other_row["starts_at"],
                    other_ends_at=other_row["ends_at"],
                    other_program_id=other_row["program"],
                    other_program_slug=other_row["slug"],
                    other_program_title=other_row["title"],
                    other_program_public_title=other_row["public_title"],
                    other_program_discreet=other_row["discreet"],
                ),
            )
    return sorted(conflicts.values(), key=lambda c: (c.starts_at, c.kind, c.subject))


async def visible_conflicts(viewer: CurrentStaff, conflicts: list[Conflict]) -> list[Conflict]:
    """Conflicts as this staff member may read them: a discreet program they do not work on keeps its
    neutral title, as it would on any page outside its team."""
    if not conflicts:
        return []
    managed = await managed_program_ids(viewer)
    return [
        replace(
            conflict,
            other_program_title=privacy.title(
                {
                    "title": conflict.other_program_title,
                    "public_title": conflict.other_program_public_title,
                    "discreet": conflict.other_program_discreet,
                },
                privacy.staff_viewer(viewer, on_team=managed is None or conflict.other_program_id in managed),
                privacy.PAGE,
            ),
        )
        for conflict in conflicts
    ]
