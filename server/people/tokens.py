"""Secret link tokens: making them, hashing them for storage, and deriving a person's second links from the first."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

# The database keeps only SHA-256 hex digests of personal tokens: a copied database or backup opens no page.
# A random 256-bit token needs no salt or slow hash (nothing to guess), and the digest fits Varchar(64).
_HASHED = re.compile(r"[0-9a-f]{64}")
MAX_LENGTH = 64


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_hashed(stored: str) -> bool:
    """A stored value that is already a digest (the migration hashes only the rest)."""
    return bool(_HASHED.fullmatch(stored or ""))


def plausible(token: str) -> bool:
    """Cheap shape check before any lookup; anything else is the same plain 404 as an unknown token."""
    return bool(token) and len(token) <= MAX_LENGTH


def same_hash(stored: str, token: str) -> bool:
    return hmac.compare_digest(stored, token_hash(token))


def derive_token(secret: str, purpose: str) -> str:
    """A second secret only the holder of the first can compute (never from server data alone)."""
    digest = hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def feed_token(page_token: str) -> str:
    """A participant's calendar feed token: the personal page can always show it, and reissuing the page
    reissues the feed."""
    return derive_token(page_token, "feed")


def invite_token(page_token: str, invite_id: int) -> str:
    """A participant's personal answering link for one survey invitation, shown on their personal page."""
    return derive_token(page_token, f"invite:{invite_id}")
