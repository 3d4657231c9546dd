"""API keys: making one (shown once), revoking it, listing them, and finding the key a request carries."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from server import audit, clock
from server.api.tables import ApiKey
from server.db import transaction
from server.errors import DomainError, NotFound
from server.i18n import N_
from server.programs.tables import Program
from server.web.labels import LABELS

PROGRAMS = "programs"
REPORTS = "reports"
SCOPES = (PROGRAMS, REPORTS)
# A key reads "gtg_" + 8 characters of prefix (found by index) + "_" + 43 secret characters (256 bits).
KEY_START = "gtg_"
PREFIX_LENGTH = 8
# A key's use is written down (last use, audit log) at most once per hour: a busy integration would otherwise
# write a row per request.
USE_NOTED_EVERY = timedelta(hours=1)
LABELS.register("audit_subject", {"api_key": N_("API key")})
LABELS.register("audit_action", {"revoke": N_("Revoked"), "use": N_("Used")})


@dataclass(frozen=True)
class Key:
    """The key of a request, as the API's guard and handlers need it."""

    id: int
    name: str
    scopes: frozenset[str]
    program_ids: frozenset[int] | None  # None: every program

    def may_read(self, program_id: int) -> bool:
        return self.program_ids is None or program_id in self.program_ids


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _ids(text: str) -> frozenset[int] | None:
    ids = frozenset(int(part) for part in text.split(",") if part.strip().isdigit())
    return ids or None


async def create_key(actor: Any, name: str, scopes: list[str], program_ids: list[int]) -> tuple[int, str]:
    """Makes a key; answers its id and the key itself, which is never available again."""
    if not name.strip():
        raise DomainError("name_required", N_("Give the key a name."), field="name")
    chosen = [scope for scope in SCOPES if scope in scopes]
    if not chosen:
        raise DomainError("scope_required", N_("Choose what the key may read."), field="scopes")
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    async with transaction():
        row = ApiKey(
            name=name.strip(),
            scopes=",".join(chosen),
            program_ids=",".join(str(program_id) for program_id in sorted(set(program_ids))),
            prefix=prefix,
            key_hash=_hash(key),
            created_by=actor.id,
            created_at=clock.now(),
        )
        await row.save().run()
        await audit.record_audit(actor, "create", "api_key", row.id, N_("API key %(name)s created"), name=row.name)
    return row.id, key


async def revoke_key(actor: Any, key_id: int) -> None:
    async with transaction():
        row = await ApiKey.select(ApiKey.name, ApiKey.revoked_at).where(ApiKey.id == key_id).first().run()
        if row is None:
            raise NotFound("api_key")
        if row["revoked_at"] is not None:
            return
        await (
            ApiKey.update({ApiKey.revoked_at: clock.now(), ApiKey.revoked_by: actor.id})
            .where(ApiKey.id == key_id)
            .run()
        )
        await audit.record_audit(actor, "revoke", "api_key", key_id, N_("API key %(name)s revoked"), name=row["name"])


async def list_keys() -> list[dict[str, Any]]:
    """Every key, newest first, with who made it. One query."""
    rows = (
        await ApiKey.select(
            ApiKey.id,
            ApiKey.name,
            ApiKey.scopes,
            ApiKey.program_ids,
            ApiKey.prefix,
            ApiKey.created_at,
            ApiKey.last_used_at,
            ApiKey.revoked_at,
            ApiKey.created_by.display_name.as_alias("created_by_name"),
        )
        .order_by(ApiKey.id, ascending=False)
        .run()
    )
    for row in rows:
        row["scopes"] = [scope for scope in row["scopes"].split(",") if scope]
        row["program_ids"] = sorted(_ids(row["program_ids"]) or [])
    return rows


async def get_key(key_id: int) -> dict[str, Any] | None:
    row = await ApiKey.select(ApiKey.id, ApiKey.name, ApiKey.revoked_at).where(ApiKey.id == key_id).first().run()
    return row


async def find_key(presented: str, now: datetime | None = None) -> Key | None:
    """The live key a request presents, or None (unknown, malformed or revoked). One query; two more (last use and
    the audit line) at most once an hour per key."""
    if not presented.startswith(KEY_START) or len(presented) > 200:
        return None
    prefix = presented[len(KEY_START) : len(KEY_START) + PREFIX_LENGTH]
    row = await ApiKey.select().where(ApiKey.prefix == prefix).first().run()
    if row is None or row["revoked_at"] is not None or not hmac.compare_digest(row["key_hash"], _hash(presented)):
        return None
    now = now or clock.now()
    last = row["last_used_at"]
    if last is None or now - last >= USE_NOTED_EVERY:
        await _note_use(row, now)
    return Key(
        id=row["id"],
        name=row["name"],
        scopes=frozenset(scope for scope in row["scopes"].split(",") if scope),
        program_ids=_ids(row["program_ids"]),
    )


async def _note_use(row: dict[str, Any], now: datetime) -> None:
    async with transaction():
        # The condition makes two requests racing past the hour write one audit line, not two.
        last = row["last_used_at"]
        condition = ApiKey.id == row["id"]
        condition &= ApiKey.last_used_at.is_null() if last is None else ApiKey.last_used_at == last
        updated = await ApiKey.update({ApiKey.last_used_at: now}).where(condition).returning(ApiKey.id).run()
        if updated:
            await audit.record_audit(None, "use", "api_key", row["id"], N_("API key %(name)s used"), name=row["name"])


async def program_choices() -> list[tuple[int, str]]:
    """Programs a key may be limited to (not archived), by title. One query."""
    rows = (
        await Program.select(Program.id, Program.title)
        .where(Program.archived == False)  # noqa: E712 - Piccolo builds SQL from the comparison
        .order_by(Program.title)
        .run()
    )
    return [(row["id"], row["title"]) for row in rows]
