"""The Jinja2 environment: templates folder, gettext, and Babel-backed filters."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape

from server import i18n
from server.config import ROOT, SUPPORTED_LOCALES, settings
from server.organisation import services as organisation
from server.web.labels import LABELS
from server.web.routes import THEME_COLOUR
from server.web.static import static_url


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(ROOT / "templates")),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.translations(i18n.get_locale()).gettext(message),
        ngettext=lambda singular, plural, n: i18n.translations(i18n.get_locale()).ngettext(singular, plural, n),
        newstyle=True,
    )
    env.filters.update(
        date=_at_render(i18n.format_date),
        time=_at_render(i18n.format_time),
        datetime=_at_render(i18n.format_datetime),
        weekday=_at_render(i18n.format_weekday),
        number=_at_render(i18n.format_number),
        percent=_at_render(i18n.format_percent),
        label=_at_render(lambda value, group: LABELS.label(group, value)),
    )
    env.globals.update(
        current_locale=i18n.get_locale,
        supported_locales=SUPPORTED_LOCALES,
        language_names=i18n.LANGUAGE_NAMES,
        choices=LABELS.choices,
        default_timezone=settings.default_timezone,
        base_url=settings.base_url,
        theme_colour=THEME_COLOUR,
    )
    env.globals.update(organisation=organisation.current)
    env.globals.update(viewer=viewer, flashes=flashes, phase_index=_phase_index, static_url=static_url)
    # Macros are a global module rather than per-template imports, so that a block rendered
    # alone for htmx sees them too.
    env.globals["ui"] = env.get_template("_macros/forms.html").module
    return env


def _at_render(function: Callable[..., str]) -> Callable[..., str]:
    """A filter whose answer depends on the request's language. Jinja folds a filter over a constant
    (`"sessions" | label("export_kind")`) into the compiled template, in the language of whichever request
    compiled it first; a filter that takes the context is never folded."""

    @pass_context
    @functools.wraps(function)
    def at_render(_context: Any, *args: Any, **kwargs: Any) -> str:
        return function(*args, **kwargs)

    return at_render


@pass_context
def viewer(context: Any) -> Any:
    """The signed-in staff member, or None (also on pages served outside the session middleware)."""
    return context["request"].scope.get("user")


@pass_context
def flashes(context: Any) -> list[dict[str, str]]:
    scope = context["request"].scope
    session = scope.get("session")
    if not isinstance(session, dict):
        return []
    return session.pop("_messages", [])


def _phase_index(phase: str) -> int:
    """Where a phase stands in the intervention cycle, for the phase bar: the "phase" labels are registered in
    the cycle's order (server/web/labels.py), so the web layer needs nothing from the programs feature."""
    order = [value for value, _label in LABELS.choices("phase")]
    return order.index(phase) if phase in order else 0
