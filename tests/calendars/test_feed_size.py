"""Every kind of feed stays under 1 MB however large the organisation: the window is chosen by size as well as time."""

import uuid
from datetime import UTC, datetime, timedelta

import icalendar
from factories import make_program, make_session, make_staff
from test_feeds import _participant_with_feed

from server.calendars import builder
from server.calendars import services as feeds
from server.people.links import reissue_staff_feed
from server.programs.tables import Program, TeamMember
from server.schedule.tables import ProgramSession

GOOGLE_LIMIT = 1_000_000  # Google Calendar stops reading a subscribed feed at about 1 MB
BATCH = 2000


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        value = value.isoformat()  # how Piccolo stores it on SQLite; PostgreSQL reads it as timestamptz
    if isinstance(value, bool):
        return "true" if value else "false"  # keywords both engines know (SQLite stores 1 and 0)
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


async def _insert_sessions(rows: list[dict]) -> None:
    """Plain multi-row INSERTs with literal values: building Piccolo objects for 24,000 rows takes seconds."""
    columns = list(rows[0])
    for start in range(0, len(rows), BATCH):
        values = ",".join(
            "(" + ",".join(_literal(row[c]) for c in columns) + ")" for row in rows[start : start + BATCH]
        )
        await ProgramSession.raw(f"INSERT INTO program_session ({','.join(columns)}) VALUES {values}").run()


def _sessions(program_id: int, count: int, every: timedelta, first: datetime, long_texts: bool = False) -> list:
    topic = ("Pembahasan panjang tentang rencana kerja " * 8)[:290] if long_texts else "Topik rutin"
    location = ("Balai Warga RW 05, Jalan Kenanga Nomor 12, " * 7)[:300] if long_texts else "Balai Warga"
    link = "https://meet.example.org/" + "r" * 400 if long_texts else "https://meet.example.org/ruang"
    now = datetime.now(UTC)
    return [
        {
            "program": program_id,
            "uid": f"{uuid.uuid4()}@gotong",
            "sequence": 0,
            "status": "cancelled" if n % 17 == 0 else "scheduled",
            "starts_at": first + every * n,
            "ends_at": first + every * n + timedelta(minutes=90),
            "original_start": first + every * n,
            "detached": False,
            "topic": f"{topic} {n}",
            "location": location,
            "online_link": link,
            "cancel_reason": "Hujan deras" if n % 17 == 0 else "",
            "notes": "",
            "updated_at": now,
        }
        for n in range(count)
    ]


