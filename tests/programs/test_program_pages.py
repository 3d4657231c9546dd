"""Program pages through the HTTP client: catalogue, public page, staff pages, forms and permissions."""

from conftest import post_form, sign_in
from factories import make_program, make_session
from querycount import count_queries


def _form(**overrides):
    data = {
        "title": "Kelas Menjahit Dasar",
        "slug": "kelas-menjahit",
        "kind": "skill_workshop",
        "visibility": "public",
        "timezone": "Asia/Jakarta",
        "enrolment_mode": "open",
        "capacity": "15",
        "completion_threshold": "75",
        "summary": "Belajar menjahit untuk usaha rumahan.",
    }
    data.update(overrides)
    return data


async def test_organizer_creates_program_and_lands_on_its_page(organizer_client):
    response = await post_form(organizer_client, "/manage/programs/new", _form())
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/programs/kelas-menjahit"
    page = await organizer_client.get("/manage/programs/kelas-menjahit")
    assert page.status_code == 200
    assert "Kelas Menjahit Dasar" in page.text
    assert "Write down what the needs assessment found." in page.text


async def test_bad_program_input_gets_field_errors_and_saves_nothing(organizer_client):
    from server.programs.tables import Program

    response = await post_form(
        organizer_client,
        "/manage/programs/new",
        _form(
            title="x" * 201,
            slug="Bad Slug!",
            timezone="Mars/Olympus",
            capacity="-3",
            ends_on="2026-01-01",
            starts_on="2026-02-01",
            default_online_link="zoom",
        ),
    )
    assert response.status_code == 400
    for message in (
        "At most 200 characters.",
        "Use lowercase letters, digits and hyphens only.",
        "Choose a timezone from the list",
        "Must be at least 0.",
        "Enter a full web address",
    ):
        assert message in response.text
    assert await Program.count().run() == 0


