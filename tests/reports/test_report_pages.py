"""The evaluation report through the client: the page, its print view, the written evaluation and who may see it."""

from datetime import UTC, datetime

import pytest
from conftest import post_form, sign_in
from report_helpers import workshop_fixture


@pytest.fixture
async def workshop(db):
    return await workshop_fixture(now=datetime.now(UTC))


@pytest.fixture
async def team_client(client, facilitator, workshop):
    from server.programs.tables import TeamMember

    await TeamMember.insert(TeamMember(program=workshop.program.id, staff=facilitator.id, role="lead")).run()
    await sign_in(client, facilitator.username)
    return client


def _text(html: str) -> str:
    """The page's text with tags removed and spaces collapsed, to look for figures as a reader sees them."""
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_report_page_shows_the_hand_computed_figures(team_client, workshop):
    response = await team_client.get("/manage/programs/menjahit/report")
    assert response.status_code == 200
    text = _text(response.text)
    assert "Evaluation report" in text
    assert "Planned (not cancelled, including future sessions) 5" in text
    assert "Held 3" in text and "Cancelled 2" in text
    assert "Took part (enrolled at some time) 6" in text
    assert "Retained (still enrolled or completed) 5 (83%)" in text
    assert "Withdrew after joining 1" in text
    assert "Overall attendance rate: 57%" in text
    assert "1 / 3 goals reached" in text
    assert 'role="img"' in response.text and "<svg" in response.text
    assert "/static/reports." in response.text


async def test_report_shows_no_participant_names(team_client, workshop):
    response = await team_client.get("/manage/programs/menjahit/report")
    for name in ("Budi", "Citra", "Hadi", "Fitri", "Gita"):
        assert name not in response.text
    assert "1 person's data was erased on request" in _text(response.text)


@pytest.mark.parametrize("url", ["/manage/programs/menjahit/report/print", "/manage/programs/menjahit/report?print=1"])
async def test_print_view_renders_the_figures_with_print_css(team_client, workshop, url):
    response = await team_client.get(url)
    assert response.status_code == 200
    assert '<link rel="stylesheet" href="/static/print.' in response.text
    assert 'id="evaluation-form"' not in response.text
    text = _text(response.text)
    assert "Held 3" in text and "Overall attendance rate: 57%" in text
    assert "Kelas Menjahit" in text


async def test_print_view_of_a_discreet_program_carries_its_public_title(client, organizer, db):
    from datetime import datetime

    await workshop_fixture(
        now=datetime.now(UTC),
        slug="rahasia",
        title="Kelompok Dukungan ODHIV",
        public_title="Kelompok Kamis",
        discreet=True,
    )
    await sign_in(client, organizer.username)
    response = await client.get("/manage/programs/rahasia/report/print")
    assert response.status_code == 200
    assert '<p class="rc-print-title"><strong>Kelompok Kamis</strong></p>' in response.text
    header = response.text.split('<article class="rc-print">', 1)[1]
    assert "ODHIV" not in header


