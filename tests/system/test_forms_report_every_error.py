"""Forms report all their errors in one round: a missing field does not hide a wrong date order, a bad link or a
missing consent until the next submission."""

from conftest import post_form

from server.web.forms import Date, Form, Text, Undecided

REQUIRED = "This field is required."
CONTACT_WITHOUT_CONSENT = (
    "A phone number or e-mail address is kept only with consent to be contacted: record that consent, or leave this "
    "empty."
)


class _Trip(Form):
    fields = {"name": Text(required=True), "leaves": Date(), "returns": Date()}

    def clean(self) -> None:
        if self["leaves"] and self["returns"] and self["returns"] < self["leaves"]:
            self.add_error("returns", "Back before leaving.")


def test_cross_field_rules_run_even_when_a_field_is_refused():
    form = _Trip({"name": "", "leaves": "2027-03-05", "returns": "2027-03-01"})
    assert not form.is_valid()
    assert form.errors == {"name": REQUIRED, "returns": "Back before leaving."}


def test_a_rule_that_needs_a_refused_value_waits_for_it():
    form = _Trip({"name": "Ani", "leaves": "5 March", "returns": "2027-03-01"})
    assert not form.is_valid()
    assert set(form.errors) == {"leaves"}
    try:
        form["leaves"]
    except Undecided:
        pass
    else:
        raise AssertionError("a refused field's value must not read as a value")


async def test_program_form_reports_every_error_at_once(organizer_client):
    from server.programs.tables import Program

    data = {
        "title": "",
        "slug": "Not A Slug!",
        "kind": "skill_workshop",
        "visibility": "public",
        "timezone": "Asia/Jakarta",
        "enrolment_mode": "open",
        "capacity": "-3",
        "discreet": "on",
        "public_title": "",
        "starts_on": "2027-03-10",
        "ends_on": "2027-03-01",
    }
    response = await post_form(organizer_client, "/manage/programs/new", data)
    assert response.status_code == 400
    for message in (
        REQUIRED,  # title
        "A discreet program needs a neutral public title.",
        "The end date is before the start date.",
    ):
        assert message in response.text, message
    assert 'id="f-slug-error"' in response.text and 'id="f-capacity-error"' in response.text
    assert await Program.count().run() == 0


async def test_session_form_reports_a_missing_day_a_bad_link_and_the_time_order_at_once(organizer_client):
    from factories import make_program

    from server.schedule.tables import ProgramSession

    await make_program(slug="menjahit")
    data = {"date": "", "start_time": "19:00", "end_time": "18:00", "online_link": "meet.example.org/kelas"}
    response = await post_form(organizer_client, "/manage/programs/menjahit/sessions", data)
    assert response.status_code == 400
    for message in (
        REQUIRED,
        "The end time must be after the start time.",
        "Enter a web address starting with https://.",
    ):
        assert message in response.text, message
    assert await ProgramSession.count().run() == 0


async def test_self_registration_reports_the_name_and_every_missing_consent_at_once(client, db):
    from factories import make_program

    from server.people.tables import Participant

    await make_program(slug="kelas")
    data = {"display_name": "", "phone": "0812 3333 4444", "email": "ani@example.org", "preferred_locale": "id"}
    response = await post_form(client, "/programs/kelas/register", data)
    assert response.status_code == 400
    assert REQUIRED in response.text
    assert response.text.count("Registration needs this consent.") == 2
    assert response.text.count(CONTACT_WITHOUT_CONSENT) == 2  # the phone and the e-mail
    assert await Participant.count().run() == 0


async def test_participant_form_reports_the_name_and_contact_without_consent_at_once(organizer_client):
    from server.people.tables import Participant

    data = {"display_name": "", "phone": "0812 3333 4444", "email": "ani@example.org", "preferred_locale": "id"}
    response = await post_form(organizer_client, "/participants/new", data)
    assert response.status_code == 400
    assert REQUIRED in response.text
    assert response.text.count(CONTACT_WITHOUT_CONSENT) == 2
    assert await Participant.count().run() == 0
