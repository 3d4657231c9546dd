"""The waitlist offer window: the organisation's default for programs that set none, and each program's own value
on its form (empty: follow the default, 0: enrol at once)."""

from __future__ import annotations

import json

from conftest import post_form

from server.enrolment import waitlist
from server.organisation import services as organisation
from server.programs.tables import Program

PROGRAM_FORM = {
    "title": "Kelas Menjahit Dasar",
    "slug": "kelas-menjahit",
    "kind": "skill_workshop",
    "visibility": "public",
    "timezone": "Asia/Jakarta",
    "enrolment_mode": "open",
    "capacity": "15",
    "completion_threshold": "75",
}


async def _details(slug: str) -> dict:
    row = await Program.select(Program.details).where(Program.slug == slug).first().run()
    details = row["details"]
    return json.loads(details) if isinstance(details, str) else details


async def test_program_without_its_own_window_follows_the_organisation_default(admin):
    await organisation.load()
    assert waitlist.offer_hours({"details": {}}) is None
    await organisation.save_organisation(admin, {"offer_hours": 36})
    assert waitlist.offer_hours({"details": {}}) == 36
    assert waitlist.offer_hours({"details": {"offer_hours": 12}}) == 12
    # A program's 0 enrols the first person waiting at once, whatever the default.
    assert waitlist.offer_hours({"details": {"offer_hours": 0}}) is None


async def test_program_form_sets_and_clears_its_own_offer_window(organizer_client):
    response = await post_form(organizer_client, "/manage/programs/new", {**PROGRAM_FORM, "offer_hours": "48"})
    assert response.status_code == 303
    assert (await _details("kelas-menjahit"))["offer_hours"] == 48
    page = await organizer_client.get("/manage/programs/kelas-menjahit/edit")
    assert 'name="offer_hours" type="number" value="48"' in page.text
    response = await post_form(
        organizer_client, "/manage/programs/kelas-menjahit/edit", {**PROGRAM_FORM, "offer_hours": "0"}
    )
    assert response.status_code == 303
    assert (await _details("kelas-menjahit"))["offer_hours"] == 0
    response = await post_form(
        organizer_client, "/manage/programs/kelas-menjahit/edit", {**PROGRAM_FORM, "offer_hours": ""}
    )
    assert response.status_code == 303
    assert "offer_hours" not in await _details("kelas-menjahit")


async def test_program_offer_window_out_of_range_is_a_field_error(organizer_client):
    response = await post_form(organizer_client, "/manage/programs/new", {**PROGRAM_FORM, "offer_hours": "9999"})
    assert response.status_code == 400
    assert 'id="f-offer_hours-error"' in response.text