async def test_end_before_start_is_a_field_error(organizer_client):
    response = await post_form(
        organizer_client, "/manage/programs/new", _form(starts_on="2026-03-01", ends_on="2026-02-01")
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.text


async def test_discreet_without_public_title_is_refused(organizer_client):
    response = await post_form(organizer_client, "/manage/programs/new", _form(discreet="on", public_title=""))
    assert response.status_code == 400
    assert "A discreet program needs a neutral public title." in response.text


async def test_htmx_form_error_returns_only_the_form_block(organizer_client):
    response = await post_form(organizer_client, "/manage/programs/new", _form(title=""), htmx=True)
    assert response.status_code == 400
    assert "<html" not in response.text and 'id="program-form"' in response.text


async def test_facilitator_cannot_create_programs(facilitator_client):
    assert (await facilitator_client.get("/manage/programs/new")).status_code == 403
    response = await post_form(facilitator_client, "/manage/programs/new", _form())
    assert response.status_code == 403


async def test_facilitator_gets_403_on_another_teams_program(facilitator_client):
    await make_program(slug="milik-lain", title="Kelompok Rahasia Lain", discreet=True, public_title="Kelompok Rabu")
    for url in ("/manage/programs/milik-lain", "/manage/programs/milik-lain/team", "/manage/programs/milik-lain/edit"):
        response = await facilitator_client.get(url)
        assert response.status_code == 403
        assert "Kelompok Rahasia Lain" not in response.text
    response = await post_form(
        facilitator_client, "/manage/programs/milik-lain/goals", {"statement": "x", "baseline": "0", "target": "1"}
    )
    assert response.status_code == 403


async def test_anonymous_is_sent_to_sign_in_for_staff_pages(client, db):
    await make_program(slug="kelas")
    response = await client.get("/manage/programs/kelas", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_unknown_slug_is_404(organizer_client):
    assert (await organizer_client.get("/manage/programs/tidak-ada")).status_code == 404
    assert (await organizer_client.get("/programs/tidak-ada")).status_code == 404


async def test_public_pages_never_show_a_discreet_programs_real_title(client, db):
    program = await make_program(
        slug="selasa",
        title="Kelompok Dukungan ODHIV",
        public_title="Kelompok Selasa",
        discreet=True,
        description="Untuk ODHIV",
    )
    await make_session(program, topic="Sesi perkenalan")
    for url in ("/", "/programs", "/programs/selasa", "/programs?kind=support_group"):
        response = await client.get(url)
        assert response.status_code == 200
        assert "ODHIV" not in response.text
    assert "Kelompok Selasa" in (await client.get("/programs/selasa")).text


async def test_private_program_is_404_publicly_and_absent_from_catalogue(client, db):
    await make_program(slug="internal", title="Rapat Internal Yayasan", visibility="private")
    assert (await client.get("/programs/internal")).status_code == 404
    assert "Rapat Internal" not in (await client.get("/programs")).text


async def test_public_program_page_lists_upcoming_and_cancelled_sessions(client, db):
    program = await make_program(slug="batik", title="Kelas Batik")
    await make_session(program, topic="Mencanting")
    await make_session(program, topic="Mewarnai", status="cancelled", cancel_reason="Hujan deras")
    page = await client.get("/programs/batik")
    assert "Mencanting" in page.text and "Mewarnai" in page.text and "Cancelled" in page.text


async def test_catalogue_filter_by_kind_and_htmx_block(client, db):
    await make_program(slug="a", title="Kelompok A", kind="support_group")
    await make_program(slug="b", title="Pelatihan B", kind="skill_workshop")
    page = await client.get("/programs?kind=support_group")
    assert "Kelompok A" in page.text and "Pelatihan B" not in page.text
    fragment = await client.get("/programs?kind=skill_workshop", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Pelatihan B" in fragment.text
    assert (await client.get("/programs?kind=%00bogus")).status_code == 200


async def test_goal_value_inline_update_returns_the_goal_block(organizer_client):
    from server.programs.tables import Goal

    program = await make_program(slug="tujuan")
    goal = Goal(program=program.id, statement="Warga punya akses air", baseline=10.0, target=60.0, unit="KK")
    await goal.save().run()
    response = await post_form(
        organizer_client, f"/manage/programs/tujuan/goals/{goal.id}/value", {"value": "35"}, htmx=True
    )
    assert response.status_code == 200
    assert "<html" not in response.text and f'id="goal-{goal.id}"' in response.text and "50%" in response.text
    response = await post_form(
        organizer_client, f"/manage/programs/tujuan/goals/{goal.id}/value", {"value": "banyak"}, htmx=True
    )
    assert response.status_code == 400 and "Enter a number." in response.text


async def test_goal_from_another_program_is_404(organizer_client):
    from server.programs.tables import Goal

    await make_program(slug="satu")
    other = await make_program(slug="dua")
    goal = Goal(program=other.id, statement="x", baseline=0.0, target=1.0)
    await goal.save().run()
    response = await post_form(organizer_client, f"/manage/programs/satu/goals/{goal.id}/value", {"value": "1"})
    assert response.status_code == 404


async def test_phase_change_through_the_page(organizer_client):
    await make_program(slug="fase", phase="assessment", assessment_notes="Temuan asesmen")
    response = await post_form(organizer_client, "/manage/programs/fase/phase", {"to_phase": "planning"})
    assert response.status_code == 303
    response = await post_form(organizer_client, "/manage/programs/fase/phase", {"to_phase": "evaluation"}, htmx=True)
    assert response.status_code == 400 and "Move one phase at a time." in response.text


async def test_team_members_and_partners_are_managed_on_the_team_page(organizer_client, facilitator):
    await make_program(slug="tim")
    response = await post_form(
        organizer_client, "/manage/programs/tim/team", {"staff_id": str(facilitator.id), "role": "lead"}
    )
    assert response.status_code == 303
    response = await post_form(
        organizer_client, "/manage/programs/tim/team", {"staff_id": str(facilitator.id), "role": "lead"}
    )
    assert response.status_code == 400 and "already on the team" in response.text
    response = await post_form(
        organizer_client,
        "/manage/programs/tim/partners",
        {"name": "Puskesmas Coblong", "role": "venue", "email": "bukan email"},
    )
    assert response.status_code == 400 and "Enter a valid e-mail address" in response.text
    response = await post_form(
        organizer_client, "/manage/programs/tim/partners", {"name": "Puskesmas Coblong", "role": "venue"}
    )
    assert response.status_code == 303
    page = await organizer_client.get("/manage/programs/tim/team")
    assert "Fajar Facilitator" in page.text and "Puskesmas Coblong" in page.text


async def test_facilitator_on_team_can_manage_goals_but_not_team(client, facilitator, organizer):
    from server.programs import services as programs
    from server.programs.tables import Program

    program = await make_program(slug="milikku")
    row = await Program.select().where(Program.id == program.id).first().run()
    await programs.add_team_member(organizer, row, facilitator.id, "lead")
    await sign_in(client, facilitator.username)
    assert (await client.get("/manage/programs/milikku")).status_code == 200
    response = await post_form(
        client,
        "/manage/programs/milikku/goals",
        {"statement": "Peserta hadir rutin", "baseline": "0", "target": "80", "unit": "%"},
    )
    assert response.status_code == 303
    response = await post_form(client, "/manage/programs/milikku/team", {"staff_id": str(organizer.id), "role": "lead"})
    assert response.status_code == 403


async def test_milestone_status_changes_inline(organizer_client):
    from server.programs.tables import Milestone

    program = await make_program(slug="air", kind="community_project")
    response = await post_form(
        organizer_client,
        "/manage/programs/air/milestones",
        {"title": "Survei sumber air", "status": "planned", "due_on": "2026-12-20"},
    )
    assert response.status_code == 303
    milestone = await Milestone.select().where(Milestone.program == program.id).first().run()
    response = await post_form(
        organizer_client, f"/manage/programs/air/milestones/{milestone['id']}/status", {"status": "done"}, htmx=True
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert (await Milestone.select(Milestone.status).where(Milestone.id == milestone["id"]).first().run())[
        "status"
    ] == "done"
    response = await post_form(
        organizer_client, f"/manage/programs/air/milestones/{milestone['id']}/status", {"status": "exploded"}, htmx=True
    )
    assert response.status_code == 400


async def _seed_programs(count: int) -> None:
    for number in range(count):
        program = await make_program(
            slug=f"p-{count}-{number}",
            title=f"Program {number}",
            discreet=number % 3 == 0,
            public_title=f"Kelompok {number}",
        )
        await make_session(program)


async def test_list_pages_run_a_constant_number_of_queries(organizer_client):
    counts = {}
    for size in (5, 60):
        await _seed_programs(size if not counts else size - 5)
        with count_queries() as counter:
            assert (await organizer_client.get("/manage/programs")).status_code == 200
            staff_list = counter["n"]
        with count_queries() as counter:
            assert (await organizer_client.get("/programs")).status_code == 200
            catalogue = counter["n"]
        with count_queries() as counter:
            assert (await organizer_client.get("/")).status_code == 200
            home = counter["n"]
        counts[size] = (staff_list, catalogue, home)
    assert counts[5] == counts[60], counts


async def test_place_only_for_members_shows_the_public_only_the_area(client, db):
    from factories import make_program, make_session

    program = await make_program(
        slug="kelompok-rabu",
        kind="support_group",
        default_location="Gedung Serbaguna Lt 2",
        area="Jakarta Timur",
        place_members_only=True,
        default_online_link="https://meet.example.org/rabu",
    )
    await make_session(program, location="Ruang 7", online_link="https://meet.example.org/rabu-7")
    for url in ("/programs/kelompok-rabu", "/programs", "/", "/calendar.ics", "/programs/kelompok-rabu/calendar.ics"):
        body = (await client.get(url)).text
        assert "Serbaguna" not in body and "Ruang 7" not in body and "meet.example.org/rabu" not in body, url
    page = (await client.get("/programs/kelompok-rabu")).text
    assert "Jakarta Timur" in page


async def test_new_support_group_keeps_its_place_to_members_by_default(organizer_client, organizer):
    from server.programs import services as programs

    page = await organizer_client.get("/manage/programs/new")
    assert 'name="place_members_only" value="on" checked' in page.text
    values = dict(
        slug="dukungan",
        kind="support_group",
        title="Dukungan",
        visibility="public",
        timezone="Asia/Jakarta",
        enrolment_mode="open",
        completion_threshold=75,
    )
    program_id = await programs.create_program(organizer, values)
    from server.programs.tables import Program

    assert (await Program.select(Program.place_members_only).where(Program.id == program_id).first().run())[
        "place_members_only"
    ]
