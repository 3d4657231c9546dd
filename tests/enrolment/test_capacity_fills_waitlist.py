"""Raising a program's capacity (or removing its limit) fills the new places from the waitlist, as a freed place
does, in the same locked transaction as the save; lowering it never removes anyone; a refused edit changes nothing."""

from conftest import post_form
from enrolment_helpers import at, make_group, make_person, statuses

from server import clock
from server.enrolment import roster
from server.enrolment import services as enrolment
from server.enrolment.tables import Enrolment, EnrolmentChange
from server.programs import services as programs
from server.programs.tables import Program


def _form(program, **overrides):
    data = {
        "title": program.title,
        "slug": program.slug,
        "kind": program.kind,
        "visibility": "public",
        "timezone": "Asia/Jakarta",
        "enrolment_mode": "open",
        "capacity": str(program.capacity) if program.capacity is not None else "",
        "completion_threshold": "75",
    }
    data.update(overrides)
    return data


def _values(program, **overrides):
    """What the program form hands the service once parsed (numbers as numbers: PostgreSQL takes no text)."""
    capacity = overrides.pop("capacity", program.capacity)
    return {**_form(program, **overrides), "capacity": capacity, "completion_threshold": 75}


async def _full_with_three_waiting(organizer, capacity: int = 1, **overrides):
    program = await make_group(capacity=capacity, **overrides)
    names = ["Ani", "Budi", "Citra", "Dewi", "Eka"][: capacity + 3]
    ids = [await make_person(name) for name in names]
    for hour, pid in enumerate(ids):
        await enrolment.enrol(organizer, program.id, pid, now=at(hour))
    return program, ids


async def _program_row(program) -> dict:
    return await Program.select().where(Program.id == program.id).first().run()


async def test_raising_capacity_promotes_the_first_waiting_in_order(organizer_client, organizer):
    program, (ani, budi, citra, dewi) = await _full_with_three_waiting(organizer)
    with clock.frozen(at(10)):
        response = await post_form(
            organizer_client, f"/manage/programs/{program.slug}/edit", _form(program, capacity="3")
        )
    assert response.status_code == 303
    assert await statuses(program) == {"enrolled": [ani, budi, citra], "waitlisted": [dewi]}
    promotions = (
        await EnrolmentChange.select()
        .where(EnrolmentChange.automatic == "promotion")
        .order_by(EnrolmentChange.id)
        .run()
    )
    # Recorded as for a freed place: automatic, by nobody, waitlisted → enrolled, at the time of the save.
    assert [(c["from_status"], c["to_status"], c["changed_by"], c["changed_at"]) for c in promotions] == [
        ("waitlisted", "enrolled", None, at(10)),
        ("waitlisted", "enrolled", None, at(10)),
    ]
    seen = await roster.recent_promotions(organizer, since=at(9))
    assert sorted(p["participant_id"] for p in seen) == [budi, citra]
    enrolled_at = await Enrolment.select(Enrolment.enrolled_at).where(Enrolment.participant == budi).first().run()
    assert enrolled_at["enrolled_at"] == at(10)


async def test_raising_capacity_with_an_offer_window_offers_the_places(organizer):
    program, (ani, budi, citra, dewi) = await _full_with_three_waiting(organizer, offer_hours=48)
    with clock.frozen(at(10)):
        await programs.update_program(organizer, await _program_row(program), _values(program, capacity=3))
    assert await statuses(program) == {"enrolled": [ani], "offered": [budi, citra], "waitlisted": [dewi]}
    offers = await Enrolment.select().where(Enrolment.status == "offered").run()
    assert {row["offer_expires_at"] for row in offers} == {at(58)}
    assert all(row["enrolled_at"] is None for row in offers)


async def test_removing_the_capacity_limit_promotes_everyone_waiting(organizer):
    program, ids = await _full_with_three_waiting(organizer)
    with clock.frozen(at(10)):
        await programs.update_program(organizer, await _program_row(program), _values(program, capacity=None))
    assert await statuses(program) == {"enrolled": ids}


async def test_lowering_capacity_never_removes_anyone(organizer):
    program, (ani, budi, citra, dewi, eka) = await _full_with_three_waiting(organizer, capacity=2)
    changes = await EnrolmentChange.count().run()
    with clock.frozen(at(10)):
        await programs.update_program(organizer, await _program_row(program), _values(program, capacity=1))
    assert await statuses(program) == {"enrolled": [ani, budi], "waitlisted": [citra, dewi, eka]}
    assert await EnrolmentChange.count().run() == changes


async def test_saving_other_fields_does_not_move_the_waitlist(organizer):
    program, (ani, budi, citra, dewi) = await _full_with_three_waiting(organizer)
    await Program.update({Program.capacity: 2}).where(Program.id == program.id).run()  # a free place, untouched
    with clock.frozen(at(10)):
        await programs.update_program(organizer, await _program_row(program), _values(program, capacity=2, title="X"))
    assert await statuses(program) == {"enrolled": [ani], "waitlisted": [budi, citra, dewi]}


async def test_refused_capacity_edit_changes_nothing(organizer_client, organizer):
    program, (ani, budi, citra, dewi) = await _full_with_three_waiting(organizer)
    changes = await EnrolmentChange.count().run()
    url = f"/manage/programs/{program.slug}/edit"
    for bad in ("-1", "drei", "10001"):
        response = await post_form(organizer_client, url, _form(program, capacity=bad))
        assert response.status_code == 400
    # A refusal by a program rule (a discreet program without a neutral title) saves nothing either.
    response = await post_form(organizer_client, url, _form(program, capacity="3", discreet="on"))
    assert response.status_code == 400
    assert (await _program_row(program))["capacity"] == 1
    assert await statuses(program) == {"enrolled": [ani], "waitlisted": [budi, citra, dewi]}
    assert await EnrolmentChange.count().run() == changes
