"""Attendance pages through the HTTP client: the sheet and its htmx rows, refusals, permissions, tab, register, CSV,
goals and certificates, and query counts."""

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from attendance_helpers import enrol, mark, session_at, stored_status
from conftest import post_form, sign_in
from factories import make_program, make_staff
from querycount import count_queries

from server.programs.tables import Program

HOUR = timedelta(hours=1)
WEEK = timedelta(weeks=1)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def workshop(db, facilitator):
    from server.programs.tables import TeamMember

    program = await make_program(slug="batik", title="Kelas Batik", completion_threshold=75)
    await TeamMember(program=program.id, staff=facilitator.id, role="lead").save().run()
    return program


@pytest.fixture
async def today(workshop):
    """A session that started half an hour ago, with three people enrolled (one without consent) and RSVPs."""
    from server.enrolment.tables import Rsvp

    session = await session_at(workshop, now() - HOUR / 2, status="scheduled")
    people = {
        "Sari": await enrol(workshop, "Sari", now() - WEEK, phone="0812 1111 2222", email="sari@example.org"),
        "Budi": await enrol(workshop, "Budi", now() - WEEK),
        "Citra": await enrol(workshop, "Citra", now() - WEEK, consent=False),
    }
    await Rsvp(session=session["id"], participant=people["Sari"], response="going").save().run()
    await Rsvp(session=session["id"], participant=people["Budi"], response="not_going").save().run()
    return session, people


def sheet_url(session, slug="batik") -> str:
    return f"/manage/programs/{slug}/sessions/{session['id']}/attendance"


async def test_sheet_lists_people_enrolled_at_the_session_with_rsvp_and_consent_and_later_joiners_apart(
    facilitator_client, workshop, today
):
    session, _people = today
    await enrol(workshop, "Joined Later", now() + HOUR)
    page = await facilitator_client.get(sheet_url(session))
    assert page.status_code == 200
    for text in (
        "Sari",
        "Budi",
        "Citra",
        "Said they will come",
        "Said they cannot come",
        "No consent to take part recorded",
        "Mark the rest absent (3 people)",
    ):
        assert text in page.text
    # Someone who joined after the start is listed apart, below everyone enrolled at the start (and the bulk
    # actions leave them alone: 3 people, not 4).
    late_group = page.text.index("Enrolled after this session started")
    assert page.text.index("Joined Later") > late_group > max(page.text.index(n) for n in ("Sari", "Budi", "Citra"))
    assert "0812" not in page.text and "sari@example.org" not in page.text


async def test_each_status_takes_one_tap_and_htmx_gets_only_the_row(facilitator_client, today):
    session, people = today
    url = f"{sheet_url(session)}/{people['Sari']}"
    for status in ("absent", "excused", "late", "present"):
        response = await post_form(facilitator_client, url, {"status": status}, htmx=True)
        assert response.status_code == 200
        assert "<html" not in response.text and f'id="p-{people["Sari"]}"' in response.text
        assert response.text.count("<li") == 1  # one row, not the sheet
        # Every status is offered as its own button; the chosen one is pressed.
        for offered in ("present", "late", "excused", "absent"):
            pressed = "true" if offered == status else "false"
            assert f'name="status" value="{offered}" class="status-{offered}" aria-pressed="{pressed}"' in response.text
        assert response.headers["HX-Trigger"] == "attendance-changed"
        assert await stored_status(session, people["Sari"]) == status
    summary = await facilitator_client.get(sheet_url(session), headers={"HX-Request": "true"})
    assert "<html" not in summary.text and "attendance-summary" in summary.text


