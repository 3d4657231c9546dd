"""Partner organisations linked to a program."""

from __future__ import annotations

from typing import Any

from server.db import transaction
from server.errors import DomainError
from server.i18n import N_
from server.programs.rules import ensure_open
from server.programs.tables import Partner, ProgramPartner


async def list_partners(program_id: int) -> list[dict[str, Any]]:
    return (
        await ProgramPartner.select(
            ProgramPartner.id,
            ProgramPartner.role,
            ProgramPartner.partner.id.as_alias("partner_id"),
            ProgramPartner.partner.name.as_alias("name"),
            ProgramPartner.partner.contact_name.as_alias("contact_name"),
            ProgramPartner.partner.phone.as_alias("phone"),
            ProgramPartner.partner.email.as_alias("email"),
            ProgramPartner.partner.website.as_alias("website"),
        )
        .where(ProgramPartner.program == program_id)
        .order_by(ProgramPartner.partner.name)
        .run()
    )


async def add_partner(program: dict[str, Any], values: dict[str, Any], role: str) -> None:
    """Links a partner organisation, reusing an existing one of the same name."""
    ensure_open(program)
    existing = await Partner.select(Partner.id).where(Partner.name == values["name"]).first().run()
    async with transaction():
        if existing:
            partner_id = existing["id"]
            linked = ProgramPartner.exists().where(
                (ProgramPartner.program == program["id"]) & (ProgramPartner.partner == partner_id)
            )
            if await linked.run():
                raise DomainError("partner_linked", N_("This partner is already linked to the program."), field="name")
        else:
            partner = Partner(**values)
            await partner.save().run()
            partner_id = partner.id
        await ProgramPartner.insert(ProgramPartner(program=program["id"], partner=partner_id, role=role)).run()


async def remove_partner(program: dict[str, Any], link_id: int) -> None:
    ensure_open(program)
    await (
        ProgramPartner.delete().where((ProgramPartner.id == link_id) & (ProgramPartner.program == program["id"])).run()
    )
