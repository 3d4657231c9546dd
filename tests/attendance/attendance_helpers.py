"""Small builders for attendance tests: people enrolled at given instants, sessions at given times, marks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factories import keep_figures, make_session

# The fixed clock of the domain tests: a Tuesday morning in Jakarta.
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


async def program_row(program) -> dict:
    from server.programs.tables import Program

    return await Program.select().where(Program.id == program.id).first().run()


async def enrol(
    program,
    name: str,
    enrolled_at: datetime,
    *,
    status: str = "enrolled",
    ended_at: datetime | None = None,
    consent: bool = True,
    **person,
) -> int:
    """A participant enrolled in the program from `enrolled_at`; returns the participant id."""
    from server.enrolment.tables import Enrolment
    from server.people.tables import Consent, Participant

    participant = Participant(display_name=name, **person)
    await participant.save().run()
    await (
        Enrolment(
            participant=participant.id, program=program.id, status=status, enrolled_at=enrolled_at, ended_at=ended_at
        )
        .save()
        .run()
    )
    if consent:
        await Consent(participant=participant.id, purpose="participation", text_version="2026-11").save().run()
    await keep_figures(program.id)
    return participant.id


async def session_at(program, starts_at: datetime, *, minutes: int = 90, status: str = "held", **overrides) -> dict:
    """A session as the dict the services take."""
    from server.attendance.sheets import session_of

    session = await make_session(
        program, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), status=status, **overrides
    )
    return await session_of(await program_row(program), session.id)


async def weekly_sessions(program, count: int, first: datetime, **overrides) -> list[dict]:
    return [await session_at(program, first + timedelta(weeks=week), **overrides) for week in range(count)]


async def mark(session: dict, participant_id: int | None, status: str, guest_label: str = "") -> None:
    from server.attendance.tables import Attendance

    await (
        Attendance(session=session["id"], participant=participant_id, status=status, guest_label=guest_label)
        .save()
        .run()
    )
    await keep_figures(session["program"])


async def stored_status(session: dict, participant_id: int) -> str | None:
    from server.attendance.tables import Attendance

    row = (
        await Attendance.select(Attendance.status)
        .where((Attendance.session == session["id"]) & (Attendance.participant == participant_id))
        .first()
        .run()
    )
    return row["status"] if row else None
