"""url_for in templates (server/web/urls.py) gives exactly Litestar's route_reverse, found once per route name and
set of parameters, and refuses what route_reverse refuses."""

from datetime import date

import pytest
from litestar.exceptions import NoRouteMatchFoundException

from server.web.urls import paths_of

CASES = [
    ("home", {}),
    ("dashboard", {}),
    ("organisation_dashboard", {}),
    ("program_attendance", {"slug": "kelas-menjahit"}),
    ("session_detail", {"slug": "kelas-menjahit", "session_id": 42}),
    ("attendance_sheet", {"slug": "kelas-menjahit", "session_id": 7}),
    ("case_detail", {"case_id": 3}),
]


async def test_paths_equal_route_reverse_for_every_call(app):
    paths = paths_of(app)
    for _round in range(2):  # the second round reads the kept parts
        for name, parameters in CASES:
            assert paths.path(name, parameters) == app.route_reverse(name, **parameters)
    # Other values through the same kept parts.
    assert paths.path("session_detail", {"slug": "lain", "session_id": 9}) == app.route_reverse(
        "session_detail", slug="lain", session_id=9
    )
    assert paths_of(app) is paths


async def test_wrong_types_and_unknown_names_are_refused_as_route_reverse_does(app):
    paths = paths_of(app)
    paths.path("session_detail", {"slug": "x", "session_id": 1})
    with pytest.raises(NoRouteMatchFoundException):
        paths.path("session_detail", {"slug": "x", "session_id": "1"})
    with pytest.raises(NoRouteMatchFoundException):
        app.route_reverse("session_detail", slug="x", session_id="1")
    with pytest.raises(NoRouteMatchFoundException):
        paths.path("no_such_route", {})
    with pytest.raises(NoRouteMatchFoundException):
        paths.path("case_detail", {"case_id": date(2026, 1, 1)})
