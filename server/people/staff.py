"""Staff accounts: sign-in, roles, deactivation, password, licence, language, calendar-feed and digest settings."""

from __future__ import annotations

import asyncio
import hmac
import secrets
from datetime import datetime
from typing import Any

from piccolo.apps.user.tables import BaseUser

from server.audit import record_audit, translatable
from server.db import raw, transaction
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.people.links import revoke_staff_feed
from server.people.tables import Staff
from server.web.access import ROLES, CurrentStaff
from server.web.labels import LABELS

T_STAFF = Staff._meta.tablename
T_USER = BaseUser._meta.tablename
_STAFF_COLUMNS = (
    Staff.id,
    Staff.user.id.as_alias("user_id"),
    Staff.user.username.as_alias("username"),
    Staff.user.email.as_alias("email"),
    Staff.display_name,
    Staff.role,
    Staff.locale,
)


def _identity(row: dict[str, Any]) -> CurrentStaff:
    return CurrentStaff(
        id=row["id"],
        user_id=row["user_id"],
        username=row["username"],
        email=row["email"],
        display_name=row["display_name"],
        role=row["role"],
        locale=row["locale"] or "",
    )


async def active_staff(staff_id: int, session_version: Any = None) -> CurrentStaff | None:
    """The signed-in staff member, or None when the account is inactive or the session was ended. Read on every
    signed-in request, so in SQL rather than built by the ORM (whose join costs more to build than to run)."""
    rows = await raw(
        f"""
        SELECT s.id AS id, u.id AS user_id, u.username AS username, u.email AS email, s.display_name AS display_name,
               s.role AS role, s.locale AS locale, s.session_version AS session_version, u.active AS active
        FROM "{T_STAFF}" s JOIN "{T_USER}" u ON u.id = s."user"
        WHERE s.id = :staff
        """,
        staff=staff_id,
    )
    row = rows[0] if rows else None
    if row is None or not row["active"]:
        return None
    if session_version is not None and session_version != row["session_version"]:
        return None
    return _identity(row)


async def authenticate(username: str, password: str) -> tuple[CurrentStaff, int] | None:
    """The staff member and their session version when the credentials are right and the account is active."""
    user_id = await _check_password(username.strip().lower(), password)
    if user_id is None:
        return None
    row = (
        await Staff.select(*_STAFF_COLUMNS, Staff.session_version, Staff.user.active.as_alias("active"))
        .where(Staff.user == user_id)
        .first()
        .run()
    )
    if row is None or not row["active"]:
        return None
    return _identity(row), row["session_version"]


async def _check_password(username: str, password: str) -> int | None:
    """BaseUser's own hashing, run in a thread: the KDF is deliberately slow and must not stall other requests."""
    if len(username) > 100 or len(password) > BaseUser._max_password_length:
        return None
    row = await BaseUser.select(BaseUser.id, BaseUser.password).where(BaseUser.username == username).first().run()
    if row is None:
        # Hash anyway so that response time does not reveal which usernames exist.
        await asyncio.to_thread(BaseUser.hash_password, password)
        return None
    _algorithm, iterations, salt, _hashed = BaseUser.split_stored_password(row["password"])
    candidate = await asyncio.to_thread(BaseUser.hash_password, password, salt, int(iterations))
    if not hmac.compare_digest(candidate, row["password"]):
        return None
    await BaseUser.update({BaseUser.last_login: datetime.now()}).where(BaseUser.id == row["id"]).run()
    return row["id"]


async def create_staff(
    *, username: str, email: str, password: str, display_name: str, role: str, locale: str = ""
) -> int:
    if role not in ROLES:
        raise DomainError("bad_role", N_("Choose one of the options."), field="role")
    username = username.strip().lower()
    email = email.strip().lower()
    if await BaseUser.exists().where(BaseUser.username == username).run():
        raise DomainError("username_taken", N_("This username is already taken."), field="username")
    if await BaseUser.exists().where(BaseUser.email == email).run():
        raise DomainError("email_taken", N_("Another account already uses this e-mail address."), field="email")
    try:
        BaseUser._validate_password(password)
    except ValueError:
        raise DomainError("weak_password", N_("The password must be 8 to 128 characters."), field="password") from None
    if len(password) < 8:
        raise DomainError("weak_password", N_("The password must be 8 to 128 characters."), field="password")
    async with transaction():
        user = BaseUser(username=username, email=email, password=password, active=True, first_name=display_name)
        await user.save().run()
        staff = Staff(user=user.id, role=role, display_name=display_name, locale=locale)
        await staff.save().run()
    return staff.id


async def list_staff() -> list[dict[str, Any]]:
    return (
        await Staff.select(
            *_STAFF_COLUMNS,
            Staff.user.active.as_alias("active"),
            Staff.user.last_login.as_alias("last_login"),
            Staff.licence_number,
            Staff.licence_expires_on,
        )
        .order_by(Staff.display_name)
        .run()
    )