async def test_sheet_shows_a_labelled_control_per_person_and_a_compact_header(facilitator_client, today):
    session, people = today
    await post_form(facilitator_client, f"{sheet_url(session)}/{people['Budi']}", {"status": "late"}, htmx=True)
    page = (await facilitator_client.get(sheet_url(session))).text
    # A group named by the person, four real buttons, the current status pressed.
    assert f'role="group" aria-labelledby="name-{people["Budi"]}"' in page
    assert f'<strong id="name-{people["Budi"]}">Budi</strong>' in page
    assert page.count('aria-pressed="true"') == 1 and 'class="status-late" aria-pressed="true">Late<' in page
    # The program header of the other tabs (phase bar, tab rows) is not above the names.
    assert 'class="stepper"' not in page and 'class="tabs"' not in page
    assert "<h1>Kelas Batik</h1>" in page and page.index("<h1>") < page.index("name-")


async def test_without_javascript_the_status_form_posts_and_comes_back_to_the_sheet(facilitator_client, today):
    from server.schedule.tables import ProgramSession

    session, people = today
    response = await post_form(
        facilitator_client,
        f"{sheet_url(session)}/{people['Budi']}",
        {"status": "excused", "note": "anak sakit", "with_note": "1"},
    )
    assert response.status_code == 303 and response.headers["location"].endswith(f"/attendance#p-{people['Budi']}")
    page = await facilitator_client.get(sheet_url(session))
    assert "anak sakit" in page.text
    assert (await ProgramSession.select(ProgramSession.status).where(ProgramSession.id == session["id"]).first().run())[
        "status"
    ] == "held"
    response = await post_form(
        facilitator_client, f"{sheet_url(session)}/{people['Budi']}", {"status": "asleep"}, htmx=True
    )
    assert response.status_code == 400 and "Choose one of the options." in response.text


async def test_marking_a_cancelled_session_is_refused_with_a_message_and_saves_nothing(facilitator_client, workshop):
    from server.attendance.tables import Attendance

    session = await session_at(workshop, now() - HOUR, status="cancelled", cancel_reason="banjir")
    person = await enrol(workshop, "Sari", now() - WEEK)
    response = await post_form(facilitator_client, f"{sheet_url(session)}/{person}", {"status": "present"}, htmx=True)
    assert response.status_code == 409
    assert "This session was cancelled" in response.text and "<html" not in response.text
    response = await post_form(facilitator_client, f"{sheet_url(session)}/{person}", {"status": "present"})
    assert response.status_code == 409 and "This session was cancelled" in response.text
    for url, data in (
        (f"{sheet_url(session)}/rest-absent", {}),
        (f"{sheet_url(session)}/guests", {"guest_label": "tamu"}),
    ):
        assert (await post_form(facilitator_client, url, data)).status_code == 409
    assert await Attendance.count().run() == 0
    page = await facilitator_client.get(sheet_url(session))
    assert "Mark the rest absent" not in page.text and "banjir" in page.text


async def test_marking_a_non_member_is_refused_without_showing_their_name(facilitator_client, today):
    from server.attendance.tables import Attendance

    session, _people = today
    stranger = await enrol(await make_program(slug="lain"), "Orang Asing", now() - WEEK)
    response = await post_form(facilitator_client, f"{sheet_url(session)}/{stranger}", {"status": "present"}, htmx=True)
    assert response.status_code == 409
    assert "was not enrolled in the program" in response.text and "Orang Asing" not in response.text
    assert await Attendance.count().run() == 0


async def test_locked_sheet_gets_a_clear_message_for_facilitators(facilitator_client, workshop):
    session = await session_at(workshop, now() - 30 * 24 * HOUR)
    person = await enrol(workshop, "Sari", now() - 60 * 24 * HOUR)
    await mark(session, person, "absent")
    page = await facilitator_client.get(sheet_url(session))
    assert "Ask an organizer to correct it." in page.text and 'value="present"' not in page.text
    response = await post_form(facilitator_client, f"{sheet_url(session)}/{person}", {"status": "present"}, htmx=True)
    assert response.status_code == 409 and "locked" in response.text
    assert await stored_status(session, person) == "absent"


