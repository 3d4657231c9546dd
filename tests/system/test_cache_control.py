"""No cache keeps what a signed-in staff member received, nor any export or secret-link page: Cache-Control
no-store. Public pages and public feeds keep their caching."""

from conftest import sign_in
from factories import keep_figures
from test_authorization_matrix import all_routes
from world import PASSWORD, build_world, resolve_path

# The organisation logo is a public asset like the static files (its own long caching, addressed by version).
PUBLIC_CACHING = (
    "/static/",
    "/feeds/",
    "/calendar.ics",
    "/healthz",
    "/favicon.ico",
    "/manifest.webmanifest",
    "/organisation/logo",
    "/api/schema",  # the API's docs: shapes, never data, read with no session (/api/ skips the session middleware)
)
EXPORTS = (
    "/manage/programs/prog-a/attendance.csv",
    "/manage/programs/prog-a/attendance/register",
    "/manage/programs/prog-a/report/print",
    "/surveys/{survey}/responses.csv",
    "/surveys/{survey}/codebook.csv",
    "/manage/programs/prog-a/participants/{participant}/certificate",
    "/sessions/{session}.ics",
    *(f"/reports/exports/{kind}.csv" for kind in ("programs", "sessions", "enrolments", "attendance", "surveys")),
)


def no_store(response) -> bool:
    return "no-store" in response.headers.get("cache-control", "")


async def test_every_page_and_export_a_signed_in_staff_member_gets_is_no_store(client, db):
    world = await build_world()
    await sign_in(client, "w-admin", PASSWORD)
    failures = []
    for method, pattern, _level in all_routes(client.app):
        if method != "GET" or pattern.startswith(PUBLIC_CACHING) or "calendar.ics" in pattern:
            continue
        path = await resolve_path(world, pattern)
        response = await client.get(path, follow_redirects=False)
        if not no_store(response):
            failures.append(f"{pattern} -> {response.status_code} {response.headers.get('cache-control')!r}")
    assert not failures, "\n".join(failures)


async def test_every_export_and_download_is_no_store(client, db):
    from server.attendance.tables import Attendance

    world = await build_world()
    # Present at the past session of an evaluated program: the certificate can be printed.
    await Attendance.insert(
        Attendance(session=world.ids["session"], participant=world.ids["participant"], status="present")
    ).run()
    await keep_figures(world.ids["program"])
    # A certificate is given once the program is evaluated (or the enrolment completed), not while it runs.
    from server.programs.tables import Program

    await Program.update({Program.phase: "evaluation"}).where(Program.id == world.ids["program"]).run()
    await sign_in(client, "w-admin", PASSWORD)
    ids = world.ids
    for template in EXPORTS:
        path = template.format(survey=ids["survey"], participant=ids["participant"], session=ids["session"])
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 200, (path, response.status_code)
        assert response.content, path
        assert no_store(response), (path, response.headers.get("cache-control"))


async def test_a_participants_own_data_download_is_no_store(client, db):
    world = await build_world()
    base = await resolve_path(world, "/my/{token:str}")
    for suffix in ("", "/data.csv", "/data.json"):
        response = await client.get(base + suffix)
        assert response.status_code == 200 and response.content, suffix
        assert no_store(response), suffix


async def test_public_pages_and_feeds_keep_their_caching(client, db):
    await build_world()
    for path in ("/", "/programs", "/programs/prog-b", "/calendar.ics", "/programs/prog-b/calendar.ics"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert not no_store(response), (path, response.headers.get("cache-control"))
    assert (await client.get("/calendar.ics")).headers["cache-control"] == "public, max-age=900"