async def get_staff(staff_id: int) -> dict[str, Any]:
    row = (
        await Staff.select(
            *_STAFF_COLUMNS,
            Staff.user.active.as_alias("active"),
            Staff.phone,
            Staff.licence_number,
            Staff.licence_expires_on,
        )
        .where(Staff.id == staff_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("staff")
    return row


async def update_staff(
    staff_id: int,
    *,
    actor: CurrentStaff,
    role: str,
    active: bool,
    display_name: str,
    licence_number: str = "",
    licence_expires_on: Any = None,
) -> None:
    """Change an account; deactivating ends all its sessions at once (the session version moves on)."""
    current = await get_staff(staff_id)
    if role not in ROLES:
        raise DomainError("bad_role", N_("Choose one of the options."), field="role")
    if staff_id == actor.id and (role != "admin" or not active):
        raise DomainError("self_lockout", N_("You cannot remove your own administrator rights."), field="role")
    async with transaction():
        values: dict[Any, Any] = {
            Staff.role: role,
            Staff.display_name: display_name,
            Staff.licence_number: licence_number,
            Staff.licence_expires_on: licence_expires_on,
        }
        if current["active"] and not active:
            values[Staff.session_version] = Staff.session_version + 1
            await revoke_staff_feed(staff_id)
        await Staff.update(values).where(Staff.id == staff_id).run()
        await BaseUser.update({BaseUser.active: active}).where(BaseUser.id == current["user_id"]).run()
        await record_audit(
            actor,
            "update",
            "staff",
            staff_id,
            N_("role: %(role)s, active: %(active)s"),
            role=translatable(LABELS.message("role", role)),
            active=translatable(N_("yes") if active else N_("no")),
        )


async def set_locale_preference(staff_id: int, locale: str) -> None:
    await Staff.update({Staff.locale: locale}).where(Staff.id == staff_id).run()


async def change_password(staff_id: int, new_password: str) -> int:
    """Set a new password, end every other session and stop the calendar feed link (it may be what leaked);
    returns the new session version."""
    if not 8 <= len(new_password) <= 128:
        raise DomainError("weak_password", N_("The password must be 8 to 128 characters."), field="password")
    row = await get_staff(staff_id)
    async with transaction():
        await BaseUser.update_password(row["user_id"], new_password)
        await Staff.update({Staff.session_version: Staff.session_version + 1}).where(Staff.id == staff_id).run()
        await revoke_staff_feed(staff_id)
    version = await Staff.select(Staff.session_version).where(Staff.id == staff_id).first().run()
    if version is None:
        raise NotFound("staff")
    return version["session_version"]


# No look-alike characters (0/o, 1/l/i): a temporary password is read aloud or copied from a screen by hand.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """Four groups of four characters (about 79 bits), e.g. "k7mq-2wxa-p9rd-hb3t"."""
    return "-".join("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(4))


async def staff_id_for_username(username: str) -> int:
    row = await Staff.select(Staff.id).where(Staff.user.username == username.strip().lower()).first().run()
    if row is None:
        raise NotFound("staff")
    return row["id"]


async def reset_password(staff_id: int, new_password: str, *, actor: CurrentStaff | None) -> None:
    """Someone else sets this account's password (an administrator, or the command line when `actor` is None) for
    a staff member who forgot theirs: as a password change, every session of theirs ends and their calendar feed
    link stops; audited."""
    if actor is not None and actor.id == staff_id:
        raise DomainError("own_password", N_("Change your own password on the password page."))
    async with transaction():
        await change_password(staff_id, new_password)
        summary = N_("password reset by an administrator") if actor else N_("password reset from the command line")
        await record_audit(actor, "password", "staff", staff_id, summary)


async def set_feed_real_details(staff_id: int, real: bool) -> None:
    """The staff member's own choice: real titles and notes of discreet programs in their calendar feed, which
    their calendar provider then holds."""
    await Staff.update({Staff.feed_real_details: bool(real)}).where(Staff.id == staff_id).run()


async def feed_real_details(staff_id: int) -> bool:
    row = await Staff.select(Staff.feed_real_details).where(Staff.id == staff_id).first().run()
    return bool(row and row["feed_real_details"])


async def set_warning_digest(staff_id: int, wanted: bool) -> None:
    """The staff member's own choice: a daily e-mail of the people who stopped coming (server/notices/digest.py)."""
    await Staff.update({Staff.warning_digest: bool(wanted)}).where(Staff.id == staff_id).run()


async def warning_digest(staff_id: int) -> bool:
    row = await Staff.select(Staff.warning_digest).where(Staff.id == staff_id).first().run()
    return bool(row and row["warning_digest"])
