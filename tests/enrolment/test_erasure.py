"""Erasing a person ends their places: withdrawn (reason "erased"), the waitlist moves up, counts stay."""

from datetime import timedelta

from conftest import post_form
from enrolment_helpers import make_group, make_person, statuses
from factories import make_session

from server.attendance.tables import Attendance
from server.enrolment import services as enrolment
from server.enrolment.tables import Enrolment, EnrolmentChange
from server.pages.personal_data import erase_participant


async def test_erasure_withdraws_active_enrolments_and_promotes_the_waitlist(admin_client, admin):
    program = await make_group(capacity=1)
    other = await make_group(capacity=None)
    erased = await make_person("Rahmat")
    waiting = await make_person("Wulan")
    held = await enrolment.enrol(admin, program.id, erased)
    await enrolment.enrol(admin, program.id, waiting)
    await enrolment.enrol(admin, other.id, erased)
    past = await make_session(program, starts_in=timedelta(days=-1))
    await Attendance.insert(Attendance(session=past.id, participant=erased, status="present")).run()

    response = await post_form(admin_client, f"/participants/{erased}/erase", {"confirm_name": "Rahmat"})
    assert response.status_code == 303

    assert await statuses(program) == {"withdrawn": [erased], "enrolled": [waiting]}
    assert await statuses(other) == {"withdrawn": [erased]}
    row = await Enrolment.select().where(Enrolment.id == held["id"]).first().run()
    assert row["reason"] == "erased" and row["ended_at"] is not None
    changes = (
        await EnrolmentChange.select().where(EnrolmentChange.enrolment == held["id"]).order_by(EnrolmentChange.id).run()
    )
    assert (changes[-1]["from_status"], changes[-1]["to_status"], changes[-1]["note"]) == (
        "enrolled",
        "withdrawn",
        "erased",
    )
    promoted = await EnrolmentChange.select().where(EnrolmentChange.automatic == "promotion").run()
    assert len(promoted) == 1
    # The counts stay: the attendance row is kept, without the person's name.
    assert await Attendance.count().where(Attendance.session == past.id).run() == 1
    page = await admin_client.get(f"/manage/programs/{program.slug}/participants")
    assert "Rahmat" not in page.text and "Wulan" in page.text


async def test_erasure_by_a_non_admin_changes_nothing(organizer):
    from server.errors import DomainError

    program = await make_group(capacity=3)
    pid = await make_person("Sinta")
    await enrolment.enrol(organizer, program.id, pid)
    try:
        await erase_participant(organizer, pid)
    except DomainError as refusal:
        assert refusal.code == "admin_only"
    else:
        raise AssertionError("an organizer erased a person")
    assert await statuses(program) == {"enrolled": [pid]}
