"""CSV exports: spreadsheet-friendly files in the active language, only the rows and fields the viewer may see,
and bad parameters answered with a 400 page."""

import csv
import dataclasses
import io
from datetime import UTC, datetime, timedelta

import pytest
from conftest import sign_in
from factories import make_program, make_staff
from report_helpers import enrol, mark, session_at

from server.reports import exports

SECRET_TITLE = "Kelompok Dukungan ODHIV"
PUBLIC_TITLE = "Kelompok Kamis"


def rows_of(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
async def world(db):
    """A discreet program with its own team member, and an ordinary program with another team."""
    from survey_helpers import make_survey, respond

    from server.people.consent import record_consent
    from server.programs.tables import TeamMember

    now = datetime.now(UTC)
    discreet = await make_program(
        slug="rahasia", title=SECRET_TITLE, public_title=PUBLIC_TITLE, discreet=True, kind="support_group"
    )
    plain = await make_program(slug="biasa", title="Kelas Komputer")
    own = await make_staff(display_name="Tim Rahasia")
    other = await make_staff(display_name="Tim Biasa")
    await TeamMember.insert(
        TeamMember(program=discreet.id, staff=own.id, role="lead"),
        TeamMember(program=plain.id, staff=other.id, role="lead"),
    ).run()
    hidden = await session_at(discreet, now - timedelta(days=3), topic='=HYPERLINK("http://jahat.example")')
    shown = await session_at(plain, now - timedelta(days=3), topic="Mengetik")
    secret_person = await enrol(
        discreet, "Mawar", now - timedelta(days=30), phone="0812 7070 9191", email="mawar@contoh.id"
    )
    plain_person = await enrol(plain, "@Melati", now - timedelta(days=30), phone="0813 1111 2222")
    await record_consent(plain_person, "contact", actor=None)
    await mark(hidden, secret_person, "present")
    await mark(shown, plain_person, "late")
    await mark(shown, None, "present", guest_label="-Tamu")
    organizer = await make_staff(role="organizer", display_name="Org")
    survey = await make_survey(
        organizer,
        title="Umpan balik rahasia",
        purpose="session_feedback",
        program=discreet.id,
        anonymous=False,
        questions=[
            {"code": "useful", "kind": "likert", "text": "Bermanfaat?"},
            {"code": "why", "kind": "long_text", "text": "Kenapa?"},
        ],
    )
    await respond(survey, {"useful": 4, "why": "Cerita pribadi"}, participant_id=secret_person)
    return {"discreet": discreet, "plain": plain, "own": own, "other": other, "organizer": organizer}


@pytest.fixture
async def client_with_limit(db, settings):
    """Builds a client of an app whose settings carry another small-group limit."""
    from litestar.testing import AsyncTestClient

    from server.app import create_app

    opened = []

    async def build(limit: int):
        client = AsyncTestClient(
            app=create_app(dataclasses.replace(settings, min_group_size=limit)), base_url="http://testserver.local"
        )
        opened.append(client)
        return await client.__aenter__()

    yield build
    for client in opened:
        await client.__aexit__(None, None, None)


async def export(client, kind: str, query: str = ""):
    return await client.get(f"/reports/exports/{kind}.csv{query}")


async def test_exports_are_utf8_with_bom_and_spreadsheet_headers(client, world):
    await sign_in(client, world["organizer"].username)
    response = await export(client, "sessions")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = rows_of(response)
    assert rows[0][:4] == ["Program", "Date", "Start time", "End time"]
    assert len(rows) == 3


async def test_cells_that_would_start_a_formula_are_quoted(client, world):
    await sign_in(client, world["organizer"].username)
    sessions = rows_of(await export(client, "sessions"))
    assert '\'=HYPERLINK("http://jahat.example")' in [row[4] for row in sessions]
    attendance = rows_of(await export(client, "attendance"))
    names = [row[5] for row in attendance[1:]]
    assert "'@Melati" in names and "'-Tamu" in names
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in sessions + attendance for cell in row)


async def test_headers_follow_the_active_language(client, world):
    from server.people.staff import set_locale_preference

    await set_locale_preference(world["organizer"].id, "id")
    await sign_in(client, world["organizer"].username)
    header = rows_of(await export(client, "attendance"))[0]
    assert header[1:4] == ["Tanggal", "Waktu", "Topik"] and header[-1] == "Kehadiran"