async def test_organizer_corrects_a_locked_sheet_and_it_is_audited(organizer_client, workshop):
    from server.audit import AuditEvent

    session = await session_at(workshop, now() - 30 * 24 * HOUR)
    person = await enrol(workshop, "Sari", now() - 60 * 24 * HOUR)
    page = await organizer_client.get(sheet_url(session))
    assert "every correction is written to the audit log" in page.text
    response = await post_form(organizer_client, f"{sheet_url(session)}/{person}", {"status": "present"}, htmx=True)
    assert response.status_code == 200 and await stored_status(session, person) == "present"
    assert (
        await AuditEvent.exists()
        .where((AuditEvent.action == "correct") & (AuditEvent.subject_id == session["id"]))
        .run()
    )


async def test_facilitator_of_another_program_gets_403_and_no_names(client, workshop, today):
    session, people = today
    outsider = await make_staff(role="facilitator", username="luar")
    await sign_in(client, outsider.username)
    for url in (
        sheet_url(session),
        "/manage/programs/batik/attendance",
        "/manage/programs/batik/attendance/register",
        "/manage/programs/batik/attendance.csv",
        f"/manage/programs/batik/participants/{people['Sari']}/goals",
        f"/manage/programs/batik/participants/{people['Sari']}/certificate",
    ):
        response = await client.get(url)
        assert response.status_code == 403, url
        assert "Sari" not in response.text and "Budi" not in response.text
    response = await post_form(client, f"{sheet_url(session)}/{people['Sari']}", {"status": "present"}, htmx=True)
    assert response.status_code == 403 and "Sari" not in response.text
    assert await stored_status(session, people["Sari"]) is None


async def test_session_of_another_program_is_404(facilitator_client, workshop):
    other = await make_program(slug="lain")
    session = await session_at(other, now() - HOUR)
    assert (await facilitator_client.get(sheet_url(session))).status_code == 404


async def test_two_facilitators_on_the_same_sheet_lose_no_update(app, workshop, today, facilitator):
    from litestar.testing import AsyncTestClient

    from server.programs.tables import TeamMember

    session, people = today
    colleague = await make_staff(role="facilitator", username="rekan")
    await TeamMember(program=workshop.id, staff=colleague.id, role="co_facilitator").save().run()
    async with (
        AsyncTestClient(app=app, base_url="http://testserver.local") as first,
        AsyncTestClient(app=app, base_url="http://testserver.local") as second,
    ):
        await sign_in(first, facilitator.username)
        await sign_in(second, colleague.username)
        responses = await asyncio.gather(
            post_form(first, f"{sheet_url(session)}/{people['Sari']}", {"status": "present"}, htmx=True),
            post_form(second, f"{sheet_url(session)}/{people['Budi']}", {"status": "late"}, htmx=True),
            post_form(second, f"{sheet_url(session)}/{people['Citra']}", {"status": "absent"}, htmx=True),
        )
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert [await stored_status(session, people[n]) for n in ("Sari", "Budi", "Citra")] == [
            "present",
            "late",
            "absent",
        ]
        await post_form(first, f"{sheet_url(session)}/{people['Sari']}", {"status": "late"}, htmx=True)
        await post_form(second, f"{sheet_url(session)}/{people['Sari']}", {"status": "excused"}, htmx=True)
        assert await stored_status(session, people["Sari"]) == "excused"


async def test_mark_the_rest_absent(facilitator_client, today):
    session, people = today
    await post_form(facilitator_client, f"{sheet_url(session)}/{people['Sari']}", {"status": "present"}, htmx=True)
    response = await post_form(facilitator_client, f"{sheet_url(session)}/rest-absent")
    assert response.status_code == 303
    assert [await stored_status(session, people[n]) for n in ("Sari", "Budi", "Citra")] == [
        "present",
        "absent",
        "absent",
    ]
    page = await facilitator_client.get(sheet_url(session))
    assert "2 people marked absent." in page.text


