"""Error pages: every error is a styled page in the active language, never a stack trace outside development."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from server.errors import DomainError, Forbidden, Moved, NotFound
from server.i18n import gettext as _
from server.i18n import set_locale
from server.web.identity import choose_locale
from server.web.rendering import wants_fragment

log = logging.getLogger("gotong")


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please check what you entered and try again.")),
        401: (_("Please sign in"), _("You need to sign in to see this page.")),
        403: (_("Not allowed"), _("You do not have permission to do this.")),
        404: (_("Page not found"), _("This page does not exist, or the link is no longer valid.")),
        405: (_("Not allowed"), _("This action is not available here.")),
        413: (_("Too large"), _("What you sent is too large.")),
        429: (_("Too many attempts"), _("Too many attempts in a short time. Please wait a minute and try again.")),
        500: (_("Something went wrong"), _("An unexpected error happened. It has been logged; please try again.")),
        503: (_("Unavailable"), _("The service is temporarily unavailable. Please try again shortly.")),
    }


def error_page(request: Request, status_code: int) -> Response:
    if "user" not in request.scope:
        # No route matched, so the identity middleware never chose a language for this request.
        set_locale(choose_locale(request, None))
    titles = _titles()
    title, text = titles.get(status_code, titles[500] if status_code >= 500 else titles[400])
    if _wants_plain(request):
        return Response(content=f"{title}\n", status_code=status_code, media_type=MediaType.TEXT)
    return Template(
        template_name="errors/error.html",
        context={"status_code": status_code, "title": title, "text": text},
        status_code=status_code,
        media_type=MediaType.HTML,
    )


def _wants_plain(request: Request) -> bool:
    # Calendar clients and other machines get plain text, not an HTML page.
    path = request.url.path
    return path.startswith("/static/") or path.endswith(".ics") or path.endswith(".json") or path.endswith(".csv")


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, NotAuthorizedException):
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        login_url = request.app.route_reverse("login") + "?next=" + quote(target, safe="/")
        if wants_fragment(request):
            return ClientRedirect(redirect_to=login_url)
        if request.method in ("GET", "HEAD"):
            return Redirect(path=login_url, status_code=303)
    return error_page(request, exc.status_code)


def internal_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, HTTP_500_INTERNAL_SERVER_ERROR)


def domain_error_handler(request: Request, exc: Any) -> Response:
    """A rule's refusal that no route turned into a field error: not found, forbidden, or a plain 400."""
    if isinstance(exc, Moved):
        return _moved(request, exc)
    if isinstance(exc, NotFound):
        return error_page(request, 404)
    if isinstance(exc, Forbidden):
        return error_page(request, 403)
    return error_page(request, 400)


def _moved(request: Request, exc: Any) -> Response:
    """The same page under its new name: the path segment that was the old name becomes the new one. A POST is
    repeated there (307) with its body; a page is simply found again (302, not cached: names can change again)."""
    segments = request.url.path.split("/")
    if exc.old not in segments:
        return error_page(request, 404)
    segments[segments.index(exc.old)] = quote(exc.new, safe="")
    target = "/".join(segments) + ("?" + request.url.query if request.url.query else "")
    return Redirect(path=target, status_code=302 if request.method in ("GET", "HEAD") else 307)


def exception_handlers() -> dict[Any, Any]:
    return {HTTPException: http_exception_handler, DomainError: domain_error_handler, Exception: internal_error_handler}
