"""Rules for staff accounts: sign-in, roles, deactivation, and the audit log."""
from __future__ import annotations

import asyncio
import hmac
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any, Iterable

from piccolo.apps.user.tables import BaseUser

from server import clock, privacy
from server.audit import record_audit
from server.db import contains_text, transaction
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.people.tables import AccessToken, Consent, Participant, Staff
from server.people.tokens import feed_token, new_token, plausible, same_hash, token_hash
from server.web.access import ROLES, CurrentStaff

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
    """The signed-in staff member, or None when the account is inactive or the session was ended."""
    row = (
        await Staff.select(*_STAFF_COLUMNS, Staff.session_version, Staff.user.active.as_alias("active"))
        .where(Staff.id == staff_id)
        .first()
        .run()
    )
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
        await record_audit(actor, "update", "staff", staff_id, f"role={role} active={active}")


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
    return version["session_version"]



# --- participants ----------------------------------------------------------------------------------

PARTICIPANT_FIELDS = ("display_name", "legal_name", "phone", "email", "preferred_locale", "notes")


def phone_digits(phone: str) -> str:
    """Comparable digits of an Indonesian number: +62 812…, 0812… and 62812… are the same phone."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits[:20]


async def possible_duplicates(display_name: str, phone: str = "", email: str = "", legal_name: str = "", exclude_id: int | None = None) -> list[dict[str, Any]]:
    """Existing people with the same phone or e-mail, or a very similar name."""
    digits = phone_digits(phone) if phone else ""
    clauses = []
    if digits:
        clauses.append(Participant.phone_digits == digits)
    if email:
        clauses.append(Participant.email == email.lower())
    names = [n.strip().lower() for n in (display_name, legal_name) if n and n.strip()]
    for name in names:
        clauses.append(contains_text(Participant.display_name, name.split()[0][:20]))
        clauses.append(contains_text(Participant.legal_name, name.split()[0][:20]))
    if not clauses:
        return []
    condition = clauses[0]
    for clause in clauses[1:]:
        condition = condition | clause
    query = Participant.select(
        Participant.id, Participant.display_name, Participant.legal_name, Participant.phone_digits, Participant.email
    ).where(condition & Participant.anonymised_at.is_null())
    if exclude_id is not None:
        query = query.where(Participant.id != exclude_id)
    found = []
    for row in await query.limit(200).run():
        same_contact = (digits and row["phone_digits"] == digits) or (email and row["email"] == email.lower())
        candidates = [n for n in (row["display_name"].lower(), row["legal_name"].lower()) if n]
        similar = any(SequenceMatcher(None, a, b).ratio() >= 0.85 for a in names for b in candidates)
        if same_contact or similar:
            found.append({"id": row["id"], "display_name": row["display_name"], "reason": "contact" if same_contact else "name"})
    return found[:10]


def _check_contact_consent(values: dict[str, Any], consents_to_contact: bool) -> None:
    """Phone and e-mail are kept only with consent to be contacted. Refused rather than silently dropped, so a
    facilitator who typed a number sees why it is not kept and can record the consent or clear the fields."""
    if consents_to_contact:
        return
    for field in ("phone", "email"):
        if (values.get(field) or "").strip():
            raise DomainError(
                "contact_without_consent",
                N_("A phone number or e-mail address is kept only with consent to be contacted: record that consent, or leave this empty."),
                field=field,
            )


async def create_participant(
    actor: CurrentStaff | None, values: dict[str, Any], consents: Iterable[str] = (), *, source: str = "staff"
) -> int:
    """A new participant with the consents they gave, all saved or none; without a personal link yet (it is
    made when it is sent, and shown only once)."""
    consents = list(consents)
    values = {key: (values.get(key) or "") for key in PARTICIPANT_FIELDS}
    values["email"] = values["email"].lower()
    values["preferred_locale"] = values["preferred_locale"] or "id"
    _check_contact_consent(values, "contact" in consents)
    async with transaction():
        participant = Participant(**values, phone_digits=phone_digits(values["phone"]), created_by=actor.id if actor else None)
        await participant.save().run()
        await record_audit(actor, "create", "participant", participant.id, "participant created")
        for purpose in consents:
            await record_consent(participant.id, purpose, actor=actor, source=source)
    return participant.id


async def update_participant(actor: CurrentStaff, participant_id: int, values: dict[str, Any]) -> None:
    participant = await _participant_row(participant_id)
    if participant["anonymised_at"] is not None:
        raise DomainError("anonymised", N_("This person's data has been erased."))
    values = {key: (values.get(key) or "") for key in PARTICIPANT_FIELDS}
    values["email"] = values["email"].lower()
    _check_contact_consent(values, "contact" in (await active_consents([participant_id]))[participant_id])
    updates = {getattr(Participant, key): value for key, value in values.items()}
    updates[Participant.phone_digits] = phone_digits(values["phone"])
    updates[Participant.updated_at] = clock.now()
    async with transaction():
        await Participant.update(updates).where(Participant.id == participant_id).run()
        changed = sorted(key for key in PARTICIPANT_FIELDS if (participant.get(key) or "") != values[key])
        await record_audit(actor, "update", "participant", participant_id, "changed: " + ", ".join(changed))


async def _participant_row(participant_id: int) -> dict[str, Any]:
    row = await Participant.select().where(Participant.id == participant_id).first().run()
    if row is None:
        raise NotFound("participant")
    return row


async def person_viewer(staff: CurrentStaff, participant_id: int) -> privacy.Viewer:
    """The staff member as a viewer of this person: on the team when they work on one of the person's programs
    or registered them."""
    return privacy.staff_viewer(staff, on_team=not staff.is_admin and await _on_persons_team(staff, participant_id))


async def _on_persons_team(staff: CurrentStaff, participant_id: int) -> bool:
    from server.enrolment.tables import Enrolment
    from server.programs.tables import TeamMember

    program_ids = [row["program"] for row in await Enrolment.select(Enrolment.program).where(Enrolment.participant == participant_id).run()]
    if program_ids and await TeamMember.exists().where(TeamMember.program.is_in(program_ids) & (TeamMember.staff == staff.id)).run():
        return True
    return await Participant.exists().where((Participant.id == participant_id) & (Participant.created_by == staff.id)).run()


async def can_see_confidential(staff: CurrentStaff, participant_id: int) -> bool:
    """Contact details and notes (the privacy policy's page cells): admins, whoever registered the person, and
    the teams of their programs."""
    viewer = await person_viewer(staff, participant_id)
    return privacy.may_see(viewer, privacy.PAGE, privacy.CONTACT)


async def can_see_participant(staff: CurrentStaff, participant_id: int) -> bool:
    """Anyone on staff who may see the person at all (their display name): organizers, or a team of theirs."""
    if staff.is_organizer:
        return True
    return await can_see_confidential(staff, participant_id)


async def participant_for_staff(staff: CurrentStaff, participant_id: int) -> dict[str, Any]:
    """The participant as this staff member may see them; viewing confidential details is audited."""
    if not await can_see_participant(staff, participant_id):
        raise NotFound("participant")  # not Forbidden: do not confirm that the person exists
    row = await _participant_row(participant_id)
    viewer = await person_viewer(staff, participant_id)
    confidential = privacy.may_see(viewer, privacy.PAGE, privacy.CONTACT)
    if confidential:
        await record_audit(staff, "view", "participant", participant_id, "viewed confidential details")
    row = privacy.person_view(row, viewer, privacy.PAGE)
    row["confidential"] = confidential
    return row


async def list_participants(staff: CurrentStaff, search: str = "", program_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Display names of the people a staff member may see; contact details never appear in lists."""
    from server.enrolment.tables import Enrolment
    from server.programs.services import managed_program_ids

    query = Participant.select(Participant.id, Participant.display_name, Participant.anonymised_at, Participant.created_at)
    ids = await managed_program_ids(staff)
    if ids is not None:
        enrolled = Enrolment.select(Enrolment.participant).where(Enrolment.program.is_in(ids or [-1]))
        query = query.where(Participant.id.is_in(enrolled) | (Participant.created_by == staff.id))
    if program_id is not None:
        query = query.where(Participant.id.is_in(Enrolment.select(Enrolment.participant).where(Enrolment.program == program_id)))
    if search:
        query = query.where(contains_text(Participant.display_name, search.replace("%", "")))
    return await query.order_by(Participant.display_name).limit(limit).run()


# --- consent ---------------------------------------------------------------------------------------

async def record_consent(participant_id: int, purpose: str, *, actor: CurrentStaff | None, source: str = "staff") -> None:
    """Consent under the current text version; a consent already in force is not duplicated."""
    from server.people import consent

    if purpose not in consent.PURPOSES:
        raise DomainError("bad_purpose", N_("Choose one of the options."), field="purpose")
    active = await Consent.exists().where(
        (Consent.participant == participant_id) & (Consent.purpose == purpose) & Consent.withdrawn_at.is_null()
    ).run()
    if active:
        return
    await Consent.insert(
        Consent(participant=participant_id, purpose=purpose, text_version=consent.VERSION, recorded_by=actor.id if actor else None, source=source)
    ).run()
    await record_audit(actor, "consent", "participant", participant_id, f"consent given: {purpose}")


async def withdraw_consent(participant_id: int, purpose: str, *, actor: CurrentStaff | None) -> None:
    """Withdrawing consent to be contacted also removes the phone number and e-mail address (the pages ask for
    confirmation first): without that consent they must not be kept."""
    now = clock.now()
    async with transaction():
        await Consent.update({Consent.withdrawn_at: now}).where(
            (Consent.participant == participant_id) & (Consent.purpose == purpose) & Consent.withdrawn_at.is_null()
        ).run()
        if purpose == "contact":
            await Participant.update(
                {Participant.phone: "", Participant.phone_digits: "", Participant.email: "", Participant.updated_at: now}
            ).where(Participant.id == participant_id).run()
        await record_audit(actor, "consent", "participant", participant_id, f"consent withdrawn: {purpose}")


async def active_consents(participant_ids: list[int]) -> dict[int, set[str]]:
    """The purposes each person currently consents to, in one query."""
    if not participant_ids:
        return {}
    rows = await Consent.select(Consent.participant, Consent.purpose).where(
        Consent.participant.is_in(participant_ids) & Consent.withdrawn_at.is_null()
    ).run()
    found: dict[int, set[str]] = {pid: set() for pid in participant_ids}
    for row in rows:
        found[row["participant"]].add(row["purpose"])
    return found


async def consent_history(participant_id: int) -> list[dict[str, Any]]:
    return (
        await Consent.select(
            Consent.id, Consent.purpose, Consent.text_version, Consent.given_at, Consent.withdrawn_at, Consent.source,
            Consent.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(Consent.participant == participant_id)
        .order_by(Consent.given_at, ascending=False)
        .run()
    )


# --- secret links ----------------------------------------------------------------------------------
# Only SHA-256 digests of tokens are stored (server/people/tokens.py), so a plain link exists only in the
# person's hands and, once, on the page that made it. A participant's page and feed are one set: the feed token
# is derived from the page token, and both are reissued and revoked together.

PERSONAL_KINDS = ("participant_page", "participant_feed")


async def set_feed_real_details(staff_id: int, real: bool) -> None:
    """The staff member's own choice: real titles and notes of discreet programs in their calendar feed, which
    their calendar provider then holds."""
    await Staff.update({Staff.feed_real_details: bool(real)}).where(Staff.id == staff_id).run()


async def feed_real_details(staff_id: int) -> bool:
    row = await Staff.select(Staff.feed_real_details).where(Staff.id == staff_id).first().run()
    return bool(row and row["feed_real_details"])


async def token_owner(token: str, kind: str) -> dict[str, Any] | None:
    """The live token row for a secret link, or None; unknown, revoked and malformed look the same."""
    if not plausible(token):
        return None
    digest = token_hash(token)
    row = await AccessToken.select().where((AccessToken.token == digest) & (AccessToken.kind == kind) & AccessToken.revoked_at.is_null()).first().run()
    if row is None or not same_hash(row["token"], token):
        return None
    return row


async def live_personal_links(participant_ids: list[int]) -> set[int]:
    """The people among these who have a working personal link, in one query."""
    if not participant_ids:
        return set()
    rows = await AccessToken.select(AccessToken.participant).where(
        AccessToken.participant.is_in(participant_ids) & (AccessToken.kind == "participant_page") & AccessToken.revoked_at.is_null()
    ).run()
    return {row["participant"] for row in rows}


async def has_staff_feed(staff_id: int) -> bool:
    return await AccessToken.exists().where(
        (AccessToken.staff == staff_id) & (AccessToken.kind == "staff_feed") & AccessToken.revoked_at.is_null()
    ).run()


async def _revoke(now: datetime, kinds: tuple[str, ...], *, participant_id: int | None = None, staff_id: int | None = None) -> None:
    query = AccessToken.update({AccessToken.revoked_at: now}).where(AccessToken.kind.is_in(list(kinds)) & AccessToken.revoked_at.is_null())
    query = query.where(AccessToken.participant == participant_id) if participant_id else query.where(AccessToken.staff == staff_id)
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
            AccessToken(token=token_hash(feed_token(page)), kind="participant_feed", participant=participant_id, created_at=now),
        ).run()
        await record_audit(actor, "token", "participant", participant_id, "reissued personal links")
    return page


async def revoke_personal_links(actor: CurrentStaff | None, participant_id: int) -> None:
    """The personal page, its calendar feed and its survey links stop answering until a new set is issued."""
    await _revoke(clock.now(), PERSONAL_KINDS, participant_id=participant_id)
    await record_audit(actor, "token", "participant", participant_id, "revoked personal links")


async def reissue_staff_feed(actor: CurrentStaff | None, staff_id: int) -> str:
    """A new calendar feed token for a staff member; the old one stops working. Shown only once."""
    now = clock.now()
    token = new_token()
    async with transaction():
        await _revoke(now, ("staff_feed",), staff_id=staff_id)
        await AccessToken.insert(AccessToken(token=token_hash(token), kind="staff_feed", staff=staff_id, created_at=now)).run()
        await record_audit(actor, "token", "staff", staff_id, "reissued staff_feed")
    return token


async def revoke_staff_feed(staff_id: int) -> None:
    await _revoke(clock.now(), ("staff_feed",), staff_id=staff_id)


# --- erasure ---------------------------------------------------------------------------------------

async def anonymise_participant(actor: CurrentStaff, participant_id: int) -> None:
    """Erase identity, contact and personal notes; enrolments and attendance stay as anonymous counts."""
    if not actor.is_admin:
        raise DomainError("admin_only", N_("Only administrators can erase a person's data."))
    row = await _participant_row(participant_id)
    if row["anonymised_at"] is not None:
        return
    from server.enrolment.tables import Enrolment as EnrolmentTable
    from server.enrolment.tables import IndividualGoal, Rsvp

    now = clock.now()
    async with transaction():
        await Participant.update(
            {
                Participant.display_name: f"#{participant_id}",
                Participant.legal_name: "",
                Participant.phone: "",
                Participant.phone_digits: "",
                Participant.email: "",
                Participant.notes: "",
                Participant.anonymised_at: now,
                Participant.updated_at: now,
            }
        ).where(Participant.id == participant_id).run()
        await AccessToken.update({AccessToken.revoked_at: now}).where((AccessToken.participant == participant_id) & AccessToken.revoked_at.is_null()).run()
        await Rsvp.delete().where(Rsvp.participant == participant_id).run()
        enrolment_ids = EnrolmentTable.select(EnrolmentTable.id).where(EnrolmentTable.participant == participant_id)
        await IndividualGoal.delete().where(IndividualGoal.enrolment.is_in(enrolment_ids)).run()
        from server.attendance.tables import Attendance

        await Attendance.update({Attendance.note: ""}).where(Attendance.participant == participant_id).run()
        await record_audit(actor, "erase", "participant", participant_id, "identity and contact erased on request")


# --- audit log -------------------------------------------------------------------------------------


async def participant_enrolments(staff: CurrentStaff, participant_id: int) -> list[dict[str, Any]]:
    """A person's enrolments, with real titles only for programs this staff member manages."""
    from server.enrolment.tables import Enrolment
    from server.programs.services import managed_program_ids

    rows = await Enrolment.select(
        Enrolment.id, Enrolment.status, Enrolment.requested_at, Enrolment.enrolled_at, Enrolment.ended_at,
        Enrolment.program.id.as_alias("program_id"), Enrolment.program.slug.as_alias("slug"),
        Enrolment.program.title.as_alias("title"), Enrolment.program.public_title.as_alias("public_title"),
        Enrolment.program.discreet.as_alias("discreet"),
    ).where(Enrolment.participant == participant_id).order_by(Enrolment.requested_at, ascending=False).run()
    managed = await managed_program_ids(staff)
    for row in rows:
        row["manages"] = managed is None or row["program_id"] in managed
        row["title"] = privacy.title(row, privacy.staff_viewer(staff, on_team=row["manages"]), privacy.PAGE)
    return rows
