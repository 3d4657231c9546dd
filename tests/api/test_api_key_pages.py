"""The admins' API key pages: the key shown once and stored as a hash, revocation with confirmation, the audit log."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from api_helpers import bearer, make_key
from conftest import post_form

from server import clock
from server.api import auth, keys
from server.api.tables import ApiKey
from server.audit import AuditEvent

KEY_RE = re.compile(r"gtg_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}")


@pytest.fixture(autouse=True)
def _fresh_limiter():
    auth.limiter.reset()


async def _audit(action: str) -> list[dict]:
    return await AuditEvent.select().where((AuditEvent.action == action) & (AuditEvent.subject_type == "api_key")).run()


async def test_created_key_is_shown_once_and_stored_only_as_a_hash(admin_client):
    response = await post_form(admin_client, "/admin/api-keys/", {"name": "Dinas Sosial", "scopes": ["reports"]})
    assert response.status_code == 201
    key = KEY_RE.search(response.text).group(0)
    assert "no-store" in response.headers["cache-control"]
    row = await ApiKey.select().first().run()
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(row) and key[-20:] not in str(row)
    listing = await admin_client.get("/admin/api-keys/")
    assert "Dinas Sosial" in listing.text
    assert key not in listing.text and key[-20:] not in listing.text
    events = await _audit("create")
    assert len(events) == 1 and "Dinas Sosial" in events[0]["summary"] and key not in str(events[0])


async def test_key_needs_a_name_and_a_scope(admin_client):
    response = await post_form(admin_client, "/admin/api-keys/", {"name": "", "scopes": []})
    assert response.status_code == 400
    assert await ApiKey.count().run() == 0


async def test_key_limited_to_chosen_programs(admin_client):
    from factories import make_program

    program = await make_program(title="Kelas Tani")
    response = await post_form(
        admin_client, "/admin/api-keys/", {"name": "Mitra", "scopes": ["programs"], "programs": [str(program.id)]}
    )
    assert response.status_code == 201
    listing = await admin_client.get("/admin/api-keys/")
    assert "Kelas Tani" in listing.text
    assert (await keys.list_keys())[0]["program_ids"] == [program.id]


async def test_revoking_asks_for_confirmation_then_stops_the_key(admin_client, admin):
    key_id, key = await make_key(admin)
    confirm = await admin_client.get(f"/admin/api-keys/{key_id}/revoke")
    assert confirm.status_code == 200 and "Funder dashboard" in confirm.text
    assert (await ApiKey.select(ApiKey.revoked_at).first().run())["revoked_at"] is None
    response = await post_form(admin_client, f"/admin/api-keys/{key_id}/revoke")
    assert response.status_code in (302, 303)
    assert (await admin_client.get("/api/v1/programs", headers=bearer(key))).status_code == 401
    assert len(await _audit("revoke")) == 1
    listing = await admin_client.get("/admin/api-keys/")
    assert f'href="/admin/api-keys/{key_id}/revoke"' not in listing.text


async def test_key_pages_are_for_admins_only(organizer_client):
    assert (await organizer_client.get("/admin/api-keys/")).status_code == 403


async def test_key_use_is_audited_at_most_once_an_hour_and_listed(client, admin):
    key_id, key = await make_key(admin)
    start = clock.now()
    with clock.frozen(start):
        for _ in range(3):
            assert (await client.get("/api/v1/programs", headers=bearer(key))).status_code == 200
    assert len(await _audit("use")) == 1
    with clock.frozen(start + timedelta(minutes=59)):
        await client.get("/api/v1/programs", headers=bearer(key))
    assert len(await _audit("use")) == 1
    with clock.frozen(start + timedelta(minutes=61)):
        await client.get("/api/v1/programs", headers=bearer(key))
    assert len(await _audit("use")) == 2
    row = await ApiKey.select(ApiKey.last_used_at).where(ApiKey.id == key_id).first().run()
    assert row["last_used_at"] == start + timedelta(minutes=61)


async def test_audit_log_shows_key_events(admin_client, admin):
    key_id, _key = await make_key(admin, name="Sistem Dinas")
    await keys.revoke_key(admin, key_id)
    page = await admin_client.get("/admin/audit")
    assert page.status_code == 200
    assert "API key Sistem Dinas revoked" in page.text
