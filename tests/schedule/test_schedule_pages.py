"""Schedule pages through the client: who may see them, each form's errors, htmx blocks, warnings, the agenda."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from conftest import post_form, sign_in
from schedule_helpers import join_team, program_row, sessions_of
from schedule_querycount import count_queries

from server.schedule import services as schedule
from server.schedule.services import Details, Repeat
from server.schedule.tables import ProgramSession, Series

NEXT_YEAR = date.today().year + 1


@pytest.fixture
async def workshop(db):
    from factories import make_program

    program = await make_program(
        slug="menjahit", title="Kelas Menjahit", timezone="Asia/Jakarta", default_location="Balai RW 05"
    )
    return await program_row(program)


def url(program, rest=""):
    return f"/manage/programs/{program['slug']}{rest}"


SESSION = {
    "date": f"{NEXT_YEAR}-03-05",
    "start_time": "19:00",
    "end_time": "20:30",
    "topic": "Pola dasar",
    "location": "Balai RW 05",
}
SERIES = {**SESSION, "frequency": "weekly", "weekdays": ["TH"], "interval": "1", "count": "6"}


# --- access ----------------------------------------------------------------------------------------


async def test_anonymous_visitors_are_sent_to_sign_in(client, workshop):
    response = await client.get(url(workshop, "/schedule"), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/manage/programs/{workshop['slug']}/schedule"


async def test_facilitator_not_on_the_team_is_forbidden(facilitator_client, workshop):
    from factories import make_session

    session = await make_session(SimpleNamespace(id=workshop["id"]))
    assert (await facilitator_client.get(url(workshop, "/schedule"))).status_code == 403
    assert (await facilitator_client.get(url(workshop, f"/sessions/{session.id}"))).status_code == 403
    response = await post_form(facilitator_client, url(workshop, "/sessions"), SESSION)
    assert response.status_code == 403
    response = await post_form(facilitator_client, url(workshop, f"/sessions/{session.id}/cancel"), {"reason": "x"})
    assert response.status_code == 403
    assert (await ProgramSession.select().where(ProgramSession.id == session.id).first().run())["status"] == "scheduled"


async def test_facilitator_on_the_team_sees_the_schedule(facilitator_client, facilitator, workshop):
    await join_team(workshop, facilitator)
    response = await facilitator_client.get(url(workshop, "/schedule"))
    assert response.status_code == 200
    assert "Kelas Menjahit" in response.text
    assert "Fajar Facilitator" in response.text  # offered as a facilitator


async def test_unknown_program_or_session_of_another_program_is_404(organizer_client, workshop):
    from factories import make_program, make_session

    foreign = await make_session(await make_program())
    assert (await organizer_client.get("/manage/programs/nope/schedule")).status_code == 404
    assert (await organizer_client.get(url(workshop, f"/sessions/{foreign.id}"))).status_code == 404


# --- the schedule page -----------------------------------------------------------------------------


async def test_schedule_lists_upcoming_and_past_with_cancelled_marked(organizer_client, workshop):
    from factories import make_session

    program = SimpleNamespace(id=workshop["id"])
    await make_session(program, topic="Mengukur badan")
    await make_session(program, starts_in=timedelta(days=-7), topic="Perkenalan")
    await make_session(
        program, starts_in=timedelta(days=9), topic="Menjahit kancing", status="cancelled", cancel_reason="Hujan deras"
    )
    page = await organizer_client.get(url(workshop, "/schedule"))
    assert page.status_code == 200
    text = page.text
    assert text.index("Mengukur badan") < text.index("Menjahit kancing") < text.index("Perkenalan")
    assert "Cancelled" in text and "Hujan deras" in text
    assert 'aria-current="page"' in text and "/schedule" in text


async def test_schedule_page_runs_the_same_queries_for_5_or_200_sessions(organizer_client, organizer, workshop):
    from server.schedule.tables import SessionFacilitator

    await join_team(workshop, organizer)
    now = datetime.now(UTC).replace(microsecond=0)

    async def seed(n, offset):
        # Past and coming sessions, each with a facilitator, so that every part of the page has rows to show.
        rows = [
            ProgramSession(
                program=workshop["id"],
                uid=schedule.new_uid(),
                topic=f"Topic {offset + i}",
                starts_at=now + timedelta(days=offset + i - 50),
                ends_at=now + timedelta(days=offset + i - 50, hours=1),
            )
            for i in range(n)
        ]
        await ProgramSession.insert(*rows).run()
        saved = (
            await ProgramSession.select(ProgramSession.id)
            .where(ProgramSession.uid.is_in([row.uid for row in rows]))
            .run()
        )
        await SessionFacilitator.insert(
            *[SessionFacilitator(session=row["id"], staff=organizer.id) for row in saved]
        ).run()

    await seed(5, 48)
    await organizer_client.get("/dashboard")  # shows (and so removes) the welcome message: the session is written once
    async with count_queries() as small:
        assert (await organizer_client.get(url(workshop, "/schedule"))).status_code == 200
    await seed(195, 0)
    async with count_queries() as large:
        page = await organizer_client.get(url(workshop, "/schedule"))
    assert page.status_code == 200
    assert page.text.count('class="session-row') == 200
    assert small.count == large.count, large.statements


# --- adding ----------------------------------------------------------------------------------------


async def test_add_a_single_session(organizer_client, workshop):
    response = await post_form(organizer_client, url(workshop, "/sessions"), SESSION)
    assert response.status_code == 303
    assert response.headers["location"] == url(workshop, "/schedule")
    rows = await sessions_of(workshop["id"])
    assert len(rows) == 1
    assert (rows[0]["topic"], rows[0]["location"], rows[0]["series"]) == ("Pola dasar", "Balai RW 05", None)
    assert rows[0]["starts_at"].hour == 12  # 19:00 in Jakarta
    page = await organizer_client.get(url(workshop, "/schedule"))
    assert "Session added." in page.text and "Pola dasar" in page.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": ""}, "This field is required."),
        ({"date": "5/3/2030"}, "Enter a date as YYYY-MM-DD."),
        ({"start_time": "25:00"}, "Enter a time as HH:MM."),
        ({"end_time": "18:00"}, "The end time must be after the start time."),
        ({"online_link": "zoom.us/j/1"}, "Enter a web address starting with https://."),
        ({"facilitators": ["999"]}, "Choose facilitators from the program&#39;s team."),
        ({"facilitators": ["abc"]}, "Choose one of the options."),
    ],
)
async def test_single_session_form_errors_are_400_and_save_nothing(organizer_client, workshop, changes, message):
    response = await post_form(organizer_client, url(workshop, "/sessions"), {**SESSION, **changes})
    assert response.status_code == 400
    assert message in response.text
    assert "<html" in response.text  # without JavaScript the whole page comes back
    assert await ProgramSession.count().run() == 0


async def test_add_a_weekly_series(organizer_client, workshop):
    response = await post_form(organizer_client, url(workshop, "/series"), SERIES)
    assert response.status_code == 303
    rows = await sessions_of(workshop["id"])
    assert len(rows) == 6
    assert {row["starts_at"].weekday() for row in rows} == {3}  # 19:00 in Jakarta is 12:00 UTC, the same day
    series = await Series.select().first().run()
    assert series["rrule"] == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TH;COUNT=6"
    page = await organizer_client.get(url(workshop, f"/sessions/{rows[0]['id']}"))
    assert "Every week on Thursday; 6 times" in page.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"count": "501"}, "This schedule gives more than 500 sessions; choose an earlier end."),
        ({"count": "", "until": f"{NEXT_YEAR}-03-01"}, "The end date is before the first session."),
        ({"count": ""}, "Give either an end date or a number of sessions."),
        ({"count": "abc"}, "Enter a whole number."),
        ({"interval": "0"}, "Must be at least 1."),
        ({"interval": "99"}, "Must be at most 52."),
        ({"frequency": "daily"}, "Choose one of the options."),
        ({"weekdays": ["XX"]}, "Choose one of the options."),
        ({"end_time": "19:00"}, "The end time must be after the start time."),
        # A Thursday-only series that ends before the first Thursday.
        (
            {"count": "", "date": f"{NEXT_YEAR}-03-02", "until": f"{NEXT_YEAR}-03-02", "weekdays": ["TH"]},
            "This schedule gives no session at all; check the dates.",
        ),
    ],
)
async def test_series_form_errors_are_400_and_save_nothing(organizer_client, workshop, changes, message):
    data = {**SERIES, **changes}
    if data["date"] == f"{NEXT_YEAR}-03-02" and date(NEXT_YEAR, 3, 2).weekday() == 3:
        data["weekdays"] = ["FR"]
    response = await post_form(organizer_client, url(workshop, "/series"), data)
    assert response.status_code == 400
    assert message in response.text
    assert await Series.count().run() == 0
    assert await ProgramSession.count().run() == 0


async def test_htmx_form_error_answers_with_the_form_block_only(organizer_client, workshop):
    response = await post_form(organizer_client, url(workshop, "/series"), {**SERIES, "count": "0"}, htmx=True)
    assert response.status_code == 400
    assert "<html" not in response.text and "<nav" not in response.text
    assert response.text.lstrip().startswith("<form")
    assert 'action="/manage/programs/menjahit/series"' in response.text
    assert "Must be at least 1." in response.text


async def test_htmx_success_redirects_with_hx_redirect(organizer_client, workshop):
    response = await post_form(organizer_client, url(workshop, "/series"), SERIES, htmx=True)
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == url(workshop, "/schedule")


async def test_a_closed_program_shows_its_schedule_read_only_and_refuses_changes(organizer_client, db):
    from factories import make_program

    program = await program_row(await make_program(slug="tutup", phase="closed"))
    page = await organizer_client.get(url(program, "/schedule"))
    assert page.status_code == 200
    assert "can no longer be changed" in page.text
    assert 'action="/manage/programs/tutup/sessions"' not in page.text
    # A rule conflict, not bad input: 409.
    response = await post_form(organizer_client, url(program, "/sessions"), SESSION)
    assert response.status_code == 409
    assert "This program is closed: its schedule can no longer be changed." in response.text
    response = await post_form(organizer_client, url(program, "/sessions"), SESSION, htmx=True)
    assert response.status_code == 409
    assert "This program is closed and can no longer be changed." in response.text
    assert await ProgramSession.count().run() == 0


# --- conflicts -------------------------------------------------------------------------------------


async def test_double_booking_is_saved_with_a_warning(organizer_client, organizer, workshop, staff_factory):
    from factories import make_program

    dewi = await staff_factory(display_name="Dewi Lestari")
    other = await program_row(await make_program(title="Posyandu Balita", timezone="Asia/Jakarta"))
    await join_team(other, dewi)
    await join_team(workshop, dewi)
    await schedule.add_session(
        other,
        day=date(NEXT_YEAR, 3, 5),
        start=time(19, 30),
        end=time(21, 0),
        details=Details(facilitator_ids=(dewi.id,)),
    )
    response = await post_form(
        organizer_client, url(workshop, "/sessions"), {**SESSION, "facilitators": [str(dewi.id)]}
    )
    assert response.status_code == 303
    assert len(await sessions_of(workshop["id"])) == 1
    page = await organizer_client.get(url(workshop, "/schedule"))
    assert "flash-warning" in page.text
    assert "Dewi Lestari is also booked for “Posyandu Balita”" in page.text
    assert "Balai RW 05" in page.text


async def test_a_warning_names_a_discreet_program_outside_my_team_by_its_neutral_title(
    facilitator_client, facilitator, workshop
):
    from factories import make_program

    await join_team(workshop, facilitator)
    hidden = await program_row(
        await make_program(title="Korban KDRT", public_title="Kelompok Kamis", discreet=True, timezone="Asia/Jakarta")
    )
    await schedule.add_session(
        hidden, day=date(NEXT_YEAR, 3, 5), start=time(19, 0), end=time(20, 0), details=Details(location="Balai RW 05")
    )
    response = await post_form(facilitator_client, url(workshop, "/sessions"), SESSION)
    assert response.status_code == 303
    page = await facilitator_client.get(url(workshop, "/schedule"))
    assert "Balai RW 05 is also in use for “Kelompok Kamis”" in page.text
    assert "Korban KDRT" not in page.text


# --- one session -----------------------------------------------------------------------------------


async def _series(program, count=4, **details):
    await schedule.add_series(
        program,
        repeat=Repeat(frequency="weekly", first_day=date(NEXT_YEAR, 3, 5), count=count),
        start=time(19, 0),
        end=time(20, 30),
        details=Details(**details),
    )
    return await sessions_of(program["id"])


async def test_session_page_shows_the_edit_form_with_local_times(organizer_client, workshop):
    rows = await _series(workshop, topic="Pola")
    page = await organizer_client.get(url(workshop, f"/sessions/{rows[1]['id']}"))
    assert page.status_code == 200
    assert 'value="19:00"' in page.text and 'value="20:30"' in page.text
    assert 'name="scope" value="following"' in page.text


async def test_edit_this_and_following_through_the_form(organizer_client, workshop):
    rows = await _series(workshop)
    local_day = (rows[2]["starts_at"] + timedelta(hours=7)).date().isoformat()
    data = {
        "date": local_day,
        "start_time": "18:00",
        "end_time": "19:00",
        "topic": "Bagian 2",
        "location": "Aula",
        "online_link": "",
        "scope": "following",
    }
    response = await post_form(organizer_client, url(workshop, f"/sessions/{rows[2]['id']}"), data)
    assert response.status_code == 303
    assert response.headers["location"] == url(workshop, f"/sessions/{rows[2]['id']}")
    after = await sessions_of(workshop["id"])
    assert [r["topic"] for r in after] == ["", "", "Bagian 2", "Bagian 2"]
    assert await Series.count().run() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scope": "everything"}, "Choose one of the options."),
        ({"end_time": "18:00"}, "The end time must be after the start time."),
        ({"scope": "series", "date": f"{NEXT_YEAR}-03-20"}, "Several sessions cannot move to another day at once"),
    ],
)
async def test_edit_form_errors_are_400_and_change_nothing(organizer_client, workshop, changes, message):
    rows = await _series(workshop)
    local_day = (rows[1]["starts_at"] + timedelta(hours=7)).date().isoformat()
    data = {
        "date": local_day,
        "start_time": "19:00",
        "end_time": "20:30",
        "topic": "X",
        "location": "",
        "online_link": "",
        "scope": "one",
        **changes,
    }
    response = await post_form(organizer_client, url(workshop, f"/sessions/{rows[1]['id']}"), data)
    assert response.status_code == 400
    assert message in response.text
    assert [(r["topic"], r["sequence"], r["detached"]) for r in await sessions_of(workshop["id"])] == [
        ("", 0, False)
    ] * 4


async def test_cancel_inline_with_htmx_swaps_only_the_row(organizer_client, workshop):
    rows = await _series(workshop, topic="Pola")
    target = url(workshop, f"/sessions/{rows[0]['id']}/cancel")
    response = await post_form(
        organizer_client, target, {"reason": "Listrik padam", "return_to": "schedule"}, htmx=True
    )
    assert response.status_code == 200
    text = response.text.strip()
    assert text.startswith('<li class="session-row is-cancelled"') and text.endswith("</li>")
    assert "<html" not in text and "Listrik padam" in text
    assert f'action="{url(workshop, "/sessions/" + str(rows[0]["id"]) + "/restore")}"' in text
    row = await ProgramSession.select().where(ProgramSession.id == rows[0]["id"]).first().run()
    assert (row["status"], row["sequence"]) == ("cancelled", 1)


async def test_cancel_without_a_reason_shows_an_inline_error(organizer_client, workshop):
    rows = await _series(workshop)
    target = url(workshop, f"/sessions/{rows[0]['id']}/cancel")
    response = await post_form(organizer_client, target, {"reason": " ", "return_to": "schedule"}, htmx=True)
    assert response.status_code == 400
    assert response.text.strip().startswith("<li") and "This field is required." in response.text
    assert "<details open>" in response.text
    plain = await post_form(organizer_client, target, {"reason": "", "return_to": "schedule"})
    assert plain.status_code == 400 and "<html" in plain.text and "This field is required." in plain.text
    assert {r["status"] for r in await sessions_of(workshop["id"])} == {"scheduled"}


async def test_cancel_and_restore_without_javascript_redirect(organizer_client, workshop):
    rows = await _series(workshop)
    target = url(workshop, f"/sessions/{rows[0]['id']}")
    response = await post_form(organizer_client, target + "/cancel", {"reason": "Banjir", "return_to": "session"})
    assert response.status_code == 303 and response.headers["location"] == target
    page = await organizer_client.get(target)
    assert "Session cancelled." in page.text and "Banjir" in page.text
    response = await post_form(organizer_client, target + "/restore", {"return_to": "schedule"})
    assert response.status_code == 303 and response.headers["location"] == url(workshop, "/schedule")
    row = await ProgramSession.select().where(ProgramSession.id == rows[0]["id"]).first().run()
    assert (row["status"], row["sequence"], row["uid"]) == ("scheduled", 2, rows[0]["uid"])


async def test_restore_on_the_session_page_with_htmx_swaps_the_status_panel(organizer_client, workshop):
    rows = await _series(workshop)
    target = url(workshop, f"/sessions/{rows[0]['id']}")
    await post_form(organizer_client, target + "/cancel", {"reason": "Banjir", "return_to": "session"})
    response = await post_form(organizer_client, target + "/restore", {"return_to": "session"}, htmx=True)
    assert response.status_code == 200
    assert response.text.strip().startswith('<div class="status-panel">')
    assert "Scheduled" in response.text


# --- dashboard agenda ------------------------------------------------------------------------------


async def test_dashboard_agenda_shows_my_sessions_with_real_titles_in_local_time(client, facilitator):
    from factories import make_program, make_session

    mine = await make_program(
        title="Dukungan Duka", public_title="Kelompok Selasa", discreet=True, timezone="Asia/Jayapura"
    )
    other = await make_program(title="Bukan Milikku")
    await join_team(mine, facilitator)
    soon = await make_session(mine, starts_in=timedelta(days=3), topic="Berbagi cerita")
    await make_session(mine, starts_in=timedelta(days=20), topic="Topik bulan depan")
    await make_session(other, starts_in=timedelta(days=1), topic="Rahasia orang lain")
    await sign_in(client, facilitator.username)

    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "Your next sessions" in page.text and "Dukungan Duka" in page.text and "Berbagi cerita" in page.text
    assert "Rahasia orang lain" not in page.text and "Topik bulan depan" not in page.text
    assert "Signed in as Fajar Facilitator" in page.text
    assert f'href="/manage/programs/{mine.slug}/sessions/{soon.id}"' in page.text
    assert "Asia/Jayapura" in page.text
    local_time = (soon.starts_at + timedelta(hours=9)).strftime("%-I:%M")
    assert local_time in page.text

    # The dashboard links to the agenda of the month, which reaches further, with the same rules.
    assert 'href="/agenda?range=month"' in page.text
    week = await client.get("/agenda")
    assert "Berbagi cerita" in week.text and "Topik bulan depan" not in week.text
    month = await client.get("/agenda?range=month")
    assert "Topik bulan depan" in month.text and "Dukungan Duka" in month.text
    assert "Rahasia orang lain" not in month.text and "Bukan Milikku" not in month.text


async def test_dashboard_agenda_of_an_organizer_covers_every_program(organizer_client, organizer):
    from factories import make_program, make_session

    await make_session(await make_program(title="Program A"), starts_in=timedelta(days=1))
    await make_session(await make_program(title="Program B"), starts_in=timedelta(days=2))
    page = await organizer_client.get("/dashboard")
    assert "Program A" in page.text and "Program B" in page.text


async def test_restoring_inline_warns_in_the_row_about_a_new_double_booking(organizer_client, workshop):
    rows = await _series(workshop, count=2, location="Aula")
    target = url(workshop, f"/sessions/{rows[0]['id']}")
    await post_form(organizer_client, target + "/cancel", {"reason": "Libur", "return_to": "schedule"})
    # Meanwhile another group takes the hall at that time.
    await schedule.add_session(
        workshop, day=date(NEXT_YEAR, 3, 5), start=time(20, 0), end=time(21, 0), details=Details(location="aula")
    )
    response = await post_form(organizer_client, target + "/restore", {"return_to": "schedule"}, htmx=True)
    assert response.status_code == 200
    assert response.text.strip().startswith('<li class="session-row"')
    assert "Aula is also in use for “Kelas Menjahit”" in response.text
