"""Seeds the crash test's database: a program with a session yesterday and 40 enrolled people (run as a script)."""

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta


async def main() -> None:
    from server.enrolment.tables import Enrolment
    from server.people.consent import record_consent
    from server.people.participants import create_participant
    from server.people.staff import active_staff
    from server.programs.tables import Program, TeamMember
    from server.schedule.services import new_uid
    from server.schedule.tables import ProgramSession

    staff = await active_staff(1)
    program = Program(
        slug="crash",
        kind="skill_workshop",
        title="Crash",
        visibility="public",
        phase="implementation",
        enrolment_mode="open",
        capacity=10_000,
    )
    await program.save().run()
    await TeamMember.insert(TeamMember(program=program.id, staff=staff.id, role="lead")).run()
    starts = datetime.now(UTC) - timedelta(hours=3)
    session = ProgramSession(program=program.id, uid=new_uid(), starts_at=starts, ends_at=starts + timedelta(hours=1))
    await session.save().run()
    participants = []
    for number in range(40):
        pid = await create_participant(None, {"display_name": f"Peserta {number}"})
        await record_consent(pid, "participation", actor=None)
        await Enrolment.insert(
            Enrolment(participant=pid, program=program.id, status="enrolled", enrolled_at=starts - timedelta(days=7))
        ).run()
        participants.append(pid)
    json.dump({"session": session.id, "participants": participants}, sys.stdout)


asyncio.run(main())