async def test_everyone_present_then_one_tap_for_who_did_not_come(facilitator_client, today):
    session, people = today
    page = (await facilitator_client.get(sheet_url(session))).text
    assert "Everyone present" in page
    await post_form(facilitator_client, f"{sheet_url(session)}/{people['Citra']}", {"status": "excused"}, htmx=True)
    page = (await facilitator_client.get(sheet_url(session))).text
    assert "Everyone present" not in page and "Mark the rest present (2 people)" in page
    response = await post_form(facilitator_client, f"{sheet_url(session)}/rest-present")
    assert response.status_code == 303 and response.headers["location"].endswith("/attendance")
    assert [await stored_status(session, people[n]) for n in ("Sari", "Budi", "Citra")] == [
        "present",
        "present",
        "excused",
    ]
    page = (await facilitator_client.get(sheet_url(session))).text
    assert "2 people marked present." in page and "Mark the rest" not in page
    response = await post_form(facilitator_client, f"{sheet_url(session)}/{people['Budi']}", {"status": "absent"})
    assert response.status_code == 303 and await stored_status(session, people["Budi"]) == "absent"


async def test_walk_in_and_guest_on_the_sheet(facilitator_client, today):
    from server.attendance.tables import Attendance

    session, _people = today
    response = await post_form(facilitator_client, f"{sheet_url(session)}/walk-in", {"display_name": "Wati"}, htmx=True)
    assert response.status_code == 400 and "<html" not in response.text and "tick the box" in response.text
    response = await post_form(
        facilitator_client, f"{sheet_url(session)}/walk-in", {"display_name": "Wati", "consent_participation": "on"}
    )
    assert response.status_code == 303
    page = await facilitator_client.get(sheet_url(session))
    assert "Wati was registered, enrolled and marked present." in page.text
    response = await post_form(facilitator_client, f"{sheet_url(session)}/guests", {"guest_label": ""}, htmx=True)
    assert response.status_code == 400 and "This field is required." in response.text
    assert (
        await post_form(facilitator_client, f"{sheet_url(session)}/guests", {"guest_label": "Ibu dari RW 2"})
    ).status_code == 303
    page = await facilitator_client.get(sheet_url(session))
    assert "Wati" in page.text and "Ibu dari RW 2" in page.text
    guest = await Attendance.select(Attendance.id).where(Attendance.participant.is_null()).first().run()
    assert (await post_form(facilitator_client, f"{sheet_url(session)}/guests/{guest['id']}/remove")).status_code == 303
    assert not await Attendance.exists().where(Attendance.participant.is_null()).run()


async def test_walk_ins_are_refused_for_programs_taking_people_by_approval(facilitator_client, facilitator):
    from server.people.tables import Participant
    from server.programs.tables import TeamMember

    program = await make_program(slug="seleksi", enrolment_mode="approval")
    await TeamMember(program=program.id, staff=facilitator.id, role="lead").save().run()
    session = await session_at(program, now() - HOUR)
    page = await facilitator_client.get(sheet_url(session, "seleksi"))
    assert "does not take people on the spot" in page.text
    response = await post_form(
        facilitator_client,
        f"{sheet_url(session, 'seleksi')}/walk-in",
        {"display_name": "Joko", "consent_participation": "on"},
    )
    assert response.status_code == 409 and "does not take people on the spot" in response.text
    assert await Participant.count().run() == 0