async def test_a_facilitator_gets_only_their_programs_rows(client, world):
    await sign_in(client, world["other"].username)
    for kind in exports.KINDS:
        response = await export(client, kind)
        assert response.status_code == 200, kind
        body = response.content.decode("utf-8-sig")
        for secret in (SECRET_TITLE, PUBLIC_TITLE, "Mawar", "0812 7070 9191", "mawar@contoh.id", "Umpan balik rahasia"):
            assert secret not in body, (kind, secret)
    enrolments = rows_of(await export(client, "enrolments"))
    assert [row[2] for row in enrolments[1:]] == ["'@Melati"]
    assert enrolments[1][7] == "0813 1111 2222" and enrolments[1][9] == "Yes"


async def test_contact_details_only_for_the_team_and_admins(client, world, admin):
    await sign_in(client, world["organizer"].username)
    body = (await export(client, "enrolments")).content.decode("utf-8-sig")
    assert "Mawar" in body and SECRET_TITLE in body
    assert "0812 7070 9191" not in body and "mawar@contoh.id" not in body and "0813 1111 2222" not in body
    await sign_in(client, world["own"].username)
    own = rows_of(await export(client, "enrolments"))
    assert [(row[2], row[7], row[8]) for row in own[1:]] == [("Mawar", "0812 7070 9191", "mawar@contoh.id")]
    await sign_in(client, admin.username)
    body = (await export(client, "enrolments")).content.decode("utf-8-sig")
    assert "0812 7070 9191" in body and "0813 1111 2222" in body


async def test_exporting_contact_details_is_audited(client, world):
    from server.audit import AuditEvent

    await sign_in(client, world["own"].username)
    await export(client, "enrolments")
    event = await AuditEvent.select().where(AuditEvent.summary.like("exported contact details%")).first().run()
    assert event is not None and event["actor"] == world["own"].id


async def test_discreet_real_title_only_for_staff_who_manage_it(client_with_limit, world):
    # A limit of 1 lets the one survey response through: this test is about titles, not small groups.
    client = await client_with_limit(1)
    await sign_in(client, world["own"].username)
    for kind in ("programs", "sessions", "enrolments", "attendance", "surveys"):
        body = (await export(client, kind)).content.decode("utf-8-sig")
        assert SECRET_TITLE in body, kind
    await sign_in(client, world["other"].username)
    for kind in exports.KINDS:
        assert SECRET_TITLE not in (await export(client, kind)).content.decode("utf-8-sig"), kind


async def test_survey_results_leave_free_text_out(client_with_limit, world):
    client = await client_with_limit(1)
    await sign_in(client, world["own"].username)
    rows = rows_of(await export(client, "surveys"))
    assert rows[0][0] == "Survey"
    assert [(row[0], row[5], row[7], row[8]) for row in rows[1:]] == [("Umpan balik rahasia", "Bermanfaat?", "1", "4")]
    assert "Cerita pribadi" not in "".join(",".join(row) for row in rows)


async def _survey_with_groups(organizer, sizes: list, *, anonymous: bool, questions=None):
    """An organisation-wide survey answered for several programs: `sizes` pairs a program with its responses."""
    from survey_helpers import make_survey, respond

    questions = questions or [{"code": "useful", "kind": "likert", "text": "Bermanfaat?"}]
    survey = await make_survey(
        organizer, title="Survei bersama", purpose="post", anonymous=anonymous, questions=questions
    )
    for program, size in sizes:
        for _ in range(size):
            await respond(survey, {"useful": 4}, program_id=program.id)
    return survey


async def test_a_named_surveys_small_group_is_not_exported(client, world):
    await _survey_with_groups(world["organizer"], [(world["plain"], 2)], anonymous=False)
    await sign_in(client, world["organizer"].username)
    rows = rows_of(await export(client, "surveys"))
    assert not [row for row in rows[1:] if row[0] == "Survei bersama"]


async def test_survey_export_follows_the_configured_small_group_limit(client_with_limit, world):
    await _survey_with_groups(world["organizer"], [(world["plain"], 3)], anonymous=False)
    for limit, exported in ((3, True), (4, False)):
        client = await client_with_limit(limit)
        await sign_in(client, world["organizer"].username)
        rows = rows_of(await export(client, "surveys"))
        assert bool([row for row in rows[1:] if row[0] == "Survei bersama"]) is exported, limit


