"""Password reset by e-mail: a one-time link to a staff member's own address, kept only as a hash, 30 minutes long."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from server import clock
from server.audit import record_audit
from server.config import settings
from server.db import transaction
from server.errors import NotFound
from server.i18n import N_
from server.messages.outbox import queue
from server.messages.tables import PasswordReset
from server.people import staff as accounts
from server.people import tokens
from server.people.tables import Staff

EXPIRY = timedelta(minutes=30)
# Links asked for one person within EXPIRY and still unused: beyond this, asking again sends nothing, so that a
# stranger who knows a username cannot fill that person's inbox (the page answers the same either way).
MAX_OPEN_LINKS = 3


async def request_reset(identifier: str, link: Callable[[str], str], now: datetime | None = None) -> bool:
    """Queues a reset link (`link(token)`, an absolute address) to the active staff account whose username or
    e-mail address is `identifier`, when that account has an e-mail address. Returns whether a message was queued:
    for tests and logs only, since whoever asked must get the same answer either way."""
    now = now or clock.now()
    wanted = identifier.strip().lower()
    if not wanted or len(wanted) > 200:
        return False
    row = (
        await Staff.select(
            Staff.id,
            Staff.display_name,
            Staff.locale,
            Staff.user.email.as_alias("email"),
            Staff.user.active.as_alias("active"),
        )
        .where((Staff.user.username == wanted) | (Staff.user.email == wanted))
        .order_by(Staff.id)
        .first()
        .run()
    )
    if row is None or not row["active"] or not row["email"]:
        return False
    open_links = (
        await PasswordReset.count()
        .where(
            (PasswordReset.staff == row["id"])
            & PasswordReset.used_at.is_null()
            & (PasswordReset.created_at > now - EXPIRY)
        )
        .run()
    )
    if open_links >= MAX_OPEN_LINKS:
        return False
    token = tokens.new_token()
    async with transaction():
        inserted = (
            await PasswordReset.insert(
                PasswordReset(staff=row["id"], token_hash=tokens.token_hash(token), created_at=now)
            )
            .returning(PasswordReset.id)
            .run()
        )
        # Urgent: the person is waiting at the sign-in page, whatever the hour.
        return await queue(
            key=f"password_reset:{inserted[0]['id']}",
            template="password_reset",
            language=row["locale"] or settings.default_locale,
            address=row["email"],
            staff_id=row["id"],
            urgent=True,
            now=now,
            context={
                "name": row["display_name"],
                "reset_url": link(token),
                "minutes": int(EXPIRY.total_seconds() // 60),
            },
        )


async def _open_link(token: str, now: datetime) -> dict[str, Any] | None:
    """The unused, unexpired link of an active account that `token` opens; None for anything else (expired, used,
    unknown or malformed: the caller answers all of them with the same 404)."""
    if not tokens.plausible(token):
        return None
    return (
        await PasswordReset.select(PasswordReset.id, PasswordReset.staff)
        .where(
            (PasswordReset.token_hash == tokens.token_hash(token))
            & PasswordReset.used_at.is_null()
            & (PasswordReset.created_at > now - EXPIRY)
            & (PasswordReset.staff._.user._.active == True)  # noqa: E712  (a column comparison, not a truth test)
        )
        .first()
        .run()
    )


async def link_is_open(token: str, now: datetime | None = None) -> bool:
    return await _open_link(token, now or clock.now()) is not None


async def reset_with_link(token: str, new_password: str, now: datetime | None = None) -> int:
    """Sets the password of the link's owner and returns their staff id. The link is used up, and so is every
    other open link of theirs; every session of theirs ends and their calendar feed link stops (as any password
    change); audited. Raises NotFound when the link opens nothing, and the password rules' DomainError (field
    "password"), which leaves the link usable."""
    now = now or clock.now()
    async with transaction():
        found = await _open_link(token, now)
        if found is None:
            raise NotFound("password_reset")
        # Claimed first, conditionally: of two requests with the same link, only one sets a password.
        claimed = (
            await PasswordReset.update({PasswordReset.used_at: now})
            .where((PasswordReset.id == found["id"]) & PasswordReset.used_at.is_null())
            .returning(PasswordReset.id)
            .run()
        )
        if not claimed:
            raise NotFound("password_reset")
        staff_id = found["staff"]
        await accounts.change_password(staff_id, new_password)
        await (
            PasswordReset.update({PasswordReset.used_at: now})
            .where((PasswordReset.staff == staff_id) & PasswordReset.used_at.is_null())
            .run()
        )
        await record_audit(
            await accounts.active_staff(staff_id), "password", "staff", staff_id, N_("password reset by e-mail link")
        )
    return staff_id