async def test_attendance_tab_shows_counts_rates_and_early_warnings(facilitator_client, workshop):
    people = {name: await enrol(workshop, name, now() - 10 * WEEK) for name in ("Sari", "Budi")}
    sessions = [await session_at(workshop, now() - (3 - n) * WEEK) for n in range(3)]
    cancelled = await session_at(workshop, now() - 2 * WEEK + 24 * HOUR, status="cancelled", topic="Batal karena hujan")
    for session, (sari, budi) in zip(
        sessions, [("present", "present"), ("late", "absent"), ("excused", "absent")], strict=True
    ):
        await mark(session, people["Sari"], sari)
        await mark(session, people["Budi"], budi)
    await session_at(workshop, now() + 2 * WEEK, status="scheduled", topic="Sesi yang akan datang")
    await Program.update({Program.phase: "evaluation"}).where(Program.id == workshop.id).run()  # certificates now
    page = await facilitator_client.get("/manage/programs/batik/attendance")
    assert page.status_code == 200
    assert "Early warning" in page.text and "2 absences in a row" in page.text
    warning_section = page.text.split("warnings-heading", 1)[1].split("</section>", 1)[0]
    assert "Budi" in warning_section and "Sari" not in warning_section
    assert "Batal karena hujan" in page.text and "Does not count" in page.text
    assert "Sesi yang akan datang" not in page.text
    assert "100%" in page.text and "33%" in page.text
    assert f"/participants/{people['Sari']}/certificate" in page.text
    assert f"/participants/{people['Budi']}/certificate" not in page.text
    for session in sessions:
        assert sheet_url(session) in page.text
    assert cancelled["id"]


async def test_printable_register_and_csv(facilitator_client, workshop):
    from zoneinfo import ZoneInfo

    sari = await enrol(workshop, "Sari", now() - 10 * WEEK, phone="0812 1111 2222", email="sari@example.org")
    budi = await enrol(workshop, "=Budi", now() - 10 * WEEK)
    first = await session_at(workshop, now() - 2 * WEEK, topic="Mencanting")
    second = await session_at(workshop, now() - WEEK, topic="Mewarnai")
    await mark(first, sari, "present")
    await mark(first, budi, "late")
    await mark(second, sari, "excused")
    await mark(second, None, "present", guest_label="Tamu")
    day = first["starts_at"].astimezone(ZoneInfo("Asia/Jakarta")).date()
    last = second["starts_at"].astimezone(ZoneInfo("Asia/Jakarta")).date()

    page = await facilitator_client.get(f"/manage/programs/batik/attendance/register?from={day}&to={last}")
    assert page.status_code == 200
    assert 'href="/static/print.' in page.text and "<style" not in page.text
    assert "register-grid" in page.text and "Sari" in page.text and "0812" not in page.text
    assert "P = Present" in page.text.replace("<strong>", "").replace("</strong>", "")
    narrow = await facilitator_client.get(f"/manage/programs/batik/attendance/register?from={day}&to={day}")
    assert narrow.text.count('class="register-session"') == 1
    bad = await facilitator_client.get(f"/manage/programs/batik/attendance/register?from={last}&to={day}")
    assert bad.status_code == 400 and "The end date is before the start date." in bad.text
    css = await facilitator_client.get("/static/print.css")
    assert css.status_code == 200 and "@media print" in css.text

    response = await facilitator_client.get(f"/manage/programs/batik/attendance.csv?from={day}&to={last}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"].startswith("attachment;")
        and ".csv" in response.headers["content-disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Date", "Time", "Topic", "Name", "Taking part as", "Attendance"]
    body = [row[2:] for row in rows[1:]]
    assert body == [
        ["Mencanting", "'=Budi", "Participant", "Late"],
        ["Mencanting", "Sari", "Participant", "Present"],
        ["Mewarnai", "'=Budi", "Participant", ""],
        ["Mewarnai", "Sari", "Participant", "Excused"],
        ["Mewarnai", "Tamu", "Guest", "Present"],
    ]
    assert rows[1][0] == day.isoformat()
    assert "0812" not in response.text and "example.org" not in response.text
    assert (await facilitator_client.get("/manage/programs/batik/attendance.csv?from=kemarin")).status_code == 400


async def test_csv_header_follows_the_active_language(facilitator_client, workshop):
    await post_form(facilitator_client, "/language", {"lang": "id", "next": "/"})
    response = await facilitator_client.get("/manage/programs/batik/attendance.csv")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    await post_form(facilitator_client, "/language", {"lang": "en", "next": "/"})
    english = next(
        csv.reader(
            io.StringIO(
                (await facilitator_client.get("/manage/programs/batik/attendance.csv")).content.decode("utf-8-sig")
            )
        )
    )
    assert english == ["Date", "Time", "Topic", "Name", "Taking part as", "Attendance"]
    assert len(header) == 6 and header[3] == "Nama"


