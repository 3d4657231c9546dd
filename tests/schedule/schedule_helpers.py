"""Helpers and fixtures for schedule tests: programs as the services see them (rows), team membership."""

from __future__ import annotations

import pytest


async def program_row(program) -> dict:
    from server.programs.tables import Program

    return await Program.select().where(Program.id == program.id).first().run()


async def join_team(program, staff, role: str = "lead") -> None:
    from server.programs.tables import TeamMember

    program_id = program["id"] if isinstance(program, dict) else program.id
    await TeamMember.insert(TeamMember(program=program_id, staff=staff.id, role=role)).run()


async def sessions_of(program_id: int) -> list[dict]:
    from server.schedule.tables import ProgramSession

    return (
        await ProgramSession.select()
        .where(ProgramSession.program == program_id)
        .order_by(ProgramSession.starts_at)
        .run()
    )


@pytest.fixture
async def berlin(db):
    from factories import make_program

    program = await make_program(timezone="Europe/Berlin", title="Elternkreis", slug="elternkreis")
    return await program_row(program)
