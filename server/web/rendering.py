"""The one way to answer with HTML: the whole page, or one named block of it for an htmx request."""

from __future__ import annotations

from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import MediaType, Request
from litestar.plugins.flash import flash
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from server import clock


def wants_fragment(request: Request) -> bool:
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    # A boosted request navigates to a whole page; only targeted htmx requests get a block.
    return not htmx.boosted


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
) -> Template:
    # The organisation's timezone of this request (its settings page may have changed it): dates without a program.
    context = {"default_timezone": clock.organisation_timezone(), **(context or {})}
    if block and wants_fragment(request):
        return HTMXBlockTemplate(
            template_name=template,
            block_name=block,
            context=context,
            status_code=status_code,
            media_type=MediaType.HTML,
        )
    return Template(template_name=template, context=context, status_code=status_code, media_type=MediaType.HTML)


def redirect(request: Request, url: str, message: str | None = None, category: str = "success") -> Any:
    """After a successful POST: a flash message, then the page to go to (HX-Redirect for htmx)."""
    if message:
        flash(request, message, category)
    if wants_fragment(request):
        response = ClientRedirect(redirect_to=url)
        response.status_code = 200  # a POST handler would otherwise answer 201, which htmx ignores
        return response
    return Redirect(path=url, status_code=303)
