"""A small world for case files: a person in a program, its facilitator, a case worker and a supervisor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from factories import make_program, make_staff

from server.web.access import CurrentStaff

NOTE_TEXT = "Ibu Sari takut suaminya pulang"  # a case note's words: must never reach anyone else


@dataclass
class CaseWorld:
    admin: CurrentStaff
    organizer: CurrentStaff
    worker: CurrentStaff
    supervisor: CurrentStaff
    facilitator: CurrentStaff  # leads the program the person attends, not assigned to the case
    participant: int
    program_slug: str


async def case_world() -> CaseWorld:
    from server.enrolment.tables import Enrolment
    from server.people.participants import create_participant
    from server.programs.tables import TeamMember

    admin = await make_staff(role="admin", username="c-admin", display_name="Ayu Admin")
    organizer = await make_staff(role="organizer", username="c-organizer", display_name="Oka Organizer")
    worker = await make_staff(role="facilitator", username="c-worker", display_name="Wulan Worker")
    supervisor = await make_staff(role="facilitator", username="c-super", display_name="Sigit Supervisor")
    facilitator = await make_staff(role="facilitator", username="c-facil", display_name="Fajar Facilitator")
    program = await make_program()
    await TeamMember(program=program.id, staff=facilitator.id, role="lead").save().run()
    participant = await create_participant(None, {"display_name": "Sari"}, ["participation"])
    enrolled_at = datetime.now(UTC) - timedelta(days=5)
    await (
        Enrolment(participant=participant, program=program.id, status="enrolled", enrolled_at=enrolled_at).save().run()
    )
    return CaseWorld(admin, organizer, worker, supervisor, facilitator, participant, program.slug)


async def open_a_case(world: CaseWorld, **kwargs) -> int:
    from server.cases import services

    return await services.open_case(
        world.organizer,
        kwargs.pop("participant", world.participant),
        case_worker_id=kwargs.pop("case_worker_id", world.worker.id),
        supervisor_id=kwargs.pop("supervisor_id", world.supervisor.id),
        **kwargs,
    )
