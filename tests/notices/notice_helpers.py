"""Builders the notice tests share: a program's members with or without consent, sessions at fixed instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factories import make_program

from server.enrolment.services import register_participant
from server.messages.tables import OutboxMessage
from server.programs.tables import Program
from server.schedule.services import new_uid
from server.schedule.tables import ProgramSession

# 10:00 in Jakarta: outside the default quiet hours (21:00-07:00), so a non-urgent message is due at once.
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
CONSENTS = ["participation", "data_collection", "contact"]


async def program_row(program) -> dict:
    return await Program.select().where(Program.id == program.id).first().run()


async def member(program, name: str, *, email: str = "", phone: str = "", locale: str = "id", consents=CONSENTS):
    """A participant enrolled a week before NOW."""
    values = {"display_name": name, "email": email, "phone": phone, "preferred_locale": locale}
    enrolment = await register_participant(None, program.id, values, list(consents), now=NOW - timedelta(days=7))
    assert enrolment["status"] == "enrolled"
    return enrolment["participant"]


async def session_at(program, starts_in: timedelta, **values) -> int:
    starts = NOW + starts_in
    row = ProgramSession(
        program=program.id, uid=new_uid(), starts_at=starts, ends_at=starts + timedelta(minutes=90), **values
    )
    await row.save().run()
    return row.id


async def outbox(template: str) -> list[dict]:
    return await OutboxMessage.select().where(OutboxMessage.template == template).order_by(OutboxMessage.id).run()


async def a_program(**values):
    return await make_program(timezone="Asia/Jakarta", capacity=None, **values)
