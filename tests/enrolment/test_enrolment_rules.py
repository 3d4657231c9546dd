"""Enrolment rules without HTTP: consent, capacity and waitlists, approval, offers with a fixed clock, history."""

import asyncio
from datetime import timedelta

import pytest
from enrolment_helpers import at, join_team, make_group, make_person, status_of, statuses
from factories import make_program, make_session, make_staff

from server.enrolment import personal, roster
from server.enrolment import registration as registrations
from server.enrolment import services as enrolment
from server.enrolment.tables import Enrolment, EnrolmentChange
from server.errors import DomainError
from server.people.consent import active_consents, consent_history, withdraw_consent
from server.people.tables import Participant


async def test_enrolment_requires_participation_consent(organizer):
    program = await make_group()
    pid = await make_person(consents=("data_collection",))
    with pytest.raises(DomainError) as refused:
        await enrolment.enrol(organizer, program.id, pid, now=at())
    assert refused.value.code == "consent_missing" and refused.value.field == "consent_participation"
    assert await Enrolment.count().run() == 0


async def test_withdrawn_participation_consent_no_longer_counts(organizer):
    program = await make_group()
    pid = await make_person()
    await withdraw_consent(pid, "participation", actor=organizer)
    with pytest.raises(DomainError):
        await enrolment.enrol(organizer, program.id, pid, now=at())


async def test_enrolling_twice_is_refused(organizer):
    program = await make_group(capacity=1)
    first, second = await make_person("Ani"), await make_person("Budi")
    await enrolment.enrol(organizer, program.id, first, now=at())
    await enrolment.enrol(organizer, program.id, second, now=at(1))
    for pid in (first, second):  # enrolled and waitlisted alike
        with pytest.raises(DomainError) as refused:
            await enrolment.enrol(organizer, program.id, pid, now=at(2))
        assert refused.value.code == "already_enrolled"
        assert "already on this program's list" in refused.value.translated()
    assert await Enrolment.count().run() == 2


async def test_over_capacity_goes_to_the_waitlist_in_order_of_request(organizer):
    program = await make_group(capacity=2)
    people_ids = [await make_person(name) for name in ("Ani", "Budi", "Citra", "Dewi")]
    for hour, pid in enumerate(people_ids):
        await enrolment.enrol(organizer, program.id, pid, now=at(hour))
    found = await statuses(program)
    assert found == {"enrolled": people_ids[:2], "waitlisted": people_ids[2:]}
    groups = await roster.program_participants(program.id)
    assert [(row["participant"], row["position"]) for row in groups["waitlisted"]] == [
        (people_ids[2], 1),
        (people_ids[3], 2),
    ]


async def test_no_capacity_means_no_waitlist(organizer):
    program = await make_group(capacity=None)
    for name in ("Ani", "Budi", "Citra"):
        await enrolment.enrol(organizer, program.id, await make_person(name), now=at())
    assert list((await statuses(program)).keys()) == ["enrolled"]


async def test_freed_place_promotes_first_on_waitlist(organizer):
    program = await make_group(capacity=1)
    ani, budi, citra = [await make_person(name) for name in ("Ani", "Budi", "Citra")]
    first = await enrolment.enrol(organizer, program.id, ani, now=at(0))
    await enrolment.enrol(organizer, program.id, budi, now=at(1))
    await enrolment.enrol(organizer, program.id, citra, now=at(2))
    await enrolment.withdraw(organizer, program.id, first["id"], "moved away", now=at(3))
    assert await statuses(program) == {"withdrawn": [ani], "enrolled": [budi], "waitlisted": [citra]}
    promotion = await EnrolmentChange.select().where(EnrolmentChange.automatic == "promotion").first().run()
    assert (promotion["from_status"], promotion["to_status"], promotion["changed_by"]) == (
        "waitlisted",
        "enrolled",
        None,
    )
    budi_row = await Enrolment.select().where(Enrolment.participant == budi).first().run()
    assert budi_row["enrolled_at"] == at(3)


async def test_promotion_passes_over_someone_who_withdrew_consent(organizer):
    program = await make_group(capacity=1)
    ani, budi, citra = [await make_person(name) for name in ("Ani", "Budi", "Citra")]
    first = await enrolment.enrol(organizer, program.id, ani, now=at(0))
    await enrolment.enrol(organizer, program.id, budi, now=at(1))
    await enrolment.enrol(organizer, program.id, citra, now=at(2))
    await withdraw_consent(budi, "participation", actor=organizer)
    await enrolment.withdraw(organizer, program.id, first["id"], "moved", now=at(3))
    assert await statuses(program) == {"withdrawn": [ani], "waitlisted": [budi], "enrolled": [citra]}


