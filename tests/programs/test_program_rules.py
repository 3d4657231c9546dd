"""Program rules without HTTP: phases, goals, discreet titles, team permissions, licences."""

from datetime import date, timedelta

import pytest
from factories import make_program, make_session, make_staff

from server import privacy
from server.errors import DomainError, Forbidden, NotFound
from server.pages.catalogue import public_catalogue
from server.programs import services as programs


async def _program_dict(program):
    from server.programs.tables import Program

    return await Program.select().where(Program.id == program.id).first().run()


def test_discreet_program_shows_neutral_title_outside_staff_pages():
    row = {
        "title": "HIV peer support",
        "public_title": "Tuesday group",
        "discreet": True,
        "description": "for people living with HIV",
    }
    assert privacy.title(row, privacy.PUBLIC, privacy.PAGE) == "Tuesday group"
    assert privacy.title(row, privacy.TEAM, privacy.PAGE) == "HIV peer support"
    view = privacy.program_view(row, privacy.ANYONE, privacy.PAGE)
    assert view["title"] == "Tuesday group"
    assert "HIV" not in str(view)


def test_goal_progress_works_for_goals_that_aim_down():
    assert programs.goal_progress({"current_value": 15, "baseline": 10, "target": 20}) == 0.5
    assert programs.goal_progress({"current_value": 30, "baseline": 40, "target": 20}) == 0.5
    assert programs.goal_progress({"current_value": 50, "baseline": 10, "target": 20}) == 1.0
    assert programs.goal_progress({"current_value": None, "baseline": 10, "target": 20}) is None


async def test_created_program_starts_in_assessment_with_creator_on_team(organizer):
    program_id = await programs.create_program(organizer, _values("kelas-jahit"))
    program = await programs.program_for_staff(organizer, "kelas-jahit")
    assert program["id"] == program_id and program["phase"] == "assessment"
    team = await programs.list_team(program_id)
    assert [(m["staff_id"], m["role"]) for m in team] == [(organizer.id, "organizer")]


async def test_discreet_program_needs_a_different_public_title(organizer):
    with pytest.raises(DomainError) as error:
        await programs.create_program(organizer, _values("rahasia", discreet=True, public_title=""))
    assert error.value.field == "public_title"
    with pytest.raises(DomainError):
        await programs.create_program(
            organizer, _values("rahasia", title="Kelompok", discreet=True, public_title="kelompok")
        )


async def test_duplicate_and_reserved_slugs_are_refused(organizer):
    await programs.create_program(organizer, _values("kelas-a"))
    for slug in ("kelas-a", "new"):
        with pytest.raises(DomainError) as error:
            await programs.create_program(organizer, _values(slug))
        assert error.value.code == "slug_taken"


async def test_facilitator_cannot_manage_another_teams_program(facilitator):
    await make_program(slug="bukan-milik")
    with pytest.raises(Forbidden):
        await programs.program_for_staff(facilitator, "bukan-milik")
    with pytest.raises(NotFound):
        await programs.program_for_staff(facilitator, "tidak-ada")


async def test_phase_moves_forward_only_when_requirements_are_met(organizer):
    await programs.create_program(organizer, _values("siklus"))
    program = await programs.program_for_staff(organizer, "siklus")
    assert await programs.phase_requirements(program) == ["Write down what the needs assessment found."]
    with pytest.raises(DomainError) as error:
        await programs.change_phase(organizer, program, "planning")
    assert error.value.code == "phase_incomplete"
    await programs.save_assessment_notes(program, "Parents asked for help with discipline.")
    program = await programs.program_for_staff(organizer, "siklus")
    await programs.change_phase(organizer, program, "planning")
    program = await programs.program_for_staff(organizer, "siklus")
    assert program["phase"] == "planning"
    missing = await programs.phase_requirements(program)
    assert "Set at least one measurable goal." in missing and "Plan a schedule of sessions." in missing
    with pytest.raises(DomainError) as error:
        await programs.change_phase(organizer, program, "evaluation")
    assert error.value.code == "skip_phase"


async def test_moving_back_needs_an_organizer_and_a_reason(organizer, facilitator):
    program = await make_program(slug="mundur", phase="implementation")
    await programs.add_team_member(organizer, await _program_dict(program), facilitator.id, "lead")
    row = await _program_dict(program)
    with pytest.raises(DomainError) as error:
        await programs.change_phase(facilitator, row, "planning", "jadwal berubah")
    assert error.value.code == "back_needs_organizer"
    with pytest.raises(DomainError) as error:
        await programs.change_phase(organizer, row, "planning", "  ")
    assert error.value.field == "reason"
    await programs.change_phase(organizer, row, "planning", "Jadwal harus disusun ulang")
    history = await programs.phase_history(program.id)
    assert history[0]["reason"] == "Jadwal harus disusun ulang" and history[0]["to_phase"] == "planning"


async def test_closed_program_is_read_only(organizer):
    program = await make_program(slug="tutup", phase="closed")
    with pytest.raises(DomainError) as error:
        await programs.add_goal(await _program_dict(program), {"statement": "x", "baseline": 0, "target": 1})
    assert error.value.code == "program_closed"


