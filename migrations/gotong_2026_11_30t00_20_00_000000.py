"""Secret tokens at rest: personal links and survey invitations keep only the SHA-256 digest of their token."""

import base64
import hashlib
import hmac
import re
from datetime import datetime, timezone, UTC

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-30T00:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "hash stored secret tokens"

# Frozen copies of server/people/tokens.py as of this migration: a migration must not change when the app does.
_HASHED = re.compile(r"[0-9a-f]{64}")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _feed_token(page_token: str) -> str:
    digest = hmac.new(page_token.encode(), b"feed", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


async def _rows(db, sql: str) -> list[dict]:
    return await db.run_querystring(QueryString(sql))


async def hash_stored_tokens() -> int:
    """Replaces every plain token in access_token and survey_invite by its digest; returns how many it hashed.

    Idempotent: a value that is already a 64-hex digest is left alone (a plain token is 43 URL-safe characters,
    so the two never look alike). While the plain page token is still at hand, each live personal page also gets
    a feed row for the feed token derived from it, so the personal page can show a working feed link from now
    on; the person's old feed link keeps working until the set is reissued or revoked."""
    db = engine_finder()
    hashed = 0
    async with db.transaction():
        rows = await _rows(db, "SELECT id, token, kind, participant, revoked_at FROM access_token")
        stored = {row["token"] if _HASHED.fullmatch(row["token"] or "") else _digest(row["token"]) for row in rows}
        for row in rows:
            if _HASHED.fullmatch(row["token"] or ""):
                continue
            await db.run_querystring(
                QueryString("UPDATE access_token SET token = {} WHERE id = {}", _digest(row["token"]), row["id"])
            )
            hashed += 1
            if row["kind"] == "participant_page" and row["revoked_at"] is None and row["participant"] is not None:
                feed = _digest(_feed_token(row["token"]))
                if feed not in stored:
                    await db.run_querystring(
                        QueryString(
                            "INSERT INTO access_token (token, kind, participant, staff, created_at, revoked_at) "
                            "VALUES ({}, 'participant_feed', {}, NULL, {}, NULL)",
                            feed,
                            row["participant"],
                            datetime.now(UTC),
                        )
                    )
                    stored.add(feed)
        for row in await _rows(db, "SELECT id, token FROM survey_invite"):
            if _HASHED.fullmatch(row["token"] or ""):
                continue
            await db.run_querystring(
                QueryString("UPDATE survey_invite SET token = {} WHERE id = {}", _digest(row["token"]), row["id"])
            )
            hashed += 1
    return hashed


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def run():
        await hash_stored_tokens()

    manager.add_raw(run)
    return manager
