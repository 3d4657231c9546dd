"""What a program's phases ask of its schedule: planning needs planned sessions, implementation a held one.
Declared to the phase rule in programs (which may not look at sessions itself) when the schedule is imported."""

from __future__ import annotations

from typing import Any

from server.i18n import N_
from server.programs.services.phases import phase_requirement
from server.schedule.tables import ProgramSession


@phase_requirement("planning", 20, N_("Plan a schedule of sessions."))
async def _sessions_planned(program: dict[str, Any]) -> bool:
    return await ProgramSession.exists().where(ProgramSession.program == program["id"]).run()


@phase_requirement("implementation", 10, N_("Hold and record at least one session."))
async def _session_held(program: dict[str, Any]) -> bool:
    return (
        await ProgramSession.exists()
        .where((ProgramSession.program == program["id"]) & (ProgramSession.status == "held"))
        .run()
    )
