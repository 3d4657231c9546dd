"""Factories with meaningful domain defaults; each returns what tests need to refer to the object."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from server.people.staff import active_staff, create_staff
from server.web.access import CurrentStaff

PASSWORD = "correct-horse"
_counter = itertools.count(1)


async def make_staff(
    role: str = "facilitator", username: str | None = None, display_name: str | None = None
) -> CurrentStaff:
    number = next(_counter)
    username = username or f"staff{number}"
    staff_id = await create_staff(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        display_name=display_name or f"Staff {number}",
        role=role,
    )
    staff = await active_staff(staff_id)
    assert staff is not None
    return staff


async def make_program(**overrides):
    from server.programs.tables import Program

    number = next(_counter)
    values = dict(
        slug=f"program-{number}",
        kind="skill_workshop",
        title=f"Workshop {number}",
        visibility="public",
        phase="implementation",
        timezone="Asia/Jakarta",
        enrolment_mode="open",
    )
    values.update(overrides)
    program = Program(**values)
    await program.save().run()
    # A program made in a running phase counts in the data checks at once (the services count it when its phase
    # changes): its kept rows, as they would keep them.
    await keep_figures(program.id)
    return program


async def make_session(program, starts_in: timedelta = timedelta(days=2), minutes: int = 90, **overrides):
    from server.schedule.services import new_uid
    from server.schedule.tables import ProgramSession

    starts = datetime.now(UTC).replace(microsecond=0) + starts_in
    values = dict(program=program.id, uid=new_uid(), starts_at=starts, ends_at=starts + timedelta(minutes=minutes))
    values.update(overrides)
    session = ProgramSession(**values)
    await session.save().run()
    await keep_figures(values["program"])
    return session


async def keep_figures(program_id: int) -> None:
    """What the services do after every write to a program's sessions, enrolments, marks, goals, phase or archiving:
    recompute its kept attendance figures and data-check counts. Builders that write rows directly call it, so
    readers see what the services would."""
    from server.attendance import stats
    from server.reports import checks_kept

    await stats.program_changed(program_id)
    await checks_kept.program_changed(program_id)
