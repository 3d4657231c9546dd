"""Every registered route, requested as each kind of user: the declared access holds, and confidential data
never reaches a response for someone who may not see it."""

import pytest
from conftest import csrf_token
from world import (
    OTHER_PARTICIPANT,
    OWN_PARTICIPANT,
    PASSWORD,
    SECRET_NOTE,
    SECRET_PHONE,
    SECRET_TITLE,
    build_world,
    resolve_path,
)

ACTORS = ("anonymous", "w-other", "w-own", "w-organizer", "w-admin", "w-gone")
RANK = {"anonymous": 0, "w-gone": 0, "w-other": 1, "w-own": 1, "w-organizer": 2, "w-admin": 3}
NEEDED = {"staff": 1, "organizer": 2, "admin": 3}
# Path parameters that point into program A: someone outside its team must be refused.
SCOPED = ("{slug", "{session_id", "{participant_id", "{survey_id", "{enrolment_id", "{question_id")
LAST = ("/logout",)
# Contact details and notes: only the person's program teams and admins (an organizer outside the team is refused).
CONFIDENTIAL = ("/participants/{participant_id:int}/edit", "/participants/{participant_id:int}/about")


def all_routes(app):
    from server.web.access import access_level

    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.handler_name == "options_handler":
                continue
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((method, route.path, access_level(handler)))
    return sorted(found, key=lambda item: item[1] in LAST)


# The read API answers to an API key (Authorization: Bearer / X-API-Key), never to a session: every actor here,
# signed in or not, gets 401. Keys, scopes and program lists are tested in tests/api/.
API = "/api/v1/"


def expected(actor: str, path: str, level: str) -> str:
    if path.startswith(API):
        return "key"
    if level in ("public", "token"):
        return "open"
    if actor in ("anonymous", "w-gone"):
        return "login"
    if RANK[actor] < NEEDED[level]:
        return "deny"
    if actor == "w-other" and any(marker in path for marker in SCOPED):
        return "deny"
    if actor == "w-organizer" and path in CONFIDENTIAL:
        return "deny"
    return "allow"


def forbidden_text(actor: str, path: str) -> list[str]:
    """What this actor must never see in any response."""
    if path.startswith(("/my/", "/feeds/", "/s/")):
        # Secret links speak to their owner, participant A, whoever holds them: their own contact details
        # are theirs to see; the discreet title and other people are not.
        return [SECRET_TITLE, OTHER_PARTICIPANT, SECRET_NOTE]
    never = []
    if actor not in ("w-own", "w-organizer", "w-admin"):
        never.append(SECRET_TITLE)
    if actor not in ("w-own", "w-admin"):
        never += [SECRET_PHONE, SECRET_NOTE]
    if actor in ("anonymous", "w-gone", "w-other"):
        never.append(OWN_PARTICIPANT if not path.startswith("/my/") else OTHER_PARTICIPANT)
    if path.startswith(("/my/", "/s/", "/feeds/", "/programs", "/calendar")) or path == "/":
        never.append(OTHER_PARTICIPANT)
    return never


@pytest.mark.parametrize("actor", ACTORS)
async def test_every_route_answers_as_declared(client, actor, db):
    from server.app import create_app  # noqa: F401  (the client's app)
    from server.people.staff import update_staff

    world = await build_world()
    app = client.app

    async def sign_in_again():
        if actor in ("anonymous", "w-gone"):
            return
        token = await csrf_token(client)
        response = await client.post(
            "/login",
            data={"username": actor, "password": PASSWORD},
            headers={"x-csrftoken": token},
            follow_redirects=False,
        )
        assert response.status_code == 303, (actor, response.status_code)

    if actor == "w-gone":
        token = await csrf_token(client)
        await client.post("/login", data={"username": actor, "password": PASSWORD}, headers={"x-csrftoken": token})
        admin = world.staff["w-admin"]
        await update_staff(world.staff["w-gone"].id, actor=admin, role="facilitator", active=False, display_name="gone")

    failures = []
    for method, pattern, level in all_routes(app):
        path = await resolve_path(world, pattern)
        if method == "GET":
            response = await client.get(path, follow_redirects=False)
        else:
            token = await csrf_token(client)
            response = await client.request(
                method, path, data={}, headers={"x-csrftoken": token}, follow_redirects=False
            )
        status = response.status_code
        want = expected(actor, pattern, level)
        login = (status in (303, 302) and response.headers.get("location", "").startswith("/login")) or status == 401
        ok = (
            status < 500
            and {
                "open": status not in (401, 403) or pattern.startswith("/logout"),
                "login": login,
                "deny": status in (403, 404),
                "allow": status not in (401, 403) and not login,
                "key": status == 401,
            }[want]
        )
        if not ok:
            failures.append(f"{actor} {method} {pattern} -> {status}, expected {want}")
        body = response.text
        for secret in forbidden_text(actor, path):
            if secret in body:
                failures.append(f"{actor} {method} {pattern} leaks {secret!r}")
        if pattern in LAST or (pattern == "/login" and method == "POST"):
            await sign_in_again()
    assert not failures, "\n".join(failures)


async def test_secret_links_with_unknown_tokens_are_plain_404(client, db):
    await build_world()
    from server.app import create_app  # noqa: F401

    for method, pattern, level in all_routes(client.app):
        if level != "token" or pattern.startswith(API):
            continue
        path = pattern
        for name in ("{token:str}", "{invite_token:str}"):
            path = path.replace(name, "x" * 43)
        for name, value in (("{program_id:int}", "1"), ("{session_id:int}", "1"), ("{purpose:str}", "contact")):
            path = path.replace(name, value)
        if method == "GET":
            response = await client.get(path, follow_redirects=False)
        else:
            response = await client.request(
                method, path, data={}, headers={"x-csrftoken": await csrf_token(client)}, follow_redirects=False
            )
        assert response.status_code == 404, (method, path, response.status_code)


async def test_the_password_reset_and_digest_routes_are_covered_with_their_levels(app):
    declared = {(method, path): level for method, path, level in all_routes(app)}
    assert declared[("GET", "/password/forgot")] == declared[("POST", "/password/forgot")] == "public"
    assert declared[("GET", "/password/reset/{token:str}")] == "token"
    assert declared[("POST", "/password/reset/{token:str}")] == "token"
    assert declared[("POST", "/account/digest")] == "staff"


async def test_the_xlsform_routes_are_covered_with_their_levels(app):
    declared = {(method, path): level for method, path, level in all_routes(app)}
    assert declared[("GET", "/surveys/import")] == declared[("POST", "/surveys/import")] == "staff"
    assert declared[("GET", "/surveys/{survey_id:int}/xlsform.xlsx")] == "staff"
    assert declared[("GET", "/surveys/{survey_id:int}/responses-kobo.csv")] == "staff"