async def test_certificate_page_and_threshold(facilitator_client, workshop):
    good = await enrol(workshop, "Sari", now() - 10 * WEEK, legal_name="Sari Wulandari")
    weak = await enrol(workshop, "Budi", now() - 10 * WEEK)
    for n, (a, b) in enumerate(
        [("present", "present"), ("present", "absent"), ("late", "absent"), ("absent", "absent")]
    ):
        session = await session_at(workshop, now() - (4 - n) * WEEK)
        await mark(session, good, a)
        await mark(session, weak, b)
    await Program.update({Program.phase: "evaluation"}).where(Program.id == workshop.id).run()
    page = await facilitator_client.get(f"/manage/programs/batik/participants/{good}/certificate")
    assert page.status_code == 200
    # The facilitator is on the team, so may see the legal name; the lead facilitator signs.
    assert "Sari Wulandari" in page.text and "Kelas Batik" in page.text and "Fajar Facilitator" in page.text
    assert 'href="/static/print.' in page.text
    refused = await facilitator_client.get(f"/manage/programs/batik/participants/{weak}/certificate")
    assert refused.status_code == 409 and "at least 75%" in refused.text and "25%" in refused.text
    assert (await facilitator_client.get("/manage/programs/batik/participants/999999/certificate")).status_code == 404


async def test_the_old_goals_page_leads_to_the_person_and_saves_nothing(facilitator_client, workshop):
    # Individual goals moved into case plans (tests/cases/test_moved_goals.py): the old addresses lead on to the
    # person's plan, which a facilitator without a case of theirs reaches as the person's page.
    from server.enrolment.tables import IndividualGoal

    person = await enrol(workshop, "Sari", now() - WEEK)
    url = f"/manage/programs/batik/participants/{person}/goals"
    page = await facilitator_client.get(url)
    assert page.status_code == 200 and "Sari" in page.text and str(page.url).endswith(f"/participants/{person}")
    response = await post_form(facilitator_client, url, {"statement": "Menjual 5 kain batik di pasar"})
    assert response.status_code == 303 and response.headers["location"] == f"/cases/person/{person}"
    assert await IndividualGoal.count().run() == 0
    assert (await facilitator_client.get("/manage/programs/batik/participants/999999/goals")).status_code == 404


async def _seed(program, sessions: int, people: int) -> dict:
    ids = [await enrol(program, f"Peserta {program.slug} {n}", now() - 60 * WEEK) for n in range(people)]
    for n in range(sessions):
        session = await session_at(program, now() - (n + 1) * 24 * HOUR)
        for index, person in enumerate(ids):
            await mark(session, person, ("present", "late", "excused", "absent")[(n + index) % 4])
    return session


async def test_attendance_pages_run_a_constant_number_of_queries(organizer_client):
    counts = {}
    for size in (5, 40):
        program = await make_program(slug=f"ukuran-{size}")
        session = await _seed(program, size, size)
        found = []
        base = f"/manage/programs/ukuran-{size}"
        for url in (
            f"{base}/attendance",
            f"{base}/attendance/register",
            f"{base}/attendance.csv",
            sheet_url(session, f"ukuran-{size}"),
        ):
            with count_queries() as counter:
                assert (await organizer_client.get(url)).status_code == 200
            found.append(counter["n"])
        counts[size] = found
    assert counts[5] == counts[40], counts


