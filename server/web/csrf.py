"""CSRF protection with the token masked afresh in every response, so that compressing pages cannot leak it."""

from __future__ import annotations

import base64
import binascii
import secrets

from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

# BREACH: a secret that is the same in every compressed page, next to text an attacker can make the page echo,
# can be guessed byte by byte from response sizes. Pages carry the CSRF token (forms, htmx headers), so each
# response carries it XOR-ed with a fresh random pad instead (as Django and Rails do); the cookie keeps the plain
# token and the check unmasks first.
MASK_PREFIX = "m."
# A hexadecimal token (Litestar's always is) is masked as its bytes, half as long as masking its text: the sheet
# carries it in every row's forms. Marked by a "=" after the prefix, which base64 never starts with.
HEX_MARK = "="
CSRF_COOKIE = "csrftoken"
HEADER = "x-csrftoken"


def mask(token: str) -> str:
    prefix, raw = MASK_PREFIX, token.encode()
    if _is_hex(token):
        prefix, raw = MASK_PREFIX + HEX_MARK, bytes.fromhex(token)
    pad = secrets.token_bytes(len(raw))
    return prefix + base64.urlsafe_b64encode(pad + bytes(a ^ b for a, b in zip(raw, pad, strict=True))).decode()


def _is_hex(token: str) -> bool:
    try:
        return bool(token) and bytes.fromhex(token).hex() == token
    except ValueError:
        return False


def unmask(token: str) -> str:
    """The plain token behind a masked one; anything else unchanged (the plain cookie value still passes)."""
    if not token.startswith(MASK_PREFIX):
        return token
    body = token[len(MASK_PREFIX) :]
    hexadecimal = body.startswith(HEX_MARK)
    try:
        data = base64.urlsafe_b64decode(body[len(HEX_MARK) :] if hexadecimal else body)
        half = len(data) // 2
        plain = bytes(a ^ b for a, b in zip(data[half:], data[:half], strict=True))
        return plain.hex() if hexadecimal else plain.decode()
    except (binascii.Error, ValueError):
        return token


class MaskedCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check; templates' csrf_token() and csrf_input see a masked token, requests may send either."""

    def __init__(self, app: ASGIApp, config) -> None:
        super().__init__(app=_masking(app), config=config)

    def _csrf_tokens_match(self, request_csrf_token: str, cookie_csrf_token: str) -> bool:
        return super()._csrf_tokens_match(unmask(request_csrf_token), cookie_csrf_token)


def _masking(app: ASGIApp) -> ASGIApp:
    async def mask_for_templates(scope: Scope, receive: Receive, send: Send) -> None:
        state = ScopeState.from_scope(scope)
        if isinstance(state.csrf_token, str) and state.csrf_token:
            state.csrf_token = mask(unmask(state.csrf_token))
        await app(scope, receive, send)

    return mask_for_templates
