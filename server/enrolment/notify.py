"""Messages about a person's place, queued inside the change that causes them (under the program lock): a refused
or rolled-back change queues nothing, and each message's key names its event, so a retry adds nothing.

Participants hear only with consent to be contacted, on their channel, in their language, with the privacy policy's
title for a message (a discreet program's neutral title: a message is read on a shared phone, in a notification
preview). The program's team hears of a registration waiting for approval, by e-mail, with nothing of the person
but their display name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import privacy
from server.config import settings
from server.db import transaction
from server.messages.outbox import queue
from server.messages.recipients import participant_recipients, queue_to
from server.people import links
from server.people.tables import Participant
from server.people.tokens import token_hash
from server.programs.tables import TeamMember
from server.web.access import CurrentStaff


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value or "")


def _title(program: dict[str, Any], *, enrolled: bool) -> str:
    return privacy.title(program, privacy.participant_viewer(enrolled=enrolled), privacy.MESSAGE)


def personal_page_url(token: str) -> str:
    # The personal page's address (server/pages/personal.py); a service has no request to reverse it from.
    return f"{settings.base_url}/my/{token}"


async def waitlisted(program: dict[str, Any], enrolment: dict[str, Any], position: int | None) -> bool:
    """The person was put on the waiting list: their place in the line."""
    recipient = (await participant_recipients([enrolment["participant"]])).get(enrolment["participant"])
    if recipient is None:
        return False
    return await queue_to(
        recipient,
        key=f"waitlist:{enrolment['id']}:{_iso(enrolment['requested_at'])}",
        template="waitlist_position",
        program_id=program["id"],
        timezone=program["timezone"],
        context={"program_title": _title(program, enrolled=False), "position": position},
    )


async def waitlisted_many(program: dict[str, Any], enrolments: list[dict[str, Any]]) -> int:
    """`waitlisted` for many people at once (an import): each row has its participant, id, requested_at and
    position; the recipients are looked up once. Returns how many messages were queued."""
    if not enrolments:
        return 0
    recipients = await participant_recipients([row["participant"] for row in enrolments])
    title = _title(program, enrolled=False)
    queued = 0
    for row in enrolments:
        recipient = recipients.get(row["participant"])
        if recipient is None:
            continue
        queued += await queue_to(
            recipient,
            key=f"waitlist:{row['id']}:{_iso(row['requested_at'])}",
            template="waitlist_position",
            program_id=program["id"],
            timezone=program["timezone"],
            context={"program_title": title, "position": row["position"]},
        )
    return queued


async def places_given(program: dict[str, Any], promoted: list[dict[str, Any]], offered_at: datetime) -> None:
    """People moved up from the waiting list: an offer with its deadline, or a place confirmed at once."""
    if not promoted:
        return
    recipients = await participant_recipients([row["participant"] for row in promoted])
    for row in promoted:
        recipient = recipients.get(row["participant"])
        if recipient is None:
            continue
        if row["status"] == "offered":
            await queue_to(
                recipient,
                key=f"offer:{row['id']}:{_iso(offered_at)}",
                template="place_offered",
                program_id=program["id"],
                timezone=program["timezone"],
                urgent=True,  # the deadline runs through the night too
                context={
                    "program_title": _title(program, enrolled=False),
                    "deadline": row["offer_expires_at"],
                    "timezone": program["timezone"],
                },
            )
        else:
            await _queue_confirmed(program, row, recipient, "waitlist")


async def place_confirmed(program: dict[str, Any], enrolment: dict[str, Any], how: str) -> bool:
    """A place confirmed: `how` is "offer" (the person took an offered place) or "approved" (staff approved)."""
    recipient = (await participant_recipients([enrolment["participant"]])).get(enrolment["participant"])
    if recipient is None:
        return False
    return await _queue_confirmed(program, enrolment, recipient, how)


async def _queue_confirmed(program: dict[str, Any], enrolment: dict[str, Any], recipient: Any, how: str) -> bool:
    return await queue_to(
        recipient,
        key=f"promoted:{enrolment['id']}:{_iso(enrolment['enrolled_at'])}",
        template="place_promoted",
        program_id=program["id"],
        timezone=program["timezone"],
        context={"program_title": _title(program, enrolled=True), "how": how},
    )


async def approval_needed(program: dict[str, Any], enrolment: dict[str, Any]) -> int:
    """A registration waits for approval: each member of the program's team with an e-mail address (and an active
    account) hears of it in their language. Returns how many messages were queued."""
    person = (
        await Participant.select(Participant.display_name)
        .where(Participant.id == enrolment["participant"])
        .first()
        .run()
    )
    team = (
        await TeamMember.select(
            TeamMember.staff.id.as_alias("staff_id"),
            TeamMember.staff.display_name.as_alias("name"),
            TeamMember.staff.locale.as_alias("locale"),
            TeamMember.staff.user.email.as_alias("email"),  # type: ignore[union-attr]
        )
        .where(
            (TeamMember.program == program["id"]) & (TeamMember.staff.user.active == True)  # type: ignore[union-attr]  # noqa: E712
        )
        .order_by(TeamMember.staff.id)
        .run()
    )
    # The team may read the real title in a message (the privacy policy's TEAM row).
    title = privacy.title(program, privacy.Viewer(privacy.TEAM), privacy.MESSAGE)
    # The participants tab (server/enrolment/routes.py, "program_participants"); no request here to reverse it from.
    url = f"{settings.base_url}/manage/programs/{program['slug']}/participants"
    queued, seen = 0, set()
    for member in team:
        if not member["email"] or member["staff_id"] in seen:
            continue
        seen.add(member["staff_id"])
        queued += await queue(
            key=f"approval:{enrolment['id']}:{_iso(enrolment['requested_at'])}:{member['staff_id']}",
            template="approval_needed",
            language=member["locale"] or settings.default_locale,
            address=member["email"],
            staff_id=member["staff_id"],
            program_id=program["id"],
            timezone=program["timezone"],
            context={
                "name": member["name"],
                "person": person["display_name"] if person else "",
                "program_title": title,
                "participants_url": url,
            },
        )
    return queued


async def may_send_link(participant_ids: list[int]) -> set[int]:
    """The people a new personal link can be sent to now: consent to be contacted and an address."""
    return set(await participant_recipients(participant_ids))


async def reissue_personal_link(actor: CurrentStaff | None, participant_id: int, *, send: bool) -> tuple[str, bool]:
    """A new personal link (the old one stops working) and, when asked, the link sent to the person in the same
    transaction: the message is the only place the link exists besides this answer (only its hash is kept).
    Returns the new token and whether a message was queued."""
    async with transaction():
        token = await links.reissue_personal_links(actor, participant_id)
        if not send:
            return token, False
        recipient = (await participant_recipients([participant_id])).get(participant_id)
        if recipient is None:
            return token, False
        sent = await queue_to(
            recipient,
            # One message per link issued: a prefix of the hash the token table already keeps names it.
            key=f"link:{participant_id}:{token_hash(token)[:16]}",
            template="link_reissued",
            urgent=True,  # the person (or staff with them) is waiting for it
            context={"personal_url": personal_page_url(token)},
        )
    return token, sent