async def test_walk_in_when_the_program_is_full_is_a_guest_on_the_sheet(facilitator_client, facilitator):
    from server.people.tables import Participant
    from server.programs.tables import TeamMember

    program = await make_program(slug="penuh", capacity=1)
    await TeamMember(program=program.id, staff=facilitator.id, role="lead").save().run()
    await enrol(program, "Sari", now() - WEEK)
    session = await session_at(program, now() - HOUR / 2, status="scheduled")
    count = await Participant.count().run()
    page = await facilitator_client.get(sheet_url(session, "penuh"))
    assert "Enrol them even if the program is full" not in page.text  # an organizer's choice only
    response = await post_form(
        facilitator_client,
        f"{sheet_url(session, 'penuh')}/walk-in",
        {"display_name": "Wati", "consent_participation": "on"},
    )
    assert response.status_code == 303
    page = await facilitator_client.get(sheet_url(session, "penuh"))
    assert "The program is full, so Wati was counted as a guest of this session." in page.text
    assert await Participant.count().run() == count


async def test_a_sheet_recorded_after_the_fact_lists_later_joiners_apart_and_a_mark_counts_for_them(
    facilitator_client, workshop
):
    from server.attendance import rates

    session = await session_at(workshop, now() - 2 * 24 * HOUR, status="scheduled", topic="Dari kertas")
    sari = await enrol(workshop, "Sari", now() - WEEK)
    joined = await enrol(workshop, "Dewi Baru", now() - HOUR)
    page = (await facilitator_client.get(sheet_url(session))).text
    heading = page.index("Enrolled after this session started")
    assert page.index("Sari") < heading < page.index("Dewi Baru")
    assert "Nobody was enrolled" not in page
    assert "Everyone present" in page  # nobody enrolled at the start is marked yet: Dewi is not expected
    response = await post_form(facilitator_client, f"{sheet_url(session)}/{joined}", {"status": "present"}, htmx=True)
    assert response.status_code == 200 and f'id="p-{joined}"' in response.text
    assert 'class="status-present" aria-pressed="true"' in response.text
    await post_form(facilitator_client, f"{sheet_url(session)}/{sari}", {"status": "absent"})
    rate = (await rates.participant_rates(workshop.id))[joined]
    assert (rate.attended, rate.absent, rate.rate) == (1, 0, 1.0)
    tab = (await facilitator_client.get("/manage/programs/batik/attendance")).text
    dewi_row = tab[tab.index("Dewi Baru") :]
    assert "<td>1</td>" in dewi_row[: dewi_row.index("</tr>")] and "100" in dewi_row[: dewi_row.index("</tr>")]


async def test_wide_tables_of_the_attendance_tab_scroll_in_a_labelled_focusable_region(facilitator_client, today):
    page = (await facilitator_client.get("/manage/programs/batik/attendance")).text
    for title in ("Sessions so far", "Attendance per person"):
        assert f'class="table-scroll" role="region" aria-label="Table: {title}" tabindex="0"' in page


async def test_the_row_a_mark_answers_with_equals_that_row_of_the_whole_sheet(workshop, today, facilitator):
    """sheet(only=…) reads one person in one SQL query; it must say what the whole sheet says of them."""
    from server.attendance import sheets
    from server.attendance.tables import Attendance
    from server.people.consent import withdraw_consent

    session, people = today
    later = await enrol(workshop, "Datang Belakangan", now() + HOUR)
    await mark(session, people["Sari"], "late")
    await Attendance.update({Attendance.note: "Macet", Attendance.recorded_by: facilitator.id}, force=True).run()
    await mark(session, later, "present")
    await withdraw_consent(people["Budi"], "participation", actor=None)
    program = await Program.select().where(Program.id == workshop.id).first().run()
    whole = await sheets.sheet(facilitator, program, session)
    assert len(whole["rows"]) == 4
    for row in whole["rows"]:
        one = await sheets.sheet(facilitator, program, session, only=row["participant_id"])
        assert one["rows"] == [row]
        assert one["editable"] == whole["editable"] and one["state"] == whole["state"]
    outsider = await enrol(await make_program(slug="lain"), "Orang Lain", now() - WEEK)
    assert (await sheets.sheet(facilitator, program, session, only=outsider))["rows"] == []
