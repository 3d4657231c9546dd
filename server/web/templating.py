"""The Jinja2 environment: templates folder, gettext, and Babel-backed filters.

Pages of a few hundred rows call the filters and gettext thousands of times, so both are made cheap here: a
Babel formatting is remembered per language and arguments (`_remembered`), and gettext does not take the template
context (Jinja's own newstyle gettext does, which copies the whole context on every call inside a loop)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    pass_eval_context,
    select_autoescape,
)
from jinja2.nodes import EvalContext
from markupsafe import Markup

from server import i18n
from server.config import ROOT, SUPPORTED_LOCALES, settings
from server.organisation import services as organisation
from server.web.labels import LABELS
from server.web.routes import THEME_COLOUR
from server.web.static import static_url

# What `row.name` may mean on a plain dict besides one of its keys: its methods (`counts.items()`).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, with `row.name` on a plain dict looked up as a key first. Jinja tries the attribute
    first, and a dict has no attribute of that name, so every `row.name` of a page's rows raised and caught an
    AttributeError (a tenth of a report's rendering time); the answer is the same, the dict's methods still win."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_environment() -> Environment:
    env = _Environment(
        loader=FileSystemLoader(str(ROOT / "templates")),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        # A template is read once per worker; only development looks for edited files on every render. Compiled
        # templates are kept on disk (keyed by path and source checksum), so a new worker starts warm.
        auto_reload=settings.env == "development",
        bytecode_cache=FileSystemBytecodeCache(),
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.translations(i18n.get_locale()).gettext(message),
        ngettext=lambda singular, plural, n: i18n.translations(i18n.get_locale()).ngettext(singular, plural, n),
        newstyle=True,
    )
    # The same newstyle semantics (always %-formatted, escaped under autoescape) without the context.
    env.globals.update(gettext=_gettext, ngettext=_ngettext, _=_gettext)
    env.filters.update(
        date=_at_render(_remembered(i18n.format_date)),
        time=_at_render(_remembered(i18n.format_time)),
        datetime=_at_render(_remembered(i18n.format_datetime)),
        weekday=_at_render(_remembered(i18n.format_weekday)),
        number=_at_render(_remembered(i18n.format_number)),
        percent=_at_render(_remembered(i18n.format_percent)),
        label=_at_render(_remembered(lambda value, group: LABELS.label(group, value))),
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


@pass_eval_context
def _gettext(eval_context: EvalContext, message: str, **variables: Any) -> str:
    text = i18n.translations(i18n.get_locale()).gettext(message)
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables


@pass_eval_context
def _ngettext(eval_context: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = i18n.translations(i18n.get_locale()).ngettext(singular, plural, num)
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables


def _remembered(function: Callable[..., str]) -> Callable[..., str]:
    """A formatting remembered per language and arguments: Babel parses its locale and pattern on every call, and a
    report formats the same few hundred numbers and dates in every view. The value's type and timezone are part of
    the key (an instant in two timezones is one equal value but two texts; 1 and 1.0 are equal but formatted
    alike anyway); unhashable arguments are formatted afresh."""

    @functools.lru_cache(maxsize=8192)
    def remembered(_locale: str, _kind: str, _zone: Any, value: Any, args: tuple, options: tuple) -> str:
        return function(value, *args, **dict(options))

    @functools.wraps(function)
    def formatted(value: Any, *args: Any, **kwargs: Any) -> str:
        try:
            return remembered(
                i18n.get_locale(),
                type(value).__name__,
                getattr(value, "tzinfo", None),
                value,
                args,
                tuple(kwargs.items()),
            )
        except TypeError:
            return function(value, *args, **kwargs)

    return formatted


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
