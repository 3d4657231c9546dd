"""Defence in depth: whatever text is stored (forms refuse control characters, but a database can hold anything),
every kind of feed answers 200 and parses, and no stored text adds a line of its own."""

import os

import icalendar
from factories import make_program, make_session, make_staff

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
NUL = "" if ON_POSTGRES else "\x00"  # PostgreSQL refuses NUL in text columns; SQLite stores it
HOSTILE = f"Judul\r\nBEGIN:VEVENT\r\nSUMMARY:injected\r\nEND:VEVENT{NUL}\x07\x1b\u2028akhir"


async def _hostile_program(discreet: bool):
    program = await make_program(
        title="Real " + HOSTILE,
        public_title="Public " + HOSTILE,
        discreet=discreet,
        default_location=HOSTILE,
        default_online_link="https://meet.example.org/a\r\nX-INJECTED:1",
        summary=HOSTILE,
        description=HOSTILE,
    )
    sessions = [
        await make_session(
            program, topic=HOSTILE, location=HOSTILE, online_link="https://meet.example.org/r\r\nATTENDEE:mailto:x@y"
        ),
        await make_session(program, status="cancelled", cancel_reason=HOSTILE, topic=HOSTILE, location="Ruang\n3"),
    ]
    return program, sessions


def _parses_with_only_our_events(body: bytes, expected: int) -> None:
    calendar = icalendar.Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert len(events) == expected
    lines = body.decode().split("\r\n")
    assert sum(line == "BEGIN:VEVENT" for line in lines) == expected
    assert not any(line.startswith(("SUMMARY:injected", "X-INJECTED", "ATTENDEE")) for line in lines)
    assert "\x00" not in body.decode() and "\x07" not in body.decode() and "\u2028" not in body.decode()
    for event in events:
        for name in ("SUMMARY", "LOCATION", "DESCRIPTION"):
            if name in event:
                assert "\r" not in str(event[name]) and "\x1b" not in str(event[name])
        assert "CONFERENCE" not in event  # a link with a line break is dropped, not repaired


async def test_stored_control_characters_never_break_any_feed(client, db):
    from server.calendars import services as feeds
    from server.enrolment.tables import Enrolment
    from server.people.links import reissue_personal_links, reissue_staff_feed
    from server.people.participants import create_participant
    from server.people.staff import set_feed_real_details
    from server.people.tokens import feed_token
    from server.programs.tables import TeamMember

    open_program, open_sessions = await _hostile_program(discreet=False)
    secret, secret_sessions = await _hostile_program(discreet=True)
    pid = await create_participant(None, {"display_name": "Peserta"})
    for program in (open_program, secret):
        await Enrolment.insert(Enrolment(participant=pid, program=program.id, status="enrolled")).run()
    staff = await make_staff()
    for program in (open_program, secret):
        await TeamMember.insert(TeamMember(program=program.id, staff=staff.id, role="lead")).run()
    participant_feed = feed_token(await reissue_personal_links(None, pid))
    staff_feed = await reissue_staff_feed(None, staff.id)

    urls = {
        "/calendar.ics": 4,
        "/calendar.ics?lang=en": 4,
        f"/programs/{open_program.slug}/calendar.ics": 2,
        f"/programs/{secret.slug}/calendar.ics": 2,
        f"/feeds/{participant_feed}.ics": 4,
        f"/feeds/{staff_feed}.ics": 4,
    }
    urls.update({f"/sessions/{s.id}.ics": 1 for s in open_sessions + secret_sessions})
    for url, expected in urls.items():
        response = await client.get(url)
        assert response.status_code == 200, url
        _parses_with_only_our_events(response.content, expected)

    await set_feed_real_details(staff.id, True)  # real titles and notes take the same path
    feeds.RECENT.clear()
    response = await client.get(f"/feeds/{staff_feed}.ics")
    assert response.status_code == 200 and b"Real Judul" in response.content
    _parses_with_only_our_events(response.content, 4)
