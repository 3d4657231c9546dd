"""The participant's personal page at /my/{token}: only their own things, RSVPs, consent, leaving, downloads."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

from conftest import post_form
from enrolment_helpers import make_group, make_person, personal_token, statuses
from factories import make_session

from server.enrolment import personal
from server.enrolment import services as enrolment
from server.enrolment.tables import IndividualGoal, ProgressNote, Rsvp
from server.people.consent import active_consents
from server.people.links import reissue_personal_links
from server.people.participants import update_participant
from server.people.tokens import feed_token

MASKED_CSRF = re.compile(r"m\.[A-Za-z0-9_=-]+")


async def _enrolled_person(organizer, program, name="Putri", **values):
    # English, so that assertions on wording survive the translation of the catalogs.
    values.setdefault("preferred_locale", "en")
    pid = await make_person(name, **values)
    await enrolment.enrol(organizer, program.id, pid)
    return pid, await personal_token(pid)


async def test_unknown_and_revoked_links_are_a_plain_404(client, organizer):
    program = await make_group()
    pid, token = await _enrolled_person(organizer, program)
    feed = feed_token(await reissue_personal_links(organizer, pid))
    unknown_url = "/my/" + "x" * 43
    # The CSRF token is masked afresh in every response (server/web/csrf.py): compare the pages without it.
    unknown = MASKED_CSRF.sub("", (await client.get(unknown_url)).text.replace(unknown_url, ""))
    for url in (f"/my/{token}", f"/my/{feed}", "/my/" + "y" * 200):
        response = await client.get(url)
        assert response.status_code == 404
        assert MASKED_CSRF.sub("", response.text.replace(url, "")) == unknown  # as for a link that never existed
    data = await client.get(f"/my/{token}/data.json")
    assert data.status_code == 404 and "Putri" not in data.text
    assert (await post_form(client, f"/my/{token}/rsvp/1", {"response": "going"})).status_code == 404
    assert (await client.get("/my/" + "x" * 43)).headers["cache-control"] == "private, no-store"


async def test_personal_page_shows_nothing_of_anyone_else(client, organizer):
    program = await make_group(capacity=1, title="Kelas Kue")
    await make_session(program, topic="Roti manis")
    _pid, token = await _enrolled_person(
        organizer, program, "Putri", phone="0811 0000 1111", email="putri@example.id", preferred_locale="id"
    )
    other = await make_person(
        "Rahasia Orang Lain", phone="0899 8888 7777", email="lain@example.id", legal_name="Nama Asli Lain"
    )
    await enrolment.enrol(organizer, program.id, other)
    page = await client.get(f"/my/{token}")
    assert page.status_code == 200
    assert "Putri" in page.text and "Kelas Kue" in page.text and "Roti manis" in page.text
    for secret in ("Rahasia Orang Lain", "0899", "lain@example.id", "Nama Asli Lain"):
        assert secret not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "private, no-store"
    assert '<html lang="id">' in page.text  # the person's own language, not the browser's


async def test_the_page_speaks_the_persons_language(client, organizer):
    program = await make_group()
    _pid, token = await _enrolled_person(organizer, program, preferred_locale="en")
    assert '<html lang="en">' in (await client.get(f"/my/{token}", headers={"accept-language": "id"})).text
    response = await post_form(client, f"/my/{token}/language", {"locale": "id"})
    assert response.status_code == 303
    assert '<html lang="id">' in (await client.get(f"/my/{token}")).text


async def test_the_calendar_box_speaks_the_persons_language_too(client, organizer):
    # The box comes from the shared macros in templates/_macros/, which the catalogs once left out.
    program = await make_group()
    _pid, token = await _enrolled_person(organizer, program, preferred_locale="id")
    page = (await client.get(f"/my/{token}")).text
    assert "Tambahkan ke kalender Anda" in page and "Atau salin tautan ini ke aplikasi kalender Anda" in page
    assert "Add to your calendar" not in page and "Or copy this link" not in page


async def test_sessions_show_time_in_the_program_timezone_with_place_and_link(client, organizer):
    program = await make_group(timezone="Asia/Jayapura", default_online_link="https://meet.example.org/abc")
    starts = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0) + timedelta(days=5)
    await make_session(program, starts_at=starts, ends_at=starts + timedelta(minutes=90), location="Aula Gereja")
    _pid, token = await _enrolled_person(organizer, program)
    page = await client.get(f"/my/{token}")
    assert (
        "10:00" in page.text and "11:30" in page.text and "Asia/Jayapura" in page.text
    )  # 01:00 UTC is 10:00 in Jayapura
    assert "Aula Gereja" in page.text and "https://meet.example.org/abc" in page.text


async def test_a_discreet_programs_real_title_is_absent_from_the_page_and_downloads(client, organizer):
    program = await make_group(title="Kelompok Dukungan HIV", discreet=True, public_title="Kelompok Selasa")
    await make_session(program, topic="")
    _pid, token = await _enrolled_person(organizer, program)
    for url in (f"/my/{token}", f"/my/{token}/data.json", f"/my/{token}/data.csv"):
        # The page's own random links (personal, feed, CSRF) could spell "HIV" by chance: they are not the title.
        body = re.sub(r"(/my/|/feeds/|value=\")[A-Za-z0-9_=.-]+", r"\1…", (await client.get(url)).text)
        assert "Kelompok Selasa" in body and "HIV" not in body


async def test_rsvp_with_htmx_swaps_only_that_sessions_block(client, organizer):
    program = await make_group()
    session = await make_session(program)
    pid, token = await _enrolled_person(organizer, program)
    response = await post_form(client, f"/my/{token}/rsvp/{session.id}", {"response": "going"}, htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text and f'id="session-{session.id}"' in response.text
    assert 'value="going" aria-pressed="true"' in response.text
    assert [(r["participant"], r["response"]) for r in await Rsvp.select().run()] == [(pid, "going")]


async def test_rsvp_without_javascript_redirects_back_to_the_page(client, organizer):
    program = await make_group()
    session = await make_session(program)
    _pid, token = await _enrolled_person(organizer, program)
    response = await post_form(client, f"/my/{token}/rsvp/{session.id}", {"response": "not_going"})
    assert response.status_code == 303 and response.headers["location"] == f"/my/{token}#session-{session.id}"
    page = await client.get(f"/my/{token}")
    assert "Can&#39;t come" in page.text and "your answer was saved" in page.text


async def test_rsvp_errors_and_other_peoples_sessions(client, organizer):
    program, other = await make_group(), await make_group()
    session, elsewhere = await make_session(program), await make_session(other)
    _pid, token = await _enrolled_person(organizer, program)
    bad = await post_form(client, f"/my/{token}/rsvp/{session.id}", {"response": "maybe"}, htmx=True)
    assert bad.status_code == 400 and "Choose one of the options." in bad.text
    assert (await post_form(client, f"/my/{token}/rsvp/{elsewhere.id}", {"response": "going"})).status_code == 404
    assert await Rsvp.count().run() == 0


async def test_leaving_a_program_needs_confirmation_and_passes_the_place_on(client, organizer):
    program = await make_group(capacity=1)
    pid, token = await _enrolled_person(organizer, program)
    waiting = await make_person("Berikutnya")
    await enrolment.enrol(organizer, program.id, waiting)
    refused = await post_form(client, f"/my/{token}/programs/{program.id}/leave", {})
    assert refused.status_code == 400 and await statuses(program) == {"enrolled": [pid], "waitlisted": [waiting]}
    response = await post_form(
        client, f"/my/{token}/programs/{program.id}/leave", {"confirm": "yes", "reason": "sibuk"}
    )
    assert response.status_code == 303
    assert await statuses(program) == {"withdrawn": [pid], "enrolled": [waiting]}
    assert "Berikutnya" not in (await client.get(f"/my/{token}")).text


async def test_leaving_a_program_one_is_not_in_is_404(client, organizer):
    program, other = await make_group(), await make_group()
    _pid, token = await _enrolled_person(organizer, program)
    response = await post_form(client, f"/my/{token}/programs/{other.id}/leave", {"confirm": "yes"})
    assert response.status_code == 404


async def test_withdrawing_participation_consent_asks_first_then_leaves_programs(client, organizer):
    program = await make_group()
    pid, token = await _enrolled_person(organizer, program)
    page = await client.get(f"/my/{token}")
    assert "you also leave all your programs" in page.text
    assert (await post_form(client, f"/my/{token}/consents/participation/withdraw", {})).status_code == 400
    assert (await active_consents([pid]))[pid] == {"participation", "data_collection"}
    response = await post_form(client, f"/my/{token}/consents/participation/withdraw", {"confirm": "yes"})
    assert response.status_code == 303
    assert (await active_consents([pid]))[pid] == {"data_collection"}
    assert await statuses(program) == {"withdrawn": [pid]}
    assert (await post_form(client, f"/my/{token}/consents/marketing/withdraw", {"confirm": "yes"})).status_code == 404


async def test_an_offered_place_is_confirmed_from_the_personal_page(client, organizer):
    program = await make_group(capacity=1, offer_hours=48)
    first = await enrolment.enrol(organizer, program.id, await make_person("Ani"))
    pid, token = await _enrolled_person(organizer, program, "Budi")
    await enrolment.withdraw(organizer, program.id, first["id"], "moved")
    page = await client.get(f"/my/{token}")
    assert "A place is free for you" in page.text
    response = await post_form(client, f"/my/{token}/programs/{program.id}/confirm")
    assert response.status_code == 303
    assert (await statuses(program))["enrolled"] == [pid]
    again = await post_form(client, f"/my/{token}/programs/{program.id}/confirm")
    assert again.status_code == 409 and "There is no open offer to confirm." in again.text


async def test_data_download_holds_the_persons_own_records_only(client, organizer):
    from server.attendance.tables import Attendance
    from server.enrolment.tables import Enrolment

    program = await make_group(title="Kelas Sablon")
    session = await make_session(program, starts_in=timedelta(days=-1))
    upcoming = await make_session(program)
    pid, token = await _enrolled_person(organizer, program, "Putri", phone="0811 0000 1111", email="putri@example.id")
    await update_participant(
        organizer,
        pid,
        {
            "display_name": "Putri",
            "phone": "0811 0000 1111",
            "email": "putri@example.id",
            "preferred_locale": "id",
            "notes": "CATATAN STAF RAHASIA",
        },
    )
    other = await make_person("Orang Lain", phone="0899 1234 5678")
    await enrolment.enrol(organizer, program.id, other)
    await Attendance.insert(
        Attendance(session=session.id, participant=pid, status="late", note="datang 10 menit telat"),
        Attendance(session=session.id, participant=other, status="absent", note="CATATAN ORANG LAIN"),
    ).run()
    await personal.answer_rsvp(pid, upcoming.id, "going")
    await personal.answer_rsvp(other, upcoming.id, "not_going")
    enrolment_id = (await Enrolment.select(Enrolment.id).where(Enrolment.participant == pid).first().run())["id"]
    goal = IndividualGoal(enrolment=enrolment_id, statement="Bisa menyablon kaos sendiri")
    await goal.save().run()
    await ProgressNote.insert(ProgressNote(goal=goal.id, note="Sudah mencoba dua warna")).run()

    response = await client.get(f"/my/{token}/data.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"
    data = json.loads(response.text)
    assert data["profile"]["display_name"] == "Putri" and data["profile"]["phone"] == "0811 0000 1111"
    assert [c["purpose"] for c in data["consents"]] == ["participation", "data_collection", "contact"]
    assert [(e["program"], e["status"]) for e in data["enrolments"]] == [("Kelas Sablon", "enrolled")]
    assert [(a["status"], a["note"]) for a in data["attendance"]] == [("late", "datang 10 menit telat")]
    assert [r["response"] for r in data["rsvps"]] == ["going"]
    assert data["individual_goals"][0]["statement"] == "Bisa menyablon kaos sendiri"
    assert data["individual_goals"][0]["progress_notes"][0]["note"] == "Sudah mencoba dua warna"

    csv_response = await client.get(f"/my/{token}/data.csv")
    assert csv_response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.text)))
    assert rows[0] == ["section", "record", "field", "value"]
    assert ["profile", "1", "display_name", "Putri"] in rows
    assert ["attendance", "1", "status", "late"] in rows
    for body in (response.text, csv_response.text):
        for secret in ("CATATAN STAF RAHASIA", "Orang Lain", "0899", "CATATAN ORANG LAIN", "not_going"):
            assert secret not in body


async def test_csv_download_neutralises_spreadsheet_formulas(client, organizer):
    program = await make_group()
    _pid, token = await _enrolled_person(organizer, program, '=HYPERLINK("http://evil")')
    rows = list(csv.reader(io.StringIO((await client.get(f"/my/{token}/data.csv")).text)))
    assert ["profile", "1", "display_name", '\'=HYPERLINK("http://evil")'] in rows
