"""Calendar feeds checked on the raw bytes and with two real parsers: icalendar and Mozilla's ical.js."""

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
from conftest import post_form
from factories import make_program, make_session, make_staff
from querycount import count_queries

from server.people.tokens import feed_token

ROOT = Path(__file__).resolve().parents[2]


def icaljs(body: bytes) -> dict:
    result = subprocess.run(
        ["node", str(ROOT / "tests/calendars/icaljs_parse.mjs")], input=body, capture_output=True, cwd=ROOT, timeout=30
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def both_parsers_agree(body: bytes) -> list[dict]:
    """Both parsers accept the feed, see the same events, and put each at the same instant."""
    calendar = icalendar.Calendar.from_ical(body)
    ours = {str(e["UID"]): e.DTSTART.astimezone(UTC) for e in calendar.walk("VEVENT")}
    theirs = icaljs(body)["events"]
    assert len(theirs) == len(ours)
    for event in theirs:
        assert datetime.fromisoformat(event["start"].replace("Z", "+00:00")) == ours[event["uid"]], event
    tzids = {str(e.DTSTART.tzinfo) for e in calendar.walk("VEVENT")}
    assert tzids <= {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}, "a TZID without its VTIMEZONE"
    return theirs


async def test_public_feed_is_valid_and_shows_public_titles_only(client, db):
    open_program = await make_program(slug="batik", title="Kelas Batik")
    secret = await make_program(
        slug="kamis",
        title="Kelompok ODHIV",
        public_title="Kelompok Kamis",
        discreet=True,
        default_online_link="https://meet.example.org/secret-room",
    )
    private = await make_program(slug="internal", title="Rapat Staf", visibility="private")
    await make_session(open_program, topic="Mencanting")
    await make_session(secret, online_link="https://meet.example.org/secret-room")
    await make_session(private)
    response = await client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "set-cookie" not in response.headers
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
    for needle in (
        b"VERSION:2.0",
        b"PRODID:",
        b"X-WR-CALNAME:",
        b"NAME:",
        b"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        b"X-PUBLISHED-TTL:PT1H",
    ):
        assert needle in body
    assert b"ODHIV" not in body and b"Rapat Staf" not in body and b"secret-room" not in body
    events = both_parsers_agree(body)
    assert sorted(e["summary"] for e in events) == ["Kelas Batik \u2014 Mencanting", "Kelompok Kamis"]


async def test_weekly_sessions_keep_local_time_across_dst_in_both_parsers(client, db):
    from server.schedule import recurrence
    from server.schedule.services import create_series

    program = await make_program(slug="berlin", title="Elterncafe", timezone="Europe/Berlin")
    start = datetime.now(UTC).date() + timedelta(days=1)
    await create_series(
        program_id=program.id,
        rrule=recurrence.build_rrule(frequency="weekly", first_day=start, count=40),
        local_start=datetime.combine(start, datetime.min.time()).replace(hour=19),
        duration_minutes=60,
        timezone_name="Europe/Berlin",
    )
    body = (await client.get("/programs/berlin/calendar.ics")).content
    events = both_parsers_agree(body)
    offsets = set()
    calendar = icalendar.Calendar.from_ical(body)
    for event in calendar.walk("VEVENT"):
        local = event.DTSTART
        assert (local.hour, local.minute) == (19, 0)
        offsets.add(local.utcoffset())
    assert len(offsets) == 2, "40 weeks in Berlin cross a DST change"
    assert len(events) == 40


async def test_cancelled_session_stays_in_public_feeds_as_cancelled_without_its_reason(client, db):
    program = await make_program(slug="tari")
    session = await make_session(program, status="cancelled", cancel_reason="Banjir di lokasi", sequence=1)
    for url in ("/programs/tari/calendar.ics", "/calendar.ics", f"/sessions/{session.id}.ics"):
        body = (await client.get(url)).content
        event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
        assert (
            event["STATUS"] == "CANCELLED"
            and "Cancel" in str(event["SUMMARY"]) + str(event["DESCRIPTION"])
            and event["SEQUENCE"] == 1
        )
        assert b"Banjir" not in body, url
    assert icaljs(body)["events"][0]["status"] == "CANCELLED"


async def test_cancellation_reason_reaches_the_enrolled_participants_feed(client, db):
    program = await make_program(slug="tari")
    await make_session(program, status="cancelled", cancel_reason="Banjir di lokasi", sequence=1)
    _pid, token, _page = await _participant_with_feed([program])
    body = (await client.get(f"/feeds/{token}.ics")).content
    assert "Banjir di lokasi" in str(icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["DESCRIPTION"])


async def test_edit_keeps_uid_and_changes_etag(client, db):
    from server.schedule.tables import ProgramSession

    program = await make_program(slug="jahit")
    session = await make_session(program, location="Balai RW")
    first = await client.get("/programs/jahit/calendar.ics")
    uid = str(icalendar.Calendar.from_ical(first.content).walk("VEVENT")[0]["UID"])
    await (
        ProgramSession.update(
            {
                ProgramSession.location: "Aula Masjid",
                ProgramSession.sequence: 1,
                ProgramSession.updated_at: datetime.now(UTC) + timedelta(seconds=2),
            }
        )
        .where(ProgramSession.id == session.id)
        .run()
    )
    second = await client.get("/programs/jahit/calendar.ics", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    event = icalendar.Calendar.from_ical(second.content).walk("VEVENT")[0]
    assert str(event["UID"]) == uid and event["SEQUENCE"] == 1 and str(event["LOCATION"]) == "Aula Masjid"


async def test_conditional_requests_and_head(client, db):
    program = await make_program(slug="kopi")
    await make_session(program)
    first = await client.get("/calendar.ics")
    assert first.headers["etag"] and first.headers["last-modified"]
    assert "public" in first.headers["cache-control"]
    assert (await client.get("/calendar.ics", headers={"If-None-Match": first.headers["etag"]})).status_code == 304
    assert (
        await client.get(
            "/calendar.ics", headers={"If-None-Match": f'W/{first.headers["etag"].removeprefix("W/")}, "other"'}
        )
    ).status_code == 304
    assert (
        await client.get("/calendar.ics", headers={"If-Modified-Since": first.headers["last-modified"]})
    ).status_code == 304
    for garbage in (
        {"If-None-Match": "\x01nonsense"},
        {"If-Modified-Since": "yesterday-ish"},
        {"If-Modified-Since": "Mon, 99 Foo 2026 99:99:99 GMT"},
    ):
        assert (await client.get("/calendar.ics", headers=garbage)).status_code == 200
    head = await client.head("/calendar.ics")
    assert (
        head.status_code == 200
        and head.content == b""
        and head.headers["content-length"] == first.headers["content-length"]
    )


async def test_private_and_unknown_programs_have_no_feed(client, db):
    await make_program(slug="rahasia", visibility="private", title="Rahasia")
    for url in (
        "/programs/rahasia/calendar.ics",
        "/programs/tidak-ada/calendar.ics",
        "/feeds/not-a-token.ics",
        "/feeds/x",
        "/sessions/abc.ics",
        "/sessions/99999.ics",
    ):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert b"Rahasia" not in response.content


async def _participant_with_feed(programs_):
    from server.enrolment.tables import Enrolment
    from server.people.links import reissue_personal_links
    from server.people.participants import create_participant

    pid = await create_participant(None, {"display_name": "Ayu"})
    for program in programs_:
        await Enrolment.insert(Enrolment(participant=pid, program=program.id, status="enrolled")).run()
    page = await reissue_personal_links(None, pid)
    return pid, feed_token(page), page


async def test_participant_feed_uses_neutral_titles_and_no_other_names(client, db):
    from server.people.links import reissue_personal_links
    from server.people.participants import create_participant

    secret = await make_program(
        slug="selasa", title="Kelompok Korban KDRT", public_title="Kelompok Selasa", discreet=True, visibility="private"
    )
    await make_session(secret, topic="Berbagi cerita", online_link="https://meet.example.org/selasa")
    other = await make_program(slug="lain", title="Program Lain")
    await make_session(other)
    pid, token, _page = await _participant_with_feed([secret])
    await create_participant(None, {"display_name": "Peserta Lain Bernama Joko"})
    response = await client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200 and "private" in response.headers["cache-control"]
    body = response.content.replace(b"\r\n ", b"")  # unfolded
    assert b"KDRT" not in body and b"Joko" not in body and b"Program Lain" not in body
    assert b"Kelompok Selasa" in body and b"meet.example.org/selasa" in body and b"CONFERENCE" in body
    both_parsers_agree(body)
    await reissue_personal_links(None, pid)
    assert (await client.get(f"/feeds/{token}.ics")).status_code == 404


async def test_staff_feed_shows_real_titles_of_own_programs_only_after_opting_in(client, db):
    from server.calendars import services as feeds
    from server.people.links import reissue_staff_feed
    from server.people.staff import set_feed_real_details
    from server.programs.tables import TeamMember

    staff = await make_staff()
    mine = await make_program(slug="milik", title="Kelompok ODHIV", public_title="Kelompok Rabu", discreet=True)
    await make_session(mine)
    await make_session(await make_program(slug="bukan", title="Bukan Milik"))
    await TeamMember.insert(TeamMember(program=mine.id, staff=staff.id, role="lead")).run()
    token = await reissue_staff_feed(None, staff.id)
    body = (await client.get(f"/feeds/{token}.ics")).content
    assert b"Kelompok Rabu" in body and b"Kelompok ODHIV" not in body and b"Bukan Milik" not in body
    await set_feed_real_details(staff.id, True)
    feeds.RECENT.clear()
    body = (await client.get(f"/feeds/{token}.ics")).content
    assert b"Kelompok ODHIV" in body and b"Bukan Milik" not in body


async def test_single_session_download_follows_the_same_privacy(client, organizer):
    from conftest import sign_in

    public = await make_session(await make_program(slug="umum", title="Kelas Umum"))
    private = await make_session(await make_program(slug="staf", title="Rapat Privat", visibility="private"))
    response = await client.get(f"/sessions/{public.id}.ics")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    assert (await client.get(f"/sessions/{private.id}.ics")).status_code == 404
    await sign_in(client, organizer.username)
    response = await client.get(f"/sessions/{private.id}.ics")
    assert response.status_code == 200 and b"Rapat Privat" in response.content


async def test_feed_window_keeps_old_programs_small(client, db):
    program = await make_program(slug="lama")
    for days in (-400, -200, -30, 30, 200, 500):
        await make_session(program, starts_in=timedelta(days=days))
    events = icaljs((await client.get("/programs/lama/calendar.ics")).content)["events"]
    assert len(events) == 3  # -30, +30, +200: the last 90 days and the next 12 months


async def test_feeds_run_a_constant_number_of_queries(client, db):
    program = await make_program(slug="banyak")
    _pid, token, _page = await _participant_with_feed([program])
    counts = {}
    for size in (5, 120):
        for number in range(size - sum(1 for _ in counts) * 5 if counts else size):
            await make_session(program, starts_in=timedelta(days=1 + number, hours=1))
        with count_queries() as counter:
            assert (await client.get(f"/feeds/{token}.ics")).status_code == 200
        counts[size] = counter["n"]
    assert counts[5] == counts[120], counts


async def test_staff_calendar_page_offers_subscribe_links(organizer_client):
    page = await organizer_client.get("/account/calendar")
    assert page.status_code == 200 and "/feeds/" not in page.text and "Make my calendar link" in page.text
    page = await post_form(organizer_client, "/account/calendar/reissue")
    assert page.status_code == 200 and "it is shown only this once" in page.text
    assert "webcal://" in page.text and "calendar.google.com" in page.text and "outlook.live.com" in page.text
    url = page.text.split("/feeds/", 1)[1].split(".ics", 1)[0]
    assert len(f"https://gotong.example.org/feeds/{url}.ics") < 256


async def test_public_pages_offer_subscribe_buttons(client, db):
    await make_program(slug="renang", title="Kelas Renang")
    program_page = await client.get("/programs/renang")
    assert "webcal://" in program_page.text and "/programs/renang/calendar.ics" in program_page.text
    assert "/calendar.ics" in (await client.get("/programs")).text


async def test_demo_public_calendar_passes_both_parsers(client, db):
    from server.demo import seed_demo

    assert await seed_demo()
    body = (await client.get("/calendar.ics")).content
    events = both_parsers_agree(body)
    assert len(events) > 10
    assert b"ODHIV" not in body  # the demo support group is discreet


async def test_personal_page_offers_the_personal_feed(client, db):
    program = await make_program(slug="kelas")
    _pid, feed, page_token = await _participant_with_feed([program])
    page = await client.get(f"/my/{page_token}")
    assert page.status_code == 200
    assert f"/feeds/{feed}.ics" in page.text and "webcal://" in page.text


async def test_public_feed_takes_lang_and_its_etag_and_vary_follow_the_language(client, db):
    program = await make_program(slug="bahasa")
    await make_session(program, status="cancelled")
    english = await client.get("/calendar.ics?lang=en")
    indonesian = await client.get("/calendar.ics?lang=id")
    assert b"Cancelled" in english.content and b"Dibatalkan" in indonesian.content
    assert english.headers["etag"] != indonesian.headers["etag"]
    assert "Accept-Language" not in english.headers.get("vary", "")  # the URL alone decides
    negotiated = await client.get("/programs/bahasa/calendar.ics", headers={"accept-language": "en"})
    assert "Accept-Language" in negotiated.headers["vary"] and b"Cancelled" in negotiated.content
    session_id = (await client.get("/programs/bahasa/calendar.ics")).text.count("BEGIN:VEVENT")
    assert session_id == 1


async def test_token_feeds_use_the_owners_saved_language_not_the_calendar_apps(client, db):
    from server.people.links import reissue_staff_feed
    from server.people.tables import Participant, Staff
    from server.programs.tables import TeamMember

    program = await make_program(slug="bahasa")
    await make_session(program, status="cancelled")
    pid, token, _page = await _participant_with_feed([program])
    await Participant.update({Participant.preferred_locale: "en"}).where(Participant.id == pid).run()
    body = (await client.get(f"/feeds/{token}.ics", headers={"accept-language": "id"})).content
    assert b"Cancelled" in body and b"Dibatalkan" not in body
    staff = await make_staff()
    await TeamMember.insert(TeamMember(program=program.id, staff=staff.id, role="lead")).run()
    await Staff.update({Staff.locale: "id"}).where(Staff.id == staff.id).run()
    body = (
        await client.get(f"/feeds/{await reissue_staff_feed(None, staff.id)}.ics", headers={"accept-language": "en"})
    ).content
    assert b"Dibatalkan" in body and b"Cancelled" not in body


async def test_staff_chooses_real_titles_in_their_feed_on_my_calendar(organizer_client, organizer):
    from conftest import post_form

    from server.people.staff import feed_real_details

    page = await organizer_client.get("/account/calendar")
    assert "real_details" in page.text and "calendar provider" in page.text
    response = await post_form(organizer_client, "/account/calendar/details", {"real_details": "on"})
    assert response.status_code == 303 and await feed_real_details(organizer.id)
    response = await post_form(organizer_client, "/account/calendar/details", {})
    assert response.status_code == 303 and not await feed_real_details(organizer.id)


async def test_public_feed_is_named_after_the_organisation_once_it_has_a_name(client, admin):
    from server.organisation import services as organisation

    await make_session(await make_program(slug="batik", title="Kelas Batik"))
    before = icalendar.Calendar.from_ical((await client.get("/calendar.ics?lang=en")).content)
    assert str(before["X-WR-CALNAME"]) == "Gotong — public sessions"
    await organisation.save_organisation(admin, {"name": "Yayasan Sehat Bersama"})
    after = icalendar.Calendar.from_ical((await client.get("/calendar.ics?lang=en")).content)
    assert str(after["X-WR-CALNAME"]) == "Gotong — Yayasan Sehat Bersama"
    assert str(after["NAME"]) == "Gotong — Yayasan Sehat Bersama"


async def test_program_feed_says_whose_program_it_is_and_personal_feeds_keep_a_plain_name(client, admin):
    from server.organisation import services as organisation

    batik = await make_program(slug="batik", title="Kelas Batik")
    await make_session(batik)
    await organisation.save_organisation(admin, {"name": "Yayasan Sehat Bersama", "short_name": "YSB"})
    program = icalendar.Calendar.from_ical((await client.get("/programs/batik/calendar.ics?lang=en")).content)
    assert str(program["X-WR-CALNAME"]) == "Kelas Batik — YSB"
    # A participant's own feed is shown in a calendar app others may see: no organisation name in its name.
    _pid, token, _page = await _participant_with_feed([batik])
    personal = icalendar.Calendar.from_ical((await client.get(f"/feeds/{token}.ics")).content)
    assert "YSB" not in str(personal["X-WR-CALNAME"]) and "Yayasan" not in str(personal["X-WR-CALNAME"])
