"""Milestones stay editable after creation: an edit form with field errors, an audit entry naming what changed,
nothing saved when refused."""

import datetime

from conftest import post_form
from factories import make_program

from server.audit import AuditEvent
from server.programs.tables import Milestone, Program


async def _project_with_milestone(**program_values):
    program = await make_program(slug="air", kind="community_project", **program_values)
    milestone = Milestone(
        program=program.id, title="Survei sumber air", status="planned", due_on=datetime.date(2026, 12, 20)
    )
    await milestone.save().run()
    return program, milestone


async def _stored(milestone) -> dict:
    return await Milestone.select().where(Milestone.id == milestone.id).first().run()


def _url(milestone) -> str:
    return f"/manage/programs/air/milestones/{milestone.id}/edit"


async def test_milestone_edit_form_shows_its_values_and_the_list_links_to_it(organizer_client):
    _, milestone = await _project_with_milestone()
    listing = await organizer_client.get("/manage/programs/air/milestones")
    assert f'href="{_url(milestone)}"' in listing.text
    page = await organizer_client.get(_url(milestone))
    assert page.status_code == 200
    assert 'value="Survei sumber air"' in page.text and 'value="2026-12-20"' in page.text


async def test_editing_a_milestone_saves_it_and_audits_the_changed_fields(organizer_client, organizer):
    _, milestone = await _project_with_milestone()
    values = {"title": "Survei tiga sumber air", "due_on": "2027-01-10", "owner": "Pak RW", "status": "in_progress"}
    response = await post_form(organizer_client, _url(milestone), values)
    assert response.status_code == 303 and response.headers["location"] == "/manage/programs/air/milestones"
    saved = await _stored(milestone)
    assert (saved["title"], saved["due_on"], saved["owner"], saved["status"]) == (
        "Survei tiga sumber air",
        datetime.date(2027, 1, 10),
        "Pak RW",
        "in_progress",
    )
    event = await AuditEvent.select().where(AuditEvent.subject_type == "milestone").first().run()
    assert (event["actor"], event["action"], event["subject_id"]) == (organizer.id, "update", milestone.id)
    assert event["summary"] == "changed: title, due_on, owner, status"
    assert "Survei" not in event["summary"]  # the values (free text) stay out of the log


async def test_bad_milestone_input_gets_field_errors_and_changes_nothing(organizer_client):
    _, milestone = await _project_with_milestone()
    before = await _stored(milestone)
    response = await post_form(
        organizer_client, _url(milestone), {"title": "", "due_on": "31/12/2026", "status": "exploded"}
    )
    assert response.status_code == 400
    assert response.text.count('aria-invalid="true"') == 3  # every error reported in one round
    assert "This field is required." in response.text
    assert await _stored(milestone) == before
    assert await AuditEvent.count().where(AuditEvent.subject_type == "milestone").run() == 0


async def test_htmx_edit_with_errors_answers_only_the_form(organizer_client):
    _, milestone = await _project_with_milestone()
    response = await post_form(organizer_client, _url(milestone), {"title": "", "status": "planned"}, htmx=True)
    assert response.status_code == 400 and "<html" not in response.text and 'id="milestone-edit-form"' in response.text


async def test_milestone_of_a_closed_program_cannot_be_edited(organizer_client):
    program, milestone = await _project_with_milestone()
    await Program.update({Program.phase: "closed"}).where(Program.id == program.id).run()
    response = await post_form(organizer_client, _url(milestone), {"title": "Baru", "status": "done"})
    assert response.status_code == 409 and "closed" in response.text
    assert (await _stored(milestone))["title"] == "Survei sumber air"


async def test_another_programs_milestone_is_not_found(organizer_client):
    _, milestone = await _project_with_milestone()
    await make_program(slug="lain", kind="community_project")
    url = f"/manage/programs/lain/milestones/{milestone.id}/edit"
    assert (await organizer_client.get(url)).status_code == 404
    assert (await post_form(organizer_client, url, {"title": "X", "status": "done"})).status_code == 404
    assert (await _stored(milestone))["title"] == "Survei sumber air"