async def test_goal_values_keep_history(organizer):
    program = await make_program(slug="tujuan")
    row = await _program_dict(program)
    goal_id = await programs.add_goal(
        row, {"statement": "Orang tua memakai disiplin positif", "baseline": 20.0, "target": 80.0, "unit": "%"}
    )
    await programs.record_goal_value(organizer, row, goal_id, 35.0, "after session 3")
    goal = await programs.record_goal_value(organizer, row, goal_id, 50.0)
    assert goal["current_value"] == 50.0 and goal["progress"] == 0.5
    history = await programs.goal_history([goal_id])
    assert [h["value"] for h in history[goal_id]] == [50.0, 35.0]


async def test_goal_target_must_differ_from_baseline(organizer):
    row = await _program_dict(await make_program(slug="sama"))
    with pytest.raises(DomainError) as error:
        await programs.add_goal(row, {"statement": "x", "baseline": 5.0, "target": 5.0})
    assert error.value.field == "target"


async def test_licence_warnings_for_required_licence(organizer):
    today = date(2026, 11, 27)
    program = await make_program(slug="terapi", requires_licence=True)
    row = await _program_dict(program)
    missing = await make_staff(display_name="Tanpa Lisensi")
    expired = await make_staff(display_name="Lisensi Habis")
    from server.people.tables import Staff

    await (
        Staff.update({Staff.licence_number: "SIPP-1", Staff.licence_expires_on: today - timedelta(days=1)})
        .where(Staff.id == expired.id)
        .run()
    )
    await programs.add_team_member(organizer, row, missing.id, "lead")
    await programs.add_team_member(organizer, row, expired.id, "co_facilitator")
    warnings = {w["name"]: w["problem"] for w in await programs.licence_warnings(organizer, today)}
    assert warnings == {"Tanpa Lisensi": "missing", "Lisensi Habis": "expired"}


async def test_facilitator_sees_only_own_programs_in_list(facilitator, organizer):
    mine = await make_program(slug="milikku", title="Milikku")
    await make_program(slug="lain", title="Lain")
    await programs.add_team_member(organizer, await _program_dict(mine), facilitator.id, "lead")
    listed = await programs.list_programs_for_staff(facilitator, programs.ProgramFilter())
    assert [p["slug"] for p in listed] == ["milikku"]
    assert len(await programs.list_programs_for_staff(organizer, programs.ProgramFilter())) == 2


async def test_catalogue_lists_public_programs_with_public_titles_only(db):
    await make_program(slug="umum", title="Kelas Umum")
    await make_program(slug="rahasia", title="Kelompok ODHIV", public_title="Kelompok Kamis", discreet=True)
    await make_program(slug="privat", title="Privat", visibility="private")
    await make_program(slug="tautan", title="Lewat Tautan", visibility="unlisted")
    online = await make_program(slug="daring", title="Kelas Daring", default_online_link="https://meet.example.org/x")
    await make_session(online)
    titles = [p["title"] for p in await public_catalogue()]
    assert titles == ["Kelas Daring", "Kelas Umum", "Kelompok Kamis"]
    assert [p["title"] for p in await public_catalogue(mode="online")] == ["Kelas Daring"]
    assert [p["title"] for p in await public_catalogue(upcoming_only=True)] == ["Kelas Daring"]
    assert (await programs.public_program("tautan"))["title"] == "Lewat Tautan"
    with pytest.raises(NotFound):
        await programs.public_program("privat")


def _values(slug, **overrides):
    values = dict(
        slug=slug,
        kind="skill_workshop",
        title=f"Program {slug}",
        public_title="",
        discreet=False,
        summary="",
        description="",
        visibility="public",
        timezone="Asia/Jakarta",
        default_location="",
        default_online_link="",
        capacity=20,
        enrolment_mode="open",
        starts_on=None,
        ends_on=None,
        requires_licence=False,
        completion_threshold=75,
        area="",
    )
    values.update(overrides)
    return values


async def test_program_open_rule_agrees_in_python_piccolo_and_raw_sql(db):
    from server.programs import rules
    from server.programs.tables import Program

    await make_program(slug="jalan", title="Jalan")
    await make_program(slug="selesai", title="Selesai", phase="closed")
    await make_program(slug="arsip", title="Arsip", archived=True)
    rows = await Program.select().run()
    in_python = {row["slug"] for row in rows if rules.is_open(row)}
    in_piccolo = {
        row["slug"] for row in await Program.select(Program.slug).where(rules.open_program_where(Program)).run()
    }
    table = Program._meta.tablename
    raw = await Program.raw(f'SELECT p.slug FROM "{table}" p WHERE {rules.open_program_sql("p")}').run()
    assert in_python == in_piccolo == {row["slug"] for row in raw} == {"jalan"}
    with pytest.raises(DomainError) as error:
        rules.ensure_open(next(row for row in rows if row["slug"] == "arsip"))
    assert error.value.code == "program_closed"


async def test_overdue_milestones_are_flagged_by_the_organisation_date(db):
    from server.programs.tables import Milestone

    program = await _program_dict(await make_program(slug="proyek", kind="community_project"))
    today = date(2026, 3, 10)
    for title, due, status in [
        ("Lewat", today - timedelta(days=1), "planned"),
        ("Selesai", today - timedelta(days=1), "done"),
        ("Hari ini", today, "planned"),
        ("Tanpa tanggal", None, "planned"),
    ]:
        await Milestone.insert(Milestone(program=program["id"], title=title, due_on=due, status=status)).run()
    flags = {m["title"]: m["overdue"] for m in await programs.list_milestones(program["id"], today)}
    assert flags == {"Lewat": True, "Selesai": False, "Hari ini": False, "Tanpa tanggal": False}
