"""Leak scan: a discreet support group whose sensitive details carry marker words, fetched through every public
and participant-facing route in both languages. The real title and description never appear; the place, the
online room and the cancellation reason appear only to the enrolled participant (their page, data and feed)."""

from datetime import timedelta

from conftest import post_form
from factories import make_program, make_session, make_staff

REAL = ("ZQXREALTITLE", "ZQXDESCRIPTION", "ZQXSUMMARY", "ZQXNOTES")
MEMBERS_ONLY = ("ZQXPLACE", "ZQXROOM", "ZQXLINK", "ZQXREASON")
LANGUAGES = [
    {"accept-language": "id"},
    {"accept-language": "en-GB,en;q=0.9"},
    {"cookie": "gotong_lang=en"},
    {"cookie": "gotong_lang=id", "accept-language": "en"},
]


async def _seed():
    from surveys.survey_helpers import make_survey

    from server.enrolment.tables import Enrolment
    from server.people.links import reissue_personal_links
    from server.people.participants import create_participant
    from server.people.tokens import feed_token
    from server.programs.tables import TeamMember

    secret = await make_program(
        slug="kelompok-kamis",
        kind="support_group",
        title="Kelompok ZQXREALTITLE",
        public_title="Kelompok Kamis",
        discreet=True,
        place_members_only=True,
        description="Untuk ZQXDESCRIPTION",
        summary="ZQXSUMMARY",
        default_location="Gedung ZQXPLACE",
        default_online_link="https://meet.example.org/ZQXLINK",
        area="Jakarta Timur",
        assessment_notes="ZQXNOTES",
    )
    held = await make_session(secret, location="Ruang ZQXROOM", online_link="https://meet.example.org/ZQXLINK-2")
    cancelled = await make_session(
        secret, starts_in=timedelta(days=4), status="cancelled", cancel_reason="Fasilitator ZQXREASON"
    )
    other = await make_program(slug="kelas-batik", title="Kelas Batik")
    await make_session(other)
    member = await create_participant(None, {"display_name": "Anggota"})
    outsider = await create_participant(None, {"display_name": "Orang Lain"})
    await Enrolment.insert(Enrolment(participant=member, program=secret.id, status="enrolled")).run()
    await Enrolment.insert(Enrolment(participant=outsider, program=other.id, status="enrolled")).run()
    staff = await make_staff()
    await TeamMember.insert(TeamMember(program=secret.id, staff=staff.id, role="lead")).run()
    survey = await make_survey(staff, program=secret.id, anonymous=False)
    tokens = {}
    for name, pid in (("member", member), ("outsider", outsider)):
        page = await reissue_personal_links(None, pid)
        tokens[name] = (page, feed_token(page))
    return secret, (held, cancelled), tokens, survey, staff


async def test_no_marker_leaks_beyond_what_the_policy_allows(client, db):

    _secret, sessions, tokens, survey, staff = await _seed()
    member_page, member_feed = tokens["member"]
    outsider_page, outsider_feed = tokens["outsider"]
    public = [
        "/",
        "/programs",
        "/programs?kind=support_group",
        "/programs/kelompok-kamis",
        "/programs/kelompok-kamis/register",
        "/calendar.ics",
        "/calendar.ics?lang=en",
        "/calendar.ics?lang=id",
        "/programs/kelompok-kamis/calendar.ics",
        "/programs/kelompok-kamis/calendar.ics?lang=en",
        *(f"/sessions/{s.id}.ics" for s in sessions),
        f"/s/{survey['token']}",
        "/programs/tidak-ada",
        "/my/tidak-ada",
        "/feeds/tidak-ada.ics",
        f"/s/{survey['token']}x",
        f"/my/{outsider_page}",
        f"/feeds/{outsider_feed}.ics",
    ]
    member = [f"/my/{member_page}", f"/my/{member_page}/data.json", f"/feeds/{member_feed}.ics"]
    seen_members_only = set()
    for headers in LANGUAGES:
        for url in public + member:
            response = await client.get(url, headers=headers)
            assert response.status_code in (200, 404), url
            body = response.text
            for marker in REAL:
                assert marker not in body, (marker, url, headers)
            for marker in MEMBERS_ONLY:
                if marker in body:
                    assert url in member, (marker, url, headers)
                    seen_members_only.add(marker)
        # An error page re-rendered with the public form shows the neutral title only.
        languages = {key: value for key, value in headers.items() if key != "cookie"}  # the CSRF cookie must stay
        response = await post_form(client, "/programs/kelompok-kamis/register", {"display_name": ""}, headers=languages)
        assert response.status_code == 400 and "Kelompok Kamis" in response.text
        assert not any(marker in response.text for marker in REAL + MEMBERS_ONLY)
    # The scan can see: the enrolled participant does get the place, the room and the reason.
    assert {"ZQXROOM", "ZQXLINK", "ZQXREASON"} <= seen_members_only

    from server.people.links import reissue_staff_feed

    staff_feed = await reissue_staff_feed(None, staff.id)
    for headers in LANGUAGES:
        body = (await client.get(f"/feeds/{staff_feed}.ics", headers=headers)).text
        assert "Kelompok Kamis" in body and not any(marker in body for marker in REAL)
