"""Secret links: a participant's personal page and feed, and a staff member's calendar feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server import clock
from server.audit import record_audit
from server.db import transaction
from server.i18n import N_
from server.people.tables import AccessToken
from server.people.tokens import feed_token, new_token, plausible, same_hash, token_hash
from server.web.access import CurrentStaff

# Only SHA-256 digests of tokens are stored (server/people/tokens.py), so a plain link exists only in the
# person's hands and, once, on the page that made it. A participant's page and feed are one set: the feed token
# is derived from the page token, and both are reissued and revoked together.
PERSONAL_KINDS = ("participant_page", "participant_feed")


async def token_owner(token: str, kind: str) -> dict[str, Any] | None:
    """The live token row for a secret link, or None; unknown, revoked and malformed look the same."""
    if not plausible(token):
        return None
    digest = token_hash(token)
    row = (
        await AccessToken.select()
        .where((AccessToken.token == digest) & (AccessToken.kind == kind) & AccessToken.revoked_at.is_null())
        .first()
        .run()
    )
    if row is None or not same_hash(row["token"], token):
        return None
    return row


async def live_personal_links(participant_ids: list[int]) -> set[int]:
    """The people among these who have a working personal link, in one query."""
    if not participant_ids:
        return set()
    rows = (
        await AccessToken.select(AccessToken.participant)
        .where(
            AccessToken.participant.is_in(participant_ids)
            & (AccessToken.kind == "participant_page")
            & AccessToken.revoked_at.is_null()
        )
        .run()
    )
    return {row["participant"] for row in rows}


async def has_staff_feed(staff_id: int) -> bool:
    return (
        await AccessToken.exists()
        .where((AccessToken.staff == staff_id) & (AccessToken.kind == "staff_feed") & AccessToken.revoked_at.is_null())
        .run()
    )


async def _revoke(
    now: datetime, kinds: tuple[str, ...], *, participant_id: int | None = None, staff_id: int | None = None
) -> None:
    query = AccessToken.update({AccessToken.revoked_at: now}).where(
        AccessToken.kind.is_in(list(kinds)) & AccessToken.revoked_at.is_null()
    )
    query = (
        query.where(AccessToken.participant == participant_id)
        if participant_id
        else query.where(AccessToken.staff == staff_id)
    )
    await query.run()


async def reissue_personal_links(actor: CurrentStaff | None, participant_id: int) -> str:
    """Revoke the person's page and feed links and issue a new set; returns the new page token, which is never
    stored and so can be shown only now (the feed token is derived from it)."""
    now = clock.now()
    page = new_token()
    async with transaction():
        await _revoke(now, PERSONAL_KINDS, participant_id=participant_id)
        await AccessToken.insert(
            AccessToken(token=token_hash(page), kind="participant_page", participant=participant_id, created_at=now),
            AccessToken(
                token=token_hash(feed_token(page)), kind="participant_feed", participant=participant_id, created_at=now
            ),
        ).run()
        await record_audit(actor, "token", "participant", participant_id, N_("reissued personal links"))
    return page


async def revoke_personal_links(actor: CurrentStaff | None, participant_id: int) -> None:
    """The personal page, its calendar feed and its survey links stop answering until a new set is issued."""
    await _revoke(clock.now(), PERSONAL_KINDS, participant_id=participant_id)
    await record_audit(actor, "token", "participant", participant_id, N_("revoked personal links"))


async def reissue_staff_feed(actor: CurrentStaff | None, staff_id: int) -> str:
    """A new calendar feed token for a staff member; the old one stops working. Shown only once."""
    now = clock.now()
    token = new_token()
    async with transaction():
        await _revoke(now, ("staff_feed",), staff_id=staff_id)
        await AccessToken.insert(
            AccessToken(token=token_hash(token), kind="staff_feed", staff=staff_id, created_at=now)
        ).run()
        await record_audit(actor, "token", "staff", staff_id, N_("reissued staff_feed"))
    return token


async def revoke_staff_feed(staff_id: int) -> None:
    await _revoke(clock.now(), ("staff_feed",), staff_id=staff_id)
