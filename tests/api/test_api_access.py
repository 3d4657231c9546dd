"""Who may call the API: a live key with the right scope and program list, within its rate limit."""

from __future__ import annotations

import pytest
from api_helpers import bearer, make_key
from factories import make_program

from server.api import auth


@pytest.fixture(autouse=True)
def _fresh_limiter():
    auth.limiter.reset()
    yield
    auth.limiter.reset()


async def test_request_without_key_is_refused_with_401_json(client):
    response = await client.get("/api/v1/programs")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status_code"] == 401
    assert "Bearer" in response.headers["www-authenticate"]
    assert "set-cookie" not in response.headers  # no session, no CSRF cookie for machines


@pytest.mark.parametrize("presented", ["nonsense", "gtg_00000000_abc", "Bearer"])
async def test_unknown_or_malformed_key_is_refused(client, admin, presented):
    _, key = await make_key(admin)
    response = await client.get("/api/v1/programs", headers={"Authorization": f"Bearer {presented}"})
    assert response.status_code == 401
    # The right prefix with a wrong secret is refused too.
    response = await client.get("/api/v1/programs", headers=bearer(key[:-4] + "AAAA"))
    assert response.status_code == 401


async def test_key_works_as_bearer_or_x_api_key(client, admin):
    _, key = await make_key(admin)
    response = await client.get("/api/v1/programs", headers=bearer(key))
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]  # figures are an export: no cache keeps them
    assert (await client.get("/api/v1/programs", headers={"X-API-Key": key})).status_code == 200


async def test_revoked_key_is_refused_at_once(client, admin):
    key_id, key = await make_key(admin)
    assert (await client.get("/api/v1/programs", headers=bearer(key))).status_code == 200
    await auth.keys.revoke_key(admin, key_id)
    assert (await client.get("/api/v1/programs", headers=bearer(key))).status_code == 401


async def test_key_outside_its_scope_gets_403(client, admin):
    program = await make_program()
    _, programs_only = await make_key(admin, scopes=("programs",))
    _, reports_only = await make_key(admin, scopes=("reports",))
    assert (await client.get("/api/v1/programs", headers=bearer(programs_only))).status_code == 200
    assert (await client.get("/api/v1/data-checks", headers=bearer(programs_only))).status_code == 403
    figures = f"/api/v1/programs/{program.id}/figures"
    assert (await client.get(figures, headers=bearer(programs_only))).status_code == 403
    assert (await client.get(figures, headers=bearer(reports_only))).status_code == 200
    response = await client.get("/api/v1/programs", headers=bearer(reports_only))
    assert response.status_code == 403
    assert response.json()["status_code"] == 403


async def test_key_limited_to_programs_reads_only_those(client, admin):
    mine = await make_program(title="Kelas Komputer")
    other = await make_program(title="Kelas Masak")
    _, key = await make_key(admin, programs=[mine.id])
    listed = (await client.get("/api/v1/programs", headers=bearer(key))).json()
    assert [item["id"] for item in listed["items"]] == [mine.id]
    assert (await client.get(f"/api/v1/programs/{mine.id}", headers=bearer(key))).status_code == 200
    for path in ("", "/sessions", "/figures"):
        response = await client.get(f"/api/v1/programs/{other.id}{path}", headers=bearer(key))
        assert response.status_code == 403, path


async def test_unknown_program_is_404_json(client, admin):
    _, key = await make_key(admin)
    response = await client.get("/api/v1/programs/999999", headers=bearer(key))
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


async def test_rate_limit_answers_429_with_retry_after(client, admin, monkeypatch):
    monkeypatch.setattr(auth, "REQUESTS_PER_MINUTE", 3)
    _, key = await make_key(admin)
    _, other = await make_key(admin, name="Other system")
    for _ in range(3):
        assert (await client.get("/api/v1/programs", headers=bearer(key))).status_code == 200
    response = await client.get("/api/v1/programs", headers=bearer(key))
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    # The limit is per key: another key is not held back.
    assert (await client.get("/api/v1/programs", headers=bearer(other))).status_code == 200


async def test_session_cookie_does_not_open_the_api(admin_client):
    response = await admin_client.get("/api/v1/programs")
    assert response.status_code == 401
