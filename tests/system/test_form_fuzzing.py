"""Property-based fuzzing of every form a facilitator can reach: no 500, nothing half-saved elsewhere, and no
change to another program's data whatever the submitted fields say."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NASTY = [
    "",
    " ",
    "\x00",
    "\u202e\u0646",
    "'; DROP TABLE program; --",
    "<script>alert(1)</script>",
    "%(name)s",
    "{{ 7*7 }}",
    "NaN",
    "inf",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "2026-02-30",
    "9999-12-31T23:59",
    "on",
    "true",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩🏽‍🌾",
    "a" * 5000,
]


class FormCollector(HTMLParser):
    """Every POST form on a page: its action and the names of its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._current: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post" and attrs.get("action"):
            self._current = (attrs["action"], set())
        elif tag in ("input", "select", "textarea") and self._current is not None and attrs.get("name"):
            if attrs["name"] != "_csrf_token":
                self._current[1].add(attrs["name"])
        elif tag == "button" and self._current is not None and attrs.get("name"):
            self._current[1].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def _values(other_ids: list[str]):
    return st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(other_ids),
        st.text(max_size=40),
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
        st.dates().map(str),
    )


def _snapshot():
    """Rows of program B, which a facilitator of program A may not change."""

    async def read():
        from server.enrolment.tables import Enrolment
        from server.programs.tables import Goal, Milestone, Program, TeamMember
        from server.schedule.tables import ProgramSession

        program = await Program.select().where(Program.slug == "prog-b").first().run()
        return (
            program,
            await ProgramSession.select().where(ProgramSession.program == program["id"]).run(),
            await Enrolment.select().where(Enrolment.program == program["id"]).run(),
            await Goal.select().where(Goal.program == program["id"]).run(),
            await Milestone.select().where(Milestone.program == program["id"]).run(),
            await TeamMember.select().where(TeamMember.program == program["id"]).run(),
        )

    return read


def test_fuzzed_forms_never_fail_or_touch_another_program(db_sync):
    from litestar.testing import TestClient
    from world import PASSWORD, build_world, resolve_path

    from server.app import create_app
    from server.config import load_settings

    with TestClient(app=create_app(load_settings()), base_url="http://testserver.local") as client:
        world = client.blocking_portal.call(build_world)
        other_ids = client.blocking_portal.call(_other_ids)
        login_page = client.get("/login").text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', login_page).group(1)
        assert (
            client.post(
                "/login",
                data={"username": "w-own", "password": PASSWORD},
                headers={"x-csrftoken": token},
                follow_redirects=False,
            ).status_code
            == 303
        )
        before = client.blocking_portal.call(_snapshot())

        forms: dict[str, set[str]] = {}
        for pattern in _page_patterns(client.app):
            path = client.blocking_portal.call(resolve_path, world, pattern)
            page = client.get(path, follow_redirects=False)
            if page.status_code != 200 or "text/html" not in page.headers.get("content-type", ""):
                continue
            collector = FormCollector()
            collector.feed(page.text)
            for action, fields in collector.forms:
                if action in ("/logout", "/language"):
                    continue
                forms.setdefault(action, set()).update(fields)
        assert len(forms) >= 15, sorted(forms)

        for action, fields in sorted(forms.items()):
            _post_random_values(client, token, action, fields, other_ids)
        assert client.blocking_portal.call(_snapshot()) == before


def _post_random_values(client, token: str, action: str, fields: set[str], other_ids: list[str]) -> None:
    """Posts a few random submissions of the form at `action` (its own fields and some it does not have)."""
    names = [*sorted(fields), "id", "program_id", "participant_id", "unexpected"]

    @settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(names), _values(other_ids), max_size=len(names)), st.booleans())
    def post_random(values, as_htmx):
        headers = {"x-csrftoken": token}
        if as_htmx:
            headers["HX-Request"] = "true"
        response = client.post(action, data=values, headers=headers, follow_redirects=False)
        assert response.status_code < 500, (action, values, response.status_code)
        assert "Traceback" not in response.text

    post_random()


async def _other_ids() -> list[str]:
    from server.enrolment.tables import Enrolment
    from server.programs.tables import Program
    from server.schedule.tables import ProgramSession

    program = await Program.select(Program.id).where(Program.slug == "prog-b").first().run()
    ids = [program["id"]]
    ids += [
        row["id"]
        for row in await ProgramSession.select(ProgramSession.id).where(ProgramSession.program == program["id"]).run()
    ]
    ids += [
        row["id"]
        for row in await Enrolment.select(Enrolment.id, Enrolment.participant)
        .where(Enrolment.program == program["id"])
        .run()
    ]
    return [str(value) for value in ids] or ["1"]


def _page_patterns(app) -> list[str]:
    from server.web.access import access_level

    patterns = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if (
                "GET" in handler.http_methods
                and access_level(handler) in ("staff", "token", "public")
                and (not route.path.endswith((".csv", ".json", ".ics", "}")) or route.path.endswith("_id:int}"))
            ):
                patterns.append(route.path)
    return sorted(set(patterns))