@pytest.mark.parametrize("anonymous", [True, False])
async def test_a_hidden_survey_group_takes_the_smallest_other_group_with_it(client, world, anonymous):
    """Groups of 2, 6 and 7: the 2 is hidden, and so is the 6, or the survey's total minus the shown groups would
    give the 2 away."""
    third = await make_program(slug="ketiga", title="Program Ketiga")
    await _survey_with_groups(
        world["organizer"], [(world["discreet"], 2), (world["plain"], 6), (third, 7)], anonymous=anonymous
    )
    await sign_in(client, world["organizer"].username)
    rows = [row for row in rows_of(await export(client, "surveys"))[1:] if row[0] == "Survei bersama"]
    assert [(row[2], row[3]) for row in rows] == [("Program Ketiga", "7")]


async def test_a_question_answered_by_a_small_group_is_not_exported(client, world):
    from survey_helpers import make_survey, respond

    questions = [
        {"code": "useful", "kind": "likert", "text": "Bermanfaat?"},
        {"code": "again", "kind": "likert", "text": "Ikut lagi?"},
    ]
    survey = await make_survey(
        world["organizer"], title="Survei bersama", purpose="post", program=world["plain"].id, questions=questions
    )
    for index in range(6):
        await respond(survey, {"useful": 4, **({"again": 5} if index < 2 else {})})
    await sign_in(client, world["organizer"].username)
    rows = [row for row in rows_of(await export(client, "surveys"))[1:] if row[0] == "Survei bersama"]
    assert [row[5] for row in rows] == ["Bermanfaat?"]


async def test_program_and_date_filters(client, world):
    await sign_in(client, world["organizer"].username)
    only = rows_of(await export(client, "sessions", f"?program={world['plain'].id}"))
    assert [row[0] for row in only[1:]] == ["Kelas Komputer"]
    last_year = datetime.now(UTC).year - 1
    empty = rows_of(await export(client, "attendance", f"?from={last_year}-01-01&to={last_year}-12-31"))
    assert len(empty) == 1
    programs = rows_of(await export(client, "programs"))
    assert sorted(row[1] for row in programs[1:]) == ["biasa", "rahasia"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("?from=2026-13-01", "Enter a date as YYYY-MM-DD."),
        ("?from=2026-06-01&to=2026-01-01", "The end date is before the start date."),
        ("?program=abc", "Enter a whole number."),
        ("?program=99999999999999", "At most 12 characters."),
        ("?program=2147483648", "Must be at most 2147483647."),
        ("?program=0", "Must be at least 1."),
    ],
)
async def test_bad_parameters_answer_a_400_page(client, world, query, message):
    await sign_in(client, world["organizer"].username)
    response = await export(client, "sessions", query)
    assert response.status_code == 400
    assert message in response.text
    assert "<form" in response.text


async def test_another_teams_program_is_a_400_not_its_rows(client, world):
    await sign_in(client, world["other"].username)
    response = await export(client, "attendance", f"?program={world['discreet'].id}")
    assert response.status_code == 400
    assert "Choose one of the options." in response.text
    assert SECRET_TITLE not in response.text and PUBLIC_TITLE not in response.text


async def test_unknown_export_is_404(organizer_client):
    assert (await organizer_client.get("/reports/exports/secrets.csv")).status_code == 404
    assert (await organizer_client.get("/reports/exports/programs.json")).status_code == 404


async def test_the_exports_page_sends_the_chosen_file(organizer_client):
    page = await organizer_client.get("/reports/exports")
    assert page.status_code == 200 and 'name="kind"' in page.text
    response = await organizer_client.get(
        "/reports/exports?kind=attendance&from=2026-01-01&to=2026-03-31&program=", follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/reports/exports/attendance.csv?from=2026-01-01&to=2026-03-31"
    bad = await organizer_client.get("/reports/exports?kind=attendance&from=31-12-2026")
    assert bad.status_code == 400 and "Enter a date as YYYY-MM-DD." in bad.text


async def test_the_report_links_to_its_programs_exports(client, world):
    await sign_in(client, world["own"].username)
    report = await client.get("/manage/programs/rahasia/report")
    assert f'href="/reports/exports?program={world["discreet"].id}"' in report.text
    page = await client.get(f"/reports/exports?program={world['discreet'].id}")
    assert f'<option value="{world["discreet"].id}" selected>{SECRET_TITLE}</option>' in page.text
    assert "Kelas Komputer" not in page.text
