"""The staff dashboard shows what needs attention: early warnings, waitlist promotions, licences, data problems."""

import re
from datetime import UTC, timedelta
from typing import Any

from conftest import sign_in
from factories import keep_figures, make_program, make_staff


async def test_dashboard_shows_early_warning_promotion_and_licence(client, db):
    from datetime import datetime

    from factories import make_session

    from server.attendance.tables import Attendance
    from server.enrolment.tables import Enrolment, EnrolmentChange
    from server.people.consent import record_consent
    from server.people.participants import create_participant
    from server.programs.tables import TeamMember
    from server.schedule.tables import ProgramSession

    facilitator = await make_staff(username="dash1", display_name="Dina")
    program = await make_program(slug="kelas-dash", title="Kelas Dasbor", requires_licence=True)
    await TeamMember.insert(TeamMember(program=program.id, staff=facilitator.id, role="lead")).run()
    pid = await create_participant(None, {"display_name": "Joni Jarang"})
    await record_consent(pid, "participation", actor=None)
    enrolment = Enrolment(
        participant=pid, program=program.id, status="enrolled", enrolled_at=datetime.now(UTC) - timedelta(days=30)
    )
    await enrolment.save().run()
    for days in (3, 2):
        session = await make_session(program, starts_in=timedelta(days=-days))
        await ProgramSession.update({ProgramSession.status: "held"}).where(ProgramSession.id == session.id).run()
        await Attendance.insert(Attendance(session=session.id, participant=pid, status="absent")).run()
        await keep_figures(program.id)
    promoted = await create_participant(None, {"display_name": "Rina Naik"})
    moved = Enrolment(participant=promoted, program=program.id, status="enrolled")
    await moved.save().run()
    await EnrolmentChange.insert(
        EnrolmentChange(
            enrolment=moved.id,
            program=program.id,
            from_status="waitlisted",
            to_status="enrolled",
            automatic="promotion",
        )
    ).run()
    await sign_in(client, "dash1")
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "Joni Jarang missed the last 2 sessions of Kelas Dasbor" in page.text
    assert "Rina Naik moved up from the waitlist" in page.text
    assert "Dina has no licence recorded" in page.text
    assert "open data problem" in page.text


# --- crisis cases at the top: the staff member's own, every one for administrators; names and links, no notes ----


async def _crisis_world():
    from server.cases import services as cases
    from server.people.participants import create_participant

    admin = await make_staff(role="admin", username="dash-admin")
    organizer = await make_staff(role="organizer", username="dash-org")
    worker = await make_staff(role="facilitator", username="dash-worker")
    other = await make_staff(role="facilitator", username="dash-other")
    ids = {}
    for name, holder in (("Sari Krisis", worker), ("Budi Krisis", other), ("Citra Tenang", worker)):
        person = await create_participant(None, {"display_name": name}, ["participation"])
        ids[name] = await cases.open_case(organizer, person, case_worker_id=holder.id, supervisor_id=admin.id)
        await cases.add_note(holder, ids[name], "crisis", f"catatan rahasia {name}")
    for name in ("Sari Krisis", "Budi Krisis"):
        await cases.set_crisis(admin, ids[name], True)
    return ids


def _crisis_section(html: str) -> str:
    return html.split('id="crisis-heading"', 1)[1].split("</section>", 1)[0] if 'id="crisis-heading"' in html else ""


async def test_dashboard_shows_the_staff_members_own_crisis_cases_with_links_and_no_notes(client, db):
    ids = await _crisis_world()
    await sign_in(client, "dash-worker")
    page = (await client.get("/dashboard")).text
    section = _crisis_section(page)
    assert "Sari Krisis" in section and f"/cases/{ids['Sari Krisis']}" in section
    assert "Budi Krisis" not in page  # another worker's case: not even the name
    assert "Citra Tenang" not in section  # an open case without the crisis flag
    assert "catatan rahasia" not in page
    assert page.index('id="crisis-heading"') < page.index('id="attention"')  # at the top


async def test_an_administrator_sees_every_crisis_case_and_others_none(client, db):
    ids = await _crisis_world()
    await sign_in(client, "dash-admin")
    section = _crisis_section((await client.get("/dashboard")).text)
    assert f"/cases/{ids['Sari Krisis']}" in section and f"/cases/{ids['Budi Krisis']}" in section
    await sign_in(client, "dash-org")  # an organizer holds no case: no section at all
    assert _crisis_section((await client.get("/dashboard")).text) == ""


