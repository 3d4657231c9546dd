"""Paths of named routes for templates (`url_for`), without Litestar's search of its routes on every call.

`Litestar.route_reverse` looks the route up by name, sorts its paths and checks every parameter each time: about
twenty microseconds, and a page of rows calls it a hundred times or more. The route chosen depends only on the
name and on which parameters are given, so it is found once (by the same rules) and kept; each call then only
checks the values' types and joins the parts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from jinja2 import pass_context
from litestar import Litestar
from litestar.exceptions import NoRouteMatchFoundException
from litestar.types.internal_types import PathParameterDefinition
from litestar.utils.path import join_paths

# Parameter types Litestar also accepts as text (route_reverse's rule).
_TEXT_ALLOWED = (datetime, date, time, timedelta, float, Path, UUID)
# A route's parts: text as is, or (name, type) of a parameter.
Parts = tuple[str | tuple[str, type], ...]


class RoutePaths:
    """The routes of one app, by name and given parameters."""

    def __init__(self, app: Litestar) -> None:
        self.app = app
        self.parts: dict[tuple[str, frozenset[str]], Parts] = {}

    def path(self, name: str, parameters: Mapping[str, Any]) -> str:
        key = (name, frozenset(parameters))
        parts = self.parts.get(key)
        if parts is None:
            parts = self.parts[key] = self._parts(name, key[1])
        output = []
        for part in parts:
            if isinstance(part, str):
                output.append(part)
                continue
            value = parameters.get(part[0])
            if not isinstance(value, part[1]) and not (part[1] in _TEXT_ALLOWED and isinstance(value, str)):
                raise NoRouteMatchFoundException(
                    f"Received type for path parameter {part[0]} doesn't match declared type {part[1]}"
                )
            output.append(str(value))
        return join_paths(output)

    def _parts(self, name: str, given: frozenset[str]) -> Parts:
        index = self.app.get_handler_index_by_name(name)
        if index is None:
            raise NoRouteMatchFoundException(f"Route {name} can not be found")
        # As route_reverse: the route with the most parameters that the given ones cover, else the one with fewest.
        routes = sorted(
            self.app.asgi_router.route_mapping[index["identifier"]],
            key=lambda route: len(route.path_parameters),
            reverse=True,
        )
        chosen = next((route for route in routes if given.issuperset(route.path_parameters)), routes[-1])
        return tuple(
            (part.name, part.type) if isinstance(part, PathParameterDefinition) else part
            for part in chosen.path_components
        )


STATE_KEY = "route_paths"


def paths_of(app: Litestar) -> RoutePaths:
    """The app's RoutePaths, kept in its state (one per app: tests build many)."""
    found = app.state.get(STATE_KEY)
    if found is None:
        found = RoutePaths(app)
        app.state[STATE_KEY] = found
    return found


@pass_context
def url_for(context: Mapping[str, Any], route_name: str, /, **parameters: Any) -> str:
    """The template global: the path of a named route, its parameters filled in."""
    return paths_of(context["request"].app).path(route_name, parameters)