async def test_saving_the_evaluation_keeps_its_date_and_earlier_versions(team_client, workshop, facilitator):
    response = await post_form(
        team_client, "/manage/programs/menjahit/report/evaluation", {"text": "Peserta puas.\nPerlu ruang lebih besar."}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/programs/menjahit/report#evaluation"
    await post_form(team_client, "/manage/programs/menjahit/report/evaluation", {"text": "Versi revisi."})
    page = await team_client.get("/manage/programs/menjahit/report")
    text = _text(page.text)
    assert "Versi revisi." in text
    assert f"Written by {facilitator.display_name} on" in text
    assert "1 earlier version" in text and "Perlu ruang lebih besar." in page.text
    printed = await team_client.get("/manage/programs/menjahit/report/print")
    assert "Versi revisi." in printed.text and "Perlu ruang lebih besar." not in printed.text


async def test_an_empty_evaluation_answers_400_with_the_field_error(team_client, workshop):
    response = await post_form(team_client, "/manage/programs/menjahit/report/evaluation", {"text": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert 'aria-invalid="true"' in response.text
    fragment = await post_form(team_client, "/manage/programs/menjahit/report/evaluation", {"text": ""}, htmx=True)
    assert fragment.status_code == 400
    assert fragment.text.lstrip().startswith("<form") and "<html" not in fragment.text


async def test_a_closed_program_shows_its_report_but_takes_no_new_evaluation(team_client, workshop):
    from server.programs.tables import Program

    await Program.update({Program.phase: "closed"}).where(Program.id == workshop.program.id).run()
    page = await team_client.get("/manage/programs/menjahit/report")
    assert page.status_code == 200 and 'id="evaluation-form"' not in page.text
    response = await post_form(team_client, "/manage/programs/menjahit/report/evaluation", {"text": "Terlambat."})
    assert response.status_code == 409
    assert "This program is closed" in response.text


async def test_a_facilitator_cannot_see_another_programs_report(client, facilitator, workshop):
    await sign_in(client, facilitator.username)
    for url in (
        "/manage/programs/menjahit/report",
        "/manage/programs/menjahit/report/print",
        "/manage/programs/menjahit/report?print=1",
    ):
        response = await client.get(url)
        assert response.status_code == 403, url
        assert "Kelas Menjahit" not in response.text
    response = await post_form(client, "/manage/programs/menjahit/report/evaluation", {"text": "Bukan programku."})
    assert response.status_code == 403
    from server.reports.tables import Evaluation

    assert await Evaluation.count().run() == 0


async def test_an_unknown_program_report_is_404(organizer_client):
    assert (await organizer_client.get("/manage/programs/tidak-ada/report")).status_code == 404


async def test_the_report_asks_for_sign_in(client, workshop):
    response = await client.get("/manage/programs/menjahit/report", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_a_nul_character_in_the_evaluation_is_a_field_error_not_a_server_error(team_client, workshop):
    from server.reports.tables import Evaluation

    response = await post_form(team_client, "/manage/programs/menjahit/report/evaluation", {"text": "Baik\x00 sekali"})
    assert response.status_code == 400
    assert "Remove the invisible control characters from this text." in response.text
    assert await Evaluation.count().run() == 0


async def test_a_community_projects_report_shows_its_milestones(organizer_client, db):
    from server.programs.tables import Milestone

    await workshop_fixture(now=datetime.now(UTC), slug="sumur", title="Sumur Bersama", kind="community_project")
    from server.programs.tables import Program

    program_id = (await Program.select(Program.id).where(Program.slug == "sumur").first().run())["id"]
    await Milestone.insert(
        Milestone(program=program_id, title="Survei lokasi", status="done"),
        Milestone(program=program_id, title="Gali sumur", status="in_progress"),
    ).run()
    for url in ("/manage/programs/sumur/report", "/manage/programs/sumur/report/print"):
        text = _text((await organizer_client.get(url)).text)
        assert "Milestones" in text and "Survei lokasi" in text and "Gali sumur" in text
        assert "In progress: 1 · Done: 1" in text


async def test_report_hides_a_feedback_mean_of_fewer_answers_than_the_small_group_limit(
    team_client, workshop, organizer
):
    from survey_helpers import make_survey, respond

    questions = [{"code": "useful", "kind": "likert", "text": "Sesi ini bermanfaat?"}]
    survey = await make_survey(
        organizer,
        title="Umpan balik sesi",
        purpose="session_feedback",
        program=workshop.program.id,
        questions=questions,
    )
    for useful in (5, 1, 3):
        await respond(survey, {"useful": useful})
    page = await team_client.get("/manage/programs/menjahit/report")
    assert page.status_code == 200
    row = _text(page.text).split("Sesi ini bermanfaat?", 1)[1][:120]
    assert "Answered by fewer than 5 people: not shown." in row
    assert "3.0" not in row and " 3 " not in row


async def test_print_view_carries_the_organisation_name_and_logo(team_client, workshop, admin):
    from server.organisation import services as organisation

    printed = await team_client.get("/manage/programs/menjahit/report/print")
    assert 'class="org-mark"' not in printed.text  # nothing until the organisation has a name or logo
    await organisation.save_organisation(admin, {"name": "Yayasan Sehat Bersama"}, b"\x89PNG\r\n\x1a\n" + bytes(32))
    printed = await team_client.get("/manage/programs/menjahit/report/print")
    header = printed.text.split('class="rc-print-header"', 1)[1].split("</header>", 1)[0]
    assert "Yayasan Sehat Bersama" in header and "/organisation/logo?v=1" in header