async def test_dashboard_query_count_does_not_grow_with_crisis_cases(client, db):
    from querycount import count_queries

    from server.cases import services as cases
    from server.people.participants import create_participant

    admin = await make_staff(role="admin", username="dash-admin")
    worker = await make_staff(role="facilitator", username="dash-worker")
    await sign_in(client, "dash-admin")
    counts = []
    for n in (1, 6):
        while len(await cases.crisis_cases(admin)) < n:
            person = await create_participant(None, {"display_name": "Orang"}, ["participation"])
            case_id = await cases.open_case(admin, person, case_worker_id=worker.id, supervisor_id=None)
            await cases.set_crisis(admin, case_id, True)
        with count_queries() as counter:
            assert (await client.get("/dashboard")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts


# --- long lists: the dashboard shows the first few and links to the whole list, which stops past its last page ----


async def _three_absent_people(slug: str, title: str) -> Any:
    """A program whose three members missed its last two sessions (an early warning each at the default threshold)."""
    from datetime import datetime

    from factories import make_session

    from server.attendance.tables import Attendance
    from server.enrolment.tables import Enrolment
    from server.people.participants import create_participant
    from server.schedule.tables import ProgramSession

    program = await make_program(slug=slug, title=title)
    people = []
    for n in range(3):
        pid = await create_participant(None, {"display_name": f"Orang {slug} {n}"})
        await (
            Enrolment(
                participant=pid,
                program=program.id,
                status="enrolled",
                enrolled_at=datetime.now(UTC) - timedelta(days=30),
            )
            .save()
            .run()
        )
        people.append(pid)
    for days in (3, 2):
        session = await make_session(program, starts_in=timedelta(days=-days))
        await ProgramSession.update({ProgramSession.status: "held"}).where(ProgramSession.id == session.id).run()
        for pid in people:
            await Attendance.insert(Attendance(session=session.id, participant=pid, status="absent")).run()
    await keep_figures(program.id)
    return program


async def test_warnings_past_the_listed_ones_are_counted_as_more_than(client, db, monkeypatch):
    from server.pages import dashboard

    monkeypatch.setattr(dashboard, "WARNINGS_SHOWN", 2)
    monkeypatch.setattr(dashboard, "WARNINGS_PAGE", 1)
    await make_staff(role="organizer", username="dash-org")
    await _three_absent_people("kelas-banyak", "Kelas Banyak")
    await sign_in(client, "dash-org")
    page = (await client.get("/early-warnings?warnings_page=9")).text
    assert "More than 2 people have an early warning" in page
    assert "Page 2 of 2" in page  # clamped to the last listed page
    assert page.count("missed the last 2 sessions of Kelas Banyak") == 1


async def test_the_dashboard_shows_the_longest_runs_first_and_links_to_every_early_warning(client, db, monkeypatch):
    from server.pages import dashboard

    await make_staff(role="organizer", username="dash-org")
    await _three_absent_people("kelas-tiga", "Kelas Tiga")
    await sign_in(client, "dash-org")
    page = (await client.get("/dashboard")).text
    assert page.count("missed the last 2 sessions of Kelas Tiga") == 3
    assert 'href="/early-warnings"' not in page  # all of them are shown
    monkeypatch.setattr(dashboard, "WARNINGS_PREVIEW", 2)
    page = (await client.get("/dashboard")).text
    assert page.count("missed the last 2 sessions of Kelas Tiga") == 2
    assert 'href="/early-warnings"' in page
    whole = (await client.get("/early-warnings")).text
    assert whole.count("missed the last 2 sessions of Kelas Tiga") == 3


async def test_a_facilitator_sees_the_early_warnings_and_agenda_of_their_own_programs_only(client, db):
    from datetime import timedelta

    from factories import make_session

    from server.programs.tables import TeamMember

    facilitator = await make_staff(username="dash-fac")
    mine = await _three_absent_people("kelas-saya", "Kelas Saya")
    await _three_absent_people("kelas-lain", "Kelas Lain")
    await TeamMember.insert(TeamMember(program=mine.id, staff=facilitator.id, role="lead")).run()
    other = await make_program(slug="kelas-rahasia", title="Kelas Rahasia")
    await make_session(other, starts_in=timedelta(hours=3))
    await make_session(mine, starts_in=timedelta(hours=4))
    await sign_in(client, "dash-fac")
    for path in ("/early-warnings", "/dashboard"):
        page = (await client.get(path)).text
        assert page.count("missed the last 2 sessions of Kelas Saya") == 3
        assert "Kelas Lain" not in page and "Orang kelas-lain" not in page
    agenda = (await client.get("/agenda")).text
    assert "Kelas Saya" in agenda and "Kelas Rahasia" not in agenda


async def test_the_dashboards_lists_are_for_staff_only(client, db):
    for path in ("/agenda", "/early-warnings", "/agenda?range=month&agenda_page=2"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303, 401), (path, response.status_code)
        assert "Kelas" not in response.text


async def test_agenda_past_the_listed_sessions_is_counted_as_more_than(client, db, monkeypatch):
    from factories import make_session

    from server.pages import dashboard

    monkeypatch.setattr(dashboard, "AGENDA_SHOWN", 3)
    await make_staff(role="organizer", username="dash-org")
    program = await make_program(slug="kelas-agenda", title="Kelas Agenda")
    for hours in range(2, 7):
        await make_session(program, starts_in=timedelta(hours=hours))
    await sign_in(client, "dash-org")
    page = (await client.get("/agenda")).text
    assert "More than 3 sessions in this period" in page
    agenda = page.split('id="agenda"', 1)[1].split("</main>", 1)[0]
    assert len(set(re.findall(r"/sessions/(\d+)", agenda))) == 3
    monkeypatch.setattr(dashboard, "AGENDA_PAGE", 2)
    last = (await client.get("/agenda?agenda_page=3")).text.split('id="agenda"', 1)[1].split("</main>", 1)[0]
    assert "Page 2 of 2" in last  # clamped to the last listed page, which holds the third session only
    assert len(set(re.findall(r"/sessions/(\d+)", last))) == 1


async def test_the_dashboard_links_to_the_public_sessions_of_the_home_page_instead_of_listing_them(client, db):
    """An organizer's agenda already holds every program's sessions (with real titles); the public list, by public
    titles, is the home page's."""
    from factories import make_session

    await make_staff(role="organizer", username="dash-pub")
    program = await make_program(slug="kelas-umum", title="Kelas Terbuka Umum")
    await make_session(program, starts_in=timedelta(days=10))  # past the dashboard's week
    await sign_in(client, "dash-pub")
    page = (await client.get("/dashboard")).text
    assert "Kelas Terbuka Umum" not in page
    assert re.search(r'<a href="/">Upcoming public sessions</a>', page)
    assert "Kelas Terbuka Umum" in (await client.get("/")).text