async def test_withdraw_records_reason_and_end(organizer):
    program = await make_group()
    row = await enrolment.enrol(organizer, program.id, await make_person(), now=at())
    await enrolment.withdraw(organizer, program.id, row["id"], "pindah kerja", now=at(5))
    saved = await Enrolment.select().where(Enrolment.id == row["id"]).first().run()
    assert (saved["status"], saved["reason"], saved["ended_at"]) == ("withdrawn", "pindah kerja", at(5))
    with pytest.raises(DomainError) as refused:
        await enrolment.withdraw(organizer, program.id, row["id"], "again", now=at(6))
    assert refused.value.code == "not_active"


async def test_every_status_change_is_recorded(organizer):
    program = await make_group(capacity=1)
    ani, budi = await make_person("Ani"), await make_person("Budi")
    a = await enrolment.enrol(organizer, program.id, ani, now=at(0))
    b = await enrolment.enrol(organizer, program.id, budi, now=at(1))
    await enrolment.withdraw(organizer, program.id, a["id"], "sakit", now=at(2))
    await enrolment.complete(organizer, program.id, b["id"], now=at(3))
    changes = (
        await EnrolmentChange.select(
            EnrolmentChange.enrolment,
            EnrolmentChange.from_status,
            EnrolmentChange.to_status,
            EnrolmentChange.automatic,
            EnrolmentChange.note,
        )
        .order_by(EnrolmentChange.id)
        .run()
    )
    assert [(c["enrolment"], c["from_status"], c["to_status"], c["automatic"]) for c in changes] == [
        (a["id"], "", "enrolled", ""),
        (b["id"], "", "waitlisted", ""),
        (a["id"], "enrolled", "withdrawn", ""),
        (b["id"], "waitlisted", "enrolled", "promotion"),
        (b["id"], "enrolled", "completed", ""),
    ]
    assert changes[2]["note"] == "sakit"


async def test_only_an_enrolled_person_can_complete(organizer):
    program = await make_group(capacity=1)
    await enrolment.enrol(organizer, program.id, await make_person("Ani"), now=at())
    waiting = await enrolment.enrol(organizer, program.id, await make_person("Budi"), now=at(1))
    with pytest.raises(DomainError) as refused:
        await enrolment.complete(organizer, program.id, waiting["id"], now=at(2))
    assert refused.value.code == "not_enrolled"


async def test_self_registration_for_an_approval_program_is_a_request(organizer):
    program = await make_group(capacity=1, enrolment_mode="approval")
    registration = await registrations.self_register(
        program.id,
        {"display_name": "Ani", "phone": "0812 1111 2222"},
        ["participation", "data_collection", "contact"],
        now=at(),
    )
    assert registration.status == "requested" and not registration.duplicate
    participant = await Participant.select().where(Participant.id == registration.participant_id).first().run()
    assert participant["created_by"] is None
    sources = {row["source"] for row in await consent_history(registration.participant_id)}
    assert sources == {"self_registration"}


async def test_approval_gives_a_place_or_the_waitlist_when_full(organizer):
    program = await make_group(capacity=1, enrolment_mode="approval")
    first = await registrations.self_register(
        program.id, {"display_name": "Ani"}, ["participation", "data_collection"], now=at(0)
    )
    second = await registrations.self_register(
        program.id, {"display_name": "Budi"}, ["participation", "data_collection"], now=at(1)
    )
    assert (await enrolment.approve(organizer, program.id, first.enrolment_id, now=at(2)))["status"] == "enrolled"
    assert (await enrolment.approve(organizer, program.id, second.enrolment_id, now=at(3)))["status"] == "waitlisted"
    with pytest.raises(DomainError) as refused:
        await enrolment.approve(organizer, program.id, first.enrolment_id, now=at(4))
    assert refused.value.code == "not_requested"


async def test_staff_enrol_directly_even_in_approval_mode(organizer):
    program = await make_group(capacity=3, enrolment_mode="approval")
    row = await enrolment.enrol(organizer, program.id, await make_person(), now=at())
    assert row["status"] == "enrolled"


