"""The admins' organisation settings page: who may use it, validation with field errors, the logo, and the stored
values winning over the server's defaults."""

from __future__ import annotations

from conftest import csrf_token, post_form, sign_in

from server.attendance.rates import Rate
from server.audit import AuditEvent
from server.organisation import services as organisation
from server.organisation.tables import OrganisationSettings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64

VALID = {
    "name": "Yayasan Sehat Bersama",
    "short_name": "YSB",
    "email": "halo@ysb.example.org",
    "phone": "+62 21 555 0101",
    "address": "Jl. Melati 3, Jakarta",
    "default_locale": "en",
    "default_timezone": "Asia/Makassar",
    "absence_warning_streak": "3",
    "offer_hours": "36",
}


async def _post_multipart(client, data: dict, logo: bytes | None = None, filename: str = "logo.png"):
    token = await csrf_token(client)
    files = (
        {"logo": (filename, logo, "image/png")} if logo is not None else {"logo": ("", b"", "application/octet-stream")}
    )
    return await client.post(
        "/admin/organisation", data=data, files=files, headers={"x-csrftoken": token}, follow_redirects=False
    )


async def test_only_admins_open_or_change_the_organisation_settings(client, organizer, facilitator):
    for username in ("organizer1", "facil1"):
        await sign_in(client, username)
        assert (await client.get("/admin/organisation")).status_code == 403
        assert (await post_form(client, "/admin/organisation", VALID)).status_code == 403
        await post_form(client, "/logout")
    assert await OrganisationSettings.count().run() == 0


async def test_admin_saves_settings_shown_in_the_header_and_audited(admin_client):
    response = await _post_multipart(admin_client, VALID)
    assert response.status_code == 303
    row = await OrganisationSettings.select().first().run()
    assert row["name"] == "Yayasan Sehat Bersama"
    assert row["absence_warning_streak"] == 3 and row["offer_hours"] == 36
    page = await admin_client.get("/admin/organisation")
    assert 'class="brand"' in page.text and "<strong>YSB</strong>" in page.text
    assert 'value="Yayasan Sehat Bersama"' in page.text
    event = await AuditEvent.select().where(AuditEvent.subject_type == "organisation").first().run()
    assert event is not None and "name" in event["summary"] and event["actor"] is not None


async def test_bad_logo_is_a_field_error_and_nothing_is_saved(admin_client):
    response = await _post_multipart(admin_client, VALID, GIF, "logo.gif")
    assert response.status_code == 400
    assert 'id="f-logo-error"' in response.text and "PNG or JPEG" in response.text
    assert await OrganisationSettings.count().run() == 0


async def test_too_large_logo_is_refused(admin_client, settings):
    big = PNG + b"\x00" * settings.logo_max_bytes
    response = await _post_multipart(admin_client, VALID, big)
    assert response.status_code == 400
    assert 'id="f-logo-error"' in response.text
    assert await OrganisationSettings.count().run() == 0


async def test_invalid_values_are_field_errors_in_one_round(admin_client):
    data = {**VALID, "absence_warning_streak": "0", "default_timezone": "Mars/Olympus", "email": "not-an-address"}
    response = await _post_multipart(admin_client, data)
    assert response.status_code == 400
    for field in ("absence_warning_streak", "default_timezone", "email"):
        assert f'id="f-{field}-error"' in response.text
    assert await OrganisationSettings.count().run() == 0


async def test_logo_is_served_at_a_fixed_address_with_long_caching(admin_client, client):
    assert (await client.get("/organisation/logo")).status_code == 404
    assert (await _post_multipart(admin_client, VALID, PNG)).status_code == 303
    logo = await client.get("/organisation/logo")
    assert logo.status_code == 200
    assert logo.headers["content-type"] == "image/png"
    assert logo.content == PNG
    assert "max-age=31536000" in logo.headers["cache-control"]
    page = await admin_client.get("/admin/organisation")
    assert "/organisation/logo?v=1" in page.text
    again = await client.get("/organisation/logo", headers={"if-none-match": logo.headers["etag"]})
    assert again.status_code == 304


async def test_removing_the_logo(admin_client):
    await _post_multipart(admin_client, VALID, PNG)
    response = await _post_multipart(admin_client, {**VALID, "remove_logo": "on"})
    assert response.status_code == 303
    assert (await admin_client.get("/organisation/logo")).status_code == 404


async def test_stored_warning_threshold_wins_over_the_server_setting(admin, settings):
    assert settings.absence_warning_streak == 2
    await organisation.load()
    assert Rate(streak=2).warning
    await organisation.save_organisation(admin, {"absence_warning_streak": 3})
    assert not Rate(streak=2).warning
    assert Rate(streak=3).warning
    await organisation.save_organisation(admin, {"absence_warning_streak": None})
    assert organisation.current().absence_warning_streak == settings.absence_warning_streak


async def test_default_language_applies_to_visitors_without_a_preference(admin, client):
    page = await client.get("/login", headers={"accept-language": ""})
    assert 'lang="id"' in page.text
    await organisation.save_organisation(admin, {"default_locale": "en"})
    page = await client.get("/login", headers={"accept-language": ""})
    assert '<html lang="en">' in page.text


async def test_the_organisations_timezone_decides_its_today_and_report_periods(admin_client):
    from datetime import UTC, date, datetime

    from server import clock
    from server.reports.periods import Period

    # 15:00 UTC on 30 November is already 1 December in Kiritimati (UTC+14), still 30 November in Jakarta.
    at = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert clock.organisation_today(at) == date(2026, 11, 30)
    response = await _post_multipart(admin_client, {**VALID, "default_timezone": "Pacific/Kiritimati"})
    assert response.status_code == 303
    await organisation.load()  # what every request does first
    assert clock.organisation_timezone() == "Pacific/Kiritimati"
    assert clock.organisation_today(at) == date(2026, 12, 1)
    # A report period starts at the organisation's local midnight.
    assert Period(date(2026, 12, 1), date(2026, 12, 1)).start == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    await (
        OrganisationSettings.update({OrganisationSettings.default_timezone: ""})
        .where(OrganisationSettings.id > 0)
        .run()
    )
    await organisation.load()
    assert clock.organisation_timezone() == "Asia/Jakarta"
