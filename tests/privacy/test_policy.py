"""The privacy policy as a table: every viewer × channel × field, for an ordinary and a discreet,
place-for-members-only program, checked against the promises it makes."""

import pytest

from server import privacy as p

ORDINARY = {"title": "Kelas Batik", "public_title": "", "discreet": False, "place_members_only": False}
DISCREET = {"title": "Kelompok ODHIV", "public_title": "Kelompok Selasa", "discreet": True, "place_members_only": True}
NOT_STAFF = (p.PUBLIC, p.MEMBER, p.OUTSIDER, p.SELF)
PROGRAM_FIELDS = (p.TITLE, p.DESCRIPTION, p.PLACE, p.ONLINE_LINK, p.CANCEL_REASON)


def expected(viewer: str, channel: str, field: str, program: dict, real_details: bool = False) -> bool:
    """The promises in words, written independently of the table."""
    staff = viewer in p.STAFF_VIEWERS
    discreet, members_only = program["discreet"], program["place_members_only"]
    if channel == p.LOG:
        return field == p.TITLE and not discreet  # logs carry at most a title anyone may read
    if field in (p.TITLE, p.DESCRIPTION):
        if not discreet:
            return True
        if channel == p.PRINT or viewer not in (p.TEAM, p.ORGANIZER, p.ADMIN):
            return False  # printed paper leaves the office; participants and other staff read the neutral title
        return real_details if channel == p.FEED else True
    if field == p.PLACE:
        return staff or viewer in (p.MEMBER, p.SELF) or not members_only
    if field == p.ONLINE_LINK:
        return staff or viewer in (p.MEMBER, p.SELF) or not (members_only or discreet)
    if field == p.CANCEL_REASON:
        if channel == p.MESSAGE and discreet and not staff:
            return False  # free text that may name the subject, in a message someone else may glimpse
        return channel != p.PRINT and (staff or viewer in (p.MEMBER, p.SELF))
    if field == p.CONTACT:
        if channel in (p.FEED, p.LOG):
            return False
        if viewer == p.SELF:
            return channel != p.PRINT
        return viewer in (p.TEAM, p.ADMIN)
    if field == p.NOTES:
        if viewer not in (p.TEAM, p.ADMIN) or channel not in (p.PAGE, p.FEED, p.EXPORT):
            return False
        return real_details or not discreet if channel == p.FEED else True
    raise AssertionError(field)


@pytest.mark.parametrize("program", [ORDINARY, DISCREET], ids=["ordinary", "discreet"])
@pytest.mark.parametrize("real_details", [False, True], ids=["default", "opted-in"])
@pytest.mark.parametrize("field", p.FIELDS)
@pytest.mark.parametrize("channel", p.CHANNELS)
@pytest.mark.parametrize("viewer", p.VIEWERS)
def test_policy_cell_keeps_its_promise(viewer, channel, field, program, real_details):
    who = p.Viewer(viewer, real_details=real_details and viewer in p.STAFF_VIEWERS)
    assert p.may_see(who, channel, field, program=program) == expected(
        viewer, channel, field, program, who.real_details
    )


def test_table_has_every_cell():
    assert len(p.table()) == len(p.FIELDS) * len(p.VIEWERS) * len(p.CHANNELS)
    assert {rule for *_, rule in p.table()} <= {p.YES, p.NO, p.OPEN, p.SHARED, p.OPEN_SHARED, p.OPT_IN}


@pytest.mark.parametrize("viewer", NOT_STAFF)
@pytest.mark.parametrize("channel", p.CHANNELS)
def test_nobody_outside_staff_ever_reads_a_discreet_real_title_or_description(viewer, channel):
    view = p.program_view(
        dict(DISCREET, description="ZQX for survivors", summary="ZQX", assessment_notes="ZQX"), viewer, channel
    )
    assert view["title"] == "Kelompok Selasa"
    assert "ODHIV" not in str(view) and "ZQX" not in str(view) and "public_title" not in view


def test_staff_feed_shows_neutral_titles_unless_the_staff_member_opts_in():
    assert p.title(DISCREET, p.Viewer(p.TEAM), p.FEED) == "Kelompok Selasa"
    assert p.title(DISCREET, p.Viewer(p.TEAM, real_details=True), p.FEED) == "Kelompok ODHIV"
    assert p.title(DISCREET, p.Viewer(p.TEAM), p.PAGE) == "Kelompok ODHIV"
    assert p.title(DISCREET, p.Viewer(p.ADMIN, real_details=True), p.PRINT) == "Kelompok Selasa"


def test_session_view_keeps_place_and_reason_for_members_only():
    session = {
        "location": "Ruang 3",
        "online_link": "https://meet.example.org/x",
        "cancel_reason": "Sakit",
        "notes": "n",
    }
    public = p.session_view(session, DISCREET, p.ANYONE, p.FEED)
    assert public == {"location": "", "online_link": "", "cancel_reason": "", "notes": ""}
    member = p.session_view(session, DISCREET, p.participant_viewer(enrolled=True), p.FEED)
    assert member == dict(session, notes="")
    assert p.session_view(session, ORDINARY, p.ANYONE, p.PAGE)["location"] == "Ruang 3"


def test_person_view_shows_contact_details_to_team_and_admins_only():
    person = {
        "display_name": "Rina",
        "legal_name": "Rina Wati",
        "phone": "0812",
        "phone_digits": "0812",
        "email": "r@x",
        "notes": "n",
    }
    for viewer in (p.TEAM, p.ADMIN):
        assert p.person_view(person, viewer, p.PAGE) == person
    for viewer in (p.ORGANIZER, p.STAFF, p.MEMBER, p.PUBLIC):
        view = p.person_view(person, viewer, p.PAGE)
        assert view["display_name"] == "Rina" and not any(view[k] for k in ("legal_name", "phone", "email", "notes"))


class _Staff:
    def __init__(self, role):
        self.is_admin = role == "admin"
        self.is_organizer = role in ("admin", "organizer")


@pytest.mark.parametrize(
    ("role", "on_team", "viewer"),
    [
        ("admin", False, p.ADMIN),
        ("organizer", True, p.TEAM),
        ("organizer", False, p.ORGANIZER),
        ("facilitator", True, p.TEAM),
        ("facilitator", False, p.STAFF),
    ],
)
def test_staff_viewer_follows_role_and_team(role, on_team, viewer):
    assert p.staff_viewer(_Staff(role), on_team=on_team).role == viewer


async def test_can_see_confidential_is_the_policys_contact_cell(db):
    from factories import make_program, make_staff

    from server.enrolment.participant_access import can_see_confidential
    from server.enrolment.tables import Enrolment
    from server.people.participants import create_participant
    from server.programs.tables import TeamMember

    program = await make_program()
    pid = await create_participant(None, {"display_name": "Rina"})
    await Enrolment.insert(Enrolment(participant=pid, program=program.id, status="enrolled")).run()
    lead, other, organizer, admin = (
        await make_staff(),
        await make_staff(),
        await make_staff("organizer"),
        await make_staff("admin"),
    )
    await TeamMember.insert(TeamMember(program=program.id, staff=lead.id, role="lead")).run()
    assert [await can_see_confidential(s, pid) for s in (lead, other, organizer, admin)] == [True, False, False, True]