async def test_promotion_with_an_offer_window_offers_the_place(organizer):
    program = await make_group(capacity=1, offer_hours=48)
    ani, budi = await make_person("Ani"), await make_person("Budi")
    a = await enrolment.enrol(organizer, program.id, ani, now=at(0))
    b = await enrolment.enrol(organizer, program.id, budi, now=at(1))
    await enrolment.withdraw(organizer, program.id, a["id"], "moved", now=at(2))
    offered = await Enrolment.select().where(Enrolment.id == b["id"]).first().run()
    assert offered["status"] == "offered" and offered["offer_expires_at"] == at(50) and offered["enrolled_at"] is None
    # The offered place is held: a newcomer goes to the waitlist.
    c = await enrolment.enrol(organizer, program.id, await make_person("Citra"), now=at(3))
    assert c["status"] == "waitlisted"
    confirmed = await enrolment.confirm_offer(None, program.id, b["id"], now=at(49))
    assert confirmed["status"] == "enrolled"
    assert (await Enrolment.select().where(Enrolment.id == b["id"]).first().run())["enrolled_at"] == at(49)


async def test_expired_offer_passes_place_on(organizer):
    program = await make_group(capacity=1, offer_hours=24)
    ids = [await make_person(name) for name in ("Ani", "Budi", "Citra")]
    rows = [await enrolment.enrol(organizer, program.id, pid, now=at(hour)) for hour, pid in enumerate(ids)]
    await enrolment.withdraw(organizer, program.id, rows[0]["id"], "moved", now=at(10))
    assert await status_of(rows[1]["id"]) == "offered"
    assert await enrolment.expire_offers(at(33)) == 0  # still within the 24 hours
    assert await enrolment.expire_offers(at(35)) == 1
    assert await status_of(rows[1]["id"]) == "declined"
    third = await Enrolment.select().where(Enrolment.id == rows[2]["id"]).first().run()
    assert third["status"] == "offered" and third["offer_expires_at"] == at(35 + 24)
    expired = await EnrolmentChange.select().where(EnrolmentChange.automatic == "offer_expired").run()
    assert [(c["enrolment"], c["to_status"]) for c in expired] == [(rows[1]["id"], "declined")]


async def test_confirming_an_expired_offer_is_refused(organizer):
    program = await make_group(capacity=1, offer_hours=24)
    a = await enrolment.enrol(organizer, program.id, await make_person("Ani"), now=at(0))
    b = await enrolment.enrol(organizer, program.id, await make_person("Budi"), now=at(1))
    await enrolment.withdraw(organizer, program.id, a["id"], "moved", now=at(2))
    with pytest.raises(DomainError) as refused:
        await enrolment.confirm_offer(None, program.id, b["id"], now=at(30))  # expiry runs lazily first
    assert refused.value.code == "offer_expired"
    assert await status_of(b["id"]) == "declined"


async def test_someone_who_left_can_enrol_again_at_the_end_of_the_queue(organizer):
    program = await make_group(capacity=1)
    ani, budi = await make_person("Ani"), await make_person("Budi")
    a = await enrolment.enrol(organizer, program.id, ani, now=at(0))
    await enrolment.withdraw(organizer, program.id, a["id"], "holiday", now=at(1))
    await enrolment.enrol(organizer, program.id, budi, now=at(2))
    again = await enrolment.enrol(organizer, program.id, ani, now=at(3))
    assert again["id"] == a["id"] and again["status"] == "waitlisted" and again["ended_at"] is None
    assert await Enrolment.count().run() == 2


async def test_closed_or_archived_program_refuses_enrolment(organizer):
    for overrides in ({"phase": "closed"}, {"archived": True}):
        program = await make_group(**overrides)
        with pytest.raises(DomainError) as refused:
            await enrolment.enrol(organizer, program.id, await make_person(), now=at())
        assert refused.value.code == "program_closed"
    assert await Enrolment.count().run() == 0


async def test_self_registration_refused_when_enrolment_is_closed(db):
    program = await make_group(enrolment_mode="closed")
    with pytest.raises(DomainError) as refused:
        await registrations.self_register(
            program.id, {"display_name": "Ani"}, ["participation", "data_collection"], now=at()
        )
    assert refused.value.code == "registration_closed"
    assert await Participant.count().run() == 0


async def test_self_registration_with_a_contact_already_on_the_list_saves_nothing(db):
    program = await make_group(capacity=5)
    first = await registrations.self_register(
        program.id,
        {"display_name": "Ani", "phone": "0812 1111 2222"},
        ["participation", "data_collection", "contact"],
        now=at(0),
    )
    again = await registrations.self_register(
        program.id,
        {"display_name": "Ani A.", "phone": "+62 812-1111-2222"},
        ["participation", "data_collection", "contact"],
        now=at(1),
    )
    by_mail = await registrations.self_register(
        program.id,
        {"display_name": "Ani", "email": "ANI@example.id"},
        ["participation", "data_collection", "contact"],
        now=at(2),
    )
    also_mail = await registrations.self_register(
        program.id,
        {"display_name": "Ani", "email": "ani@example.id"},
        ["participation", "data_collection", "contact"],
        now=at(3),
    )
    assert again.duplicate and again.participant_id == first.participant_id
    assert not by_mail.duplicate and also_mail.duplicate and also_mail.participant_id == by_mail.participant_id
    assert await Participant.count().run() == 2 and await Enrolment.count().run() == 2