async def _large_organisation() -> dict[str, str]:
    """300 public programs with 70 sessions each inside the feed window, one program with 3,000 sessions of
    long texts, a participant in 40 programs and a staff member on 40 teams."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    await Program.insert(
        *[
            Program(
                slug=f"besar-{n}",
                kind="skill_workshop",
                title=f"Kelas Keterampilan Warga {n}",
                public_title=f"Kelompok {n}",
                discreet=n % 5 == 0,
                visibility="public",
                phase="implementation",
                timezone="Asia/Jakarta" if n % 2 else "Europe/Berlin",
                enrolment_mode="open",
            )
            for n in range(300)
        ]
    ).run()
    ids = [row["id"] for row in await Program.select(Program.id).where(Program.slug.like("besar-%")).run()]
    sessions = []
    for index, program_id in enumerate(ids):
        sessions += _sessions(program_id, 70, timedelta(days=6), now - timedelta(days=80, hours=-index))
    huge = await make_program(slug="huge", title="Program " + "Besar " * 30, visibility="public")
    sessions += _sessions(huge.id, 3000, timedelta(hours=3), now - timedelta(days=80), long_texts=True)
    await _insert_sessions(sessions)
    _pid, participant_token, _page = await _participant_with_feed([huge, *[Program(id=i) for i in ids[:40]]])
    staff = await make_staff()
    await TeamMember.insert(*[TeamMember(program=i, staff=staff.id, role="lead") for i in [huge.id, *ids[40:80]]]).run()
    return {
        "public": "/calendar.ics",
        "program": "/programs/huge/calendar.ics",
        "personal": f"/feeds/{participant_token}.ics",
        "staff": f"/feeds/{await reissue_staff_feed(None, staff.id)}.ics",
    }


async def test_every_feed_kind_stays_under_one_megabyte_at_a_large_organisation(client, db):
    urls = await _large_organisation()
    for kind, url in urls.items():
        response = await client.get(url)
        assert response.status_code == 200, kind
        assert len(response.content) < GOOGLE_LIMIT, (kind, len(response.content))
        calendar = icalendar.Calendar.from_ical(response.content)
        events = calendar.walk("VEVENT")
        assert len(events) >= 300, (kind, len(events))
        # In the feed's language (personal feeds: the owner's): how many sessions it keeps, and where the rest are.
        description = str(calendar["X-WR-CALDESC"])
        digits = description.replace(",", "").replace(".", "")  # 1,000 in English, 1.000 in Indonesian
        assert f" {len(events)} " in digits and "http" in description, (kind, description)


def _starts(body: bytes) -> list[datetime]:
    return sorted(e.DTSTART.astimezone(UTC) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))


async def test_a_capped_feed_keeps_upcoming_sessions_first_then_the_most_recent_past(client, db, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_EVENTS", 3)
    program = await make_program(slug="padat")
    sessions = {days: await make_session(program, starts_in=timedelta(days=days)) for days in (-20, -5, 3, 40)}
    body = (await client.get("/programs/padat/calendar.ics?lang=en")).content
    assert _starts(body) == sorted(sessions[d].starts_at for d in (-5, 3, 40))
    description = str(icalendar.Calendar.from_ical(body)["X-WR-CALDESC"]).replace("\r\n ", "")
    assert "Only the 3 sessions nearest to today" in description and "/programs/padat" in description
    for days in (1, 2):
        await make_session(program, starts_in=timedelta(days=days))
    body = (await client.get("/programs/padat/calendar.ics?lang=en")).content
    assert len(_starts(body)) == 3 and max(_starts(body)) == sessions[3].starts_at, "all three upcoming, no past"


async def test_the_version_changes_when_a_nearer_session_enters_a_capped_feed(client, db, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_EVENTS", 2)
    program = await make_program(slug="versi")
    for days in (5, 6):
        await make_session(program, starts_in=timedelta(days=days))
    first = await client.get("/programs/versi/calendar.ics")
    feeds.RECENT.clear()
    await make_session(program, starts_in=timedelta(days=1))
    second = await client.get("/programs/versi/calendar.ics", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    assert len(_starts(second.content)) == 2


async def test_feeds_with_long_texts_drop_the_farthest_sessions_to_stay_under_the_size_limit(client, db, monkeypatch):
    monkeypatch.setattr(builder, "FEED_BYTES", 30_000)
    program = await make_program(slug="panjang", title="Program " * 20)
    for days in range(1, 60):
        await make_session(program, starts_in=timedelta(days=days), topic="Topik panjang " * 20, location="x" * 300)
    body = (await client.get("/programs/panjang/calendar.ics?lang=en")).content
    starts = _starts(body)
    assert len(body) < 30_000 and 5 < len(starts) < 59
    assert starts[0].date() == (datetime.now(UTC) + timedelta(days=1)).date(), "the nearest sessions stay"
    assert "Only the" in str(icalendar.Calendar.from_ical(body)["X-WR-CALDESC"])


async def test_an_uncapped_feed_says_how_far_it_reaches_in_its_language(client, db):
    program = await make_program(slug="jangkauan")
    await make_session(program)
    english = icalendar.Calendar.from_ical((await client.get("/calendar.ics?lang=en")).content)
    indonesian = icalendar.Calendar.from_ical((await client.get("/calendar.ics?lang=id")).content)
    assert "Sessions from" in str(english["X-WR-CALDESC"]) and "Only the" not in str(english["X-WR-CALDESC"])
    assert "Sesi dari" in str(indonesian["X-WR-CALDESC"])
    assert str(english["DESCRIPTION"]) == str(english["X-WR-CALDESC"])