async def test_withdrawing_participation_consent_leaves_every_open_program(organizer):
    first, second = await make_group(capacity=1), await make_group(capacity=1)
    ani, budi = await make_person("Ani"), await make_person("Budi")
    await enrolment.enrol(organizer, first.id, ani, now=at(0))
    await enrolment.enrol(organizer, second.id, ani, now=at(0))
    await enrolment.enrol(organizer, first.id, budi, now=at(1))
    assert await personal.withdraw_own_consent(ani, "participation", now=at(2)) == 2
    assert await statuses(first) == {"withdrawn": [ani], "enrolled": [budi]}
    assert await statuses(second) == {"withdrawn": [ani]}
    assert (await active_consents([ani]))[ani] == {"data_collection"}


async def test_recent_promotions_are_only_for_programs_the_staff_member_manages(organizer, facilitator):
    mine, other = await make_group(capacity=1, title="Kelas Mine"), await make_group(capacity=1, title="Kelas Other")
    await join_team(mine, facilitator)
    for program in (mine, other):
        a = await enrolment.enrol(organizer, program.id, await make_person("Ani"), now=at(0))
        await enrolment.enrol(organizer, program.id, await make_person("Budi"), now=at(1))
        await enrolment.withdraw(organizer, program.id, a["id"], "moved", now=at(2))
    seen = await roster.recent_promotions(facilitator, since=at(1))
    assert [(p["program_id"], p["display_name"], p["to_status"]) for p in seen] == [(mine.id, "Budi", "enrolled")]
    assert len(await roster.recent_promotions(organizer, since=at(1))) == 2
    assert await roster.recent_promotions(organizer, since=at(3)) == []
    outsider = await make_staff()
    assert await roster.recent_promotions(outsider, since=at(0)) == []


async def test_personal_sessions_are_those_of_enrolled_programs_in_the_next_60_days(organizer):
    enrolled_in, waiting_for = await make_group(capacity=1), await make_group(capacity=1)
    await enrolment.enrol(organizer, waiting_for.id, await make_person("Someone"))
    pid = await make_person("Ani")
    await enrolment.enrol(organizer, enrolled_in.id, pid)
    await enrolment.enrol(organizer, waiting_for.id, pid)
    soon = await make_session(enrolled_in, starts_in=timedelta(days=3), location="Balai RW 05")
    await make_session(enrolled_in, starts_in=timedelta(days=75))
    await make_session(enrolled_in, starts_in=timedelta(days=-3))
    await make_session(waiting_for, starts_in=timedelta(days=3))
    found = await personal.personal_sessions(pid)
    assert [s["id"] for s in found] == [soon.id] and found[0]["location"] == "Balai RW 05"


async def test_rsvp_is_for_own_coming_sessions_and_a_new_answer_replaces_the_old(organizer):
    from server.enrolment.tables import Rsvp
    from server.errors import NotFound

    program, other = await make_group(), await make_group()
    pid = await make_person()
    await enrolment.enrol(organizer, program.id, pid)
    session = await make_session(program)
    await personal.answer_rsvp(pid, session.id, "going")
    await personal.answer_rsvp(pid, session.id, "not_going")
    assert [r["response"] for r in await Rsvp.select().run()] == ["not_going"]
    with pytest.raises(NotFound):
        await personal.answer_rsvp(pid, (await make_session(other)).id, "going")
    past = await make_session(program, starts_in=timedelta(days=-2))
    with pytest.raises(DomainError):
        await personal.answer_rsvp(pid, past.id, "going")


async def test_capacity_holds_under_concurrent_registrations(organizer):
    # On PostgreSQL the program row lock serialises the 20 transactions; on SQLite the IMMEDIATE transactions do.
    program = await make_program(capacity=5, enrolment_mode="open")
    people_ids = [await make_person(f"Orang {n}") for n in range(20)]

    async def register(pid):
        return await enrolment.enrol(None, program.id, pid, source="self_registration")

    results = await asyncio.gather(*(register(pid) for pid in people_ids))
    assert sorted(r["status"] for r in results).count("enrolled") == 5
    found = await statuses(program)
    assert len(found["enrolled"]) == 5 and len(found["waitlisted"]) == 15
    assert await EnrolmentChange.count().run() == 20
