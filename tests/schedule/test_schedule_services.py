"""Schedule rules without HTTP: series, occurrence edits, splits, sequence and uid, cancellations, conflicts, agenda."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from schedule_helpers import berlin, join_team, program_row, sessions_of  # noqa: F401  (berlin is a fixture)

from server.errors import DomainError
from server.schedule import recurrence
from server.schedule import services as schedule
from server.schedule.services import Details, Repeat
from server.schedule.tables import ProgramSession, Series, SessionFacilitator

JAN_2030 = datetime(2030, 1, 1, tzinfo=UTC)


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


async def weekly_series(program, first=date(2030, 3, 5), count=10, at=time(19, 0), until_=time(20, 30), **details):
    series_id, _conflicts = await schedule.add_series(
        program,
        repeat=Repeat(frequency="weekly", first_day=first, weekdays=("TU",), count=count),
        start=at,
        end=until_,
        details=Details(**details),
    )
    return series_id


# --- creating --------------------------------------------------------------------------------------


async def test_series_keeps_19_local_across_dst_in_berlin_and_stores_utc(berlin):
    series_id = await weekly_series(berlin, topic="Gesprächskreis")
    rows = await sessions_of(berlin["id"])
    assert len(rows) == 10
    assert {local(r["starts_at"], "Europe/Berlin").time() for r in rows} == {time(19, 0)}
    assert {local(r["ends_at"], "Europe/Berlin").time() for r in rows} == {time(20, 30)}
    # 2030: summer time starts on 31 March, so the UTC hour moves from 18 to 17.
    assert [r["starts_at"].astimezone(UTC).hour for r in rows[:5]] == [18, 18, 18, 18, 17]
    assert len({r["uid"] for r in rows}) == 10
    assert all(r["series"] == series_id and r["original_start"] == r["starts_at"] for r in rows)
    series = await Series.select().where(Series.id == series_id).first().run()
    assert (series["local_start"], series["timezone"], series["duration_minutes"]) == (
        datetime(2030, 3, 5, 19, 0),
        "Europe/Berlin",
        90,
    )


async def test_series_keeps_19_local_across_dst_in_new_york(db):
    from factories import make_program

    program = await program_row(await make_program(timezone="America/New_York"))
    await weekly_series(program, first=date(2030, 10, 22), count=4)
    rows = await sessions_of(program["id"])
    assert {local(r["starts_at"], "America/New_York").time() for r in rows} == {time(19, 0)}
    assert [r["starts_at"].astimezone(UTC).hour for r in rows] == [23, 23, 0, 0]


async def test_monthly_series_on_the_last_friday(db):
    from factories import make_program

    program = await program_row(await make_program(timezone="Asia/Jakarta"))
    await schedule.add_series(
        program,
        repeat=Repeat(frequency="monthly_last_weekday", first_day=date(2030, 5, 31), until=date(2030, 8, 31)),
        start=time(16, 0),
        end=time(17, 30),
        details=Details(),
    )
    days = [local(r["starts_at"], "Asia/Jakarta").date() for r in await sessions_of(program["id"])]
    assert days == [date(2030, 5, 31), date(2030, 6, 28), date(2030, 7, 26), date(2030, 8, 30)]


@pytest.mark.parametrize(
    ("repeat", "field"),
    [
        (Repeat(frequency="weekly", first_day=date(2030, 3, 5), count=501), "count"),
        (
            Repeat(
                frequency="weekly",
                first_day=date(2030, 3, 5),
                weekdays=("MO", "TU", "WE", "TH", "FR"),
                until=date(2032, 12, 31),
            ),
            "until",
        ),
        (Repeat(frequency="weekly", first_day=date(2030, 3, 5), until=date(2030, 3, 1)), "until"),
        (Repeat(frequency="weekly", first_day=date(2030, 3, 4), weekdays=("FR",), until=date(2030, 3, 6)), "until"),
        (Repeat(frequency="weekly", first_day=date(2030, 3, 5)), "until"),
    ],
)
async def test_a_bad_series_saves_nothing(berlin, repeat, field):
    with pytest.raises(DomainError) as error:
        await schedule.add_series(berlin, repeat=repeat, start=time(19, 0), end=time(20, 0), details=Details())
    assert error.value.field == field
    assert await Series.count().run() == 0
    assert await ProgramSession.count().run() == 0


async def test_a_session_that_ends_before_it_starts_is_refused(berlin):
    with pytest.raises(DomainError) as error:
        await schedule.add_session(berlin, day=date(2030, 3, 5), start=time(19, 0), end=time(18, 0), details=Details())
    assert error.value.field == "end_time"
    assert await ProgramSession.count().run() == 0


async def test_facilitators_come_from_the_programs_team(berlin, staff_factory):
    outsider = await staff_factory()
    with pytest.raises(DomainError) as error:
        await schedule.add_session(
            berlin,
            day=date(2030, 3, 5),
            start=time(19, 0),
            end=time(20, 0),
            details=Details(facilitator_ids=(outsider.id,)),
        )
    assert error.value.field == "facilitators"
    assert await ProgramSession.count().run() == 0


async def test_only_web_links_are_accepted_as_online_links(berlin):
    with pytest.raises(DomainError) as error:
        await schedule.add_session(
            berlin,
            day=date(2030, 3, 5),
            start=time(19, 0),
            end=time(20, 0),
            details=Details(online_link="javascript:alert(1)"),
        )
    assert error.value.field == "online_link"


async def test_series_sessions_get_the_chosen_facilitators(berlin, staff_factory):
    lead = await staff_factory()
    await join_team(berlin, lead)
    await weekly_series(berlin, count=3, facilitator_ids=(lead.id,))
    assert await SessionFacilitator.count().where(SessionFacilitator.staff == lead.id).run() == 3


async def test_a_closed_program_refuses_schedule_changes(db):
    from factories import make_program

    program = await program_row(await make_program(phase="closed"))
    with pytest.raises(DomainError) as error:
        await schedule.add_session(program, day=date(2030, 3, 5), start=time(19, 0), end=time(20, 0), details=Details())
    assert error.value.code == "program_closed"


# --- one occurrence --------------------------------------------------------------------------------


async def test_editing_one_occurrence_detaches_it_and_raises_sequence_only_for_time_or_place(berlin):
    await weekly_series(berlin, count=3, location="Saal 1")
    first, second, _third = await sessions_of(berlin["id"])
    await schedule.edit_occurrence(
        berlin,
        first["id"],
        day=date(2030, 3, 5),
        start=time(19, 0),
        end=time(20, 30),
        details=Details(topic="Kennenlernen", location="Saal 1"),
    )
    after = await ProgramSession.select().where(ProgramSession.id == first["id"]).first().run()
    assert (after["topic"], after["detached"], after["sequence"], after["uid"]) == (
        "Kennenlernen",
        True,
        0,
        first["uid"],
    )

    await schedule.edit_occurrence(
        berlin,
        second["id"],
        day=date(2030, 3, 12),
        start=time(19, 0),
        end=time(20, 30),
        details=Details(location="Saal 2"),
    )
    after = await ProgramSession.select().where(ProgramSession.id == second["id"]).first().run()
    assert (after["location"], after["sequence"], after["uid"]) == ("Saal 2", 1, second["uid"])


async def test_moving_one_occurrence_keeps_its_uid_and_original_start(berlin):
    await weekly_series(berlin, count=3, topic="Thema")
    row = (await sessions_of(berlin["id"]))[1]
    await schedule.move_occurrence(berlin, row["id"], day=date(2030, 3, 13), start=time(18, 0), end=time(19, 0))
    after = await ProgramSession.select().where(ProgramSession.id == row["id"]).first().run()
    assert local(after["starts_at"], "Europe/Berlin") == datetime(2030, 3, 13, 18, 0)
    assert local(after["ends_at"], "Europe/Berlin") == datetime(2030, 3, 13, 19, 0)
    assert (after["uid"], after["original_start"], after["topic"]) == (row["uid"], row["original_start"], "Thema")
    assert (after["sequence"], after["detached"]) == (1, True)


async def test_cancelling_keeps_the_session_visible_and_restoring_brings_it_back(berlin):
    await weekly_series(berlin, count=2)
    row = (await sessions_of(berlin["id"]))[0]
    with pytest.raises(DomainError) as error:
        await schedule.cancel_occurrence(berlin, row["id"], "  ")
    assert error.value.field == "reason"

    await schedule.cancel_occurrence(berlin, row["id"], "Raum nicht verfügbar")
    after = await ProgramSession.select().where(ProgramSession.id == row["id"]).first().run()
    assert (after["status"], after["cancel_reason"], after["sequence"], after["uid"]) == (
        "cancelled",
        "Raum nicht verfügbar",
        1,
        row["uid"],
    )
    listed = await schedule.program_schedule(berlin, now=JAN_2030)
    assert [s["status"] for g in listed["upcoming"] for s in g["sessions"]] == ["cancelled", "scheduled"]
    assert listed["cancelled_count"] == 1

    with pytest.raises(DomainError):
        await schedule.cancel_occurrence(berlin, row["id"], "again")
    await schedule.restore_occurrence(berlin, row["id"])
    after = await ProgramSession.select().where(ProgramSession.id == row["id"]).first().run()
    assert (after["status"], after["cancel_reason"], after["sequence"]) == ("scheduled", "", 2)
    with pytest.raises(DomainError):
        await schedule.restore_occurrence(berlin, row["id"])


async def test_a_session_of_another_program_is_not_found(berlin, db):
    from factories import make_program, make_session

    other = await make_program()
    foreign = await make_session(other)
    with pytest.raises(DomainError) as error:
        await schedule.get_session(berlin, foreign.id)
    assert error.value.code == "not_found"
    with pytest.raises(DomainError) as error:
        await schedule.cancel_occurrence(berlin, foreign.id, "no")
    assert error.value.code == "not_found"


# --- the whole series ------------------------------------------------------------------------------


async def test_whole_series_edit_changes_future_sessions_but_not_detached_or_past_ones(berlin):
    series_id = await weekly_series(berlin, first=date(2030, 3, 5), count=6, location="Saal 1", topic="Alt")
    rows = await sessions_of(berlin["id"])
    await schedule.edit_occurrence(
        berlin,
        rows[4]["id"],
        day=date(2030, 4, 2),
        start=time(19, 0),
        end=time(20, 30),
        details=Details(topic="Sonder", location="Saal 1"),
    )
    now = datetime(2030, 3, 13, tzinfo=UTC)  # the first two are past

    await schedule.edit_series(
        berlin,
        rows[3]["id"],
        start=time(19, 0),
        end=time(20, 30),
        details=Details(topic="Neu", location="Saal 3"),
        now=now,
    )

    after = {r["id"]: r for r in await sessions_of(berlin["id"])}
    assert [(after[r["id"]]["topic"], after[r["id"]]["location"]) for r in rows] == [
        ("Alt", "Saal 1"),
        ("Alt", "Saal 1"),
        ("Neu", "Saal 3"),
        ("Neu", "Saal 3"),
        ("Sonder", "Saal 1"),
        ("Neu", "Saal 3"),
    ]
    assert [after[r["id"]]["sequence"] for r in rows] == [0, 0, 1, 1, 0, 1]
    assert [after[r["id"]]["uid"] for r in rows] == [r["uid"] for r in rows]
    series = await Series.select().where(Series.id == series_id).first().run()
    assert (series["topic"], series["location"]) == ("Neu", "Saal 3")


async def test_whole_series_new_time_of_day_stays_local_across_dst(berlin):
    await weekly_series(berlin, first=date(2030, 3, 19), count=4)
    rows = await sessions_of(berlin["id"])
    await schedule.edit_series(
        berlin, rows[0]["id"], start=time(18, 30), end=time(20, 0), details=Details(), now=JAN_2030
    )
    after = await sessions_of(berlin["id"])
    assert [local(r["starts_at"], "Europe/Berlin") for r in after] == [
        datetime(2030, 3, 19, 18, 30),
        datetime(2030, 3, 26, 18, 30),
        datetime(2030, 4, 2, 18, 30),
        datetime(2030, 4, 9, 18, 30),
    ]
    assert {local(r["ends_at"], "Europe/Berlin").time() for r in after} == {time(20, 0)}
    assert {r["sequence"] for r in after} == {1}
    assert all(r["original_start"] == r["starts_at"] for r in after)
    series = await Series.select().first().run()
    assert (series["local_start"], series["duration_minutes"]) == (datetime(2030, 3, 19, 18, 30), 90)


async def test_topic_only_series_edit_does_not_raise_sequence(berlin):
    await weekly_series(berlin, count=3)
    rows = await sessions_of(berlin["id"])
    await schedule.edit_series(
        berlin, rows[0]["id"], start=time(19, 0), end=time(20, 30), details=Details(topic="Lesson"), now=JAN_2030
    )
    assert {(r["topic"], r["sequence"]) for r in await sessions_of(berlin["id"])} == {("Lesson", 0)}


async def test_several_sessions_cannot_move_to_another_day_at_once(berlin):
    await weekly_series(berlin, count=3)
    row = (await sessions_of(berlin["id"]))[1]
    for edit in (schedule.edit_series, schedule.edit_following):
        with pytest.raises(DomainError) as error:
            await edit(
                berlin,
                row["id"],
                day=date(2030, 3, 13),
                start=time(19, 0),
                end=time(20, 30),
                details=Details(),
                now=JAN_2030,
            )
        assert error.value.field == "date"


async def test_a_one_off_session_has_no_series_to_edit(berlin):
    session_id, _ = await schedule.add_session(
        berlin, day=date(2030, 3, 5), start=time(19, 0), end=time(20, 0), details=Details()
    )
    with pytest.raises(DomainError) as error:
        await schedule.edit_series(
            berlin, session_id, start=time(19, 0), end=time(20, 0), details=Details(), now=JAN_2030
        )
    assert error.value.field == "scope"


# --- this and following ----------------------------------------------------------------------------


async def test_this_and_following_splits_the_series_and_keeps_uids(berlin):
    old_id = await weekly_series(berlin, first=date(2030, 3, 5), count=8, topic="Teil 1", location="Saal 1")
    rows = await sessions_of(berlin["id"])
    await schedule.edit_following(
        berlin,
        rows[4]["id"],
        day=date(2030, 4, 2),
        start=time(18, 0),
        end=time(19, 30),
        details=Details(topic="Teil 2", location="Saal 2"),
        now=JAN_2030,
    )
    after = await sessions_of(berlin["id"])
    assert [r["uid"] for r in after] == [r["uid"] for r in rows]
    series = {s["id"]: s for s in await Series.select().run()}
    assert len(series) == 2
    new_id = next(i for i in series if i != old_id)
    assert [r["series"] for r in after] == [old_id] * 4 + [new_id] * 4
    assert [r["topic"] for r in after] == ["Teil 1"] * 4 + ["Teil 2"] * 4
    assert [r["sequence"] for r in after] == [0] * 4 + [1] * 4
    assert {local(r["starts_at"], "Europe/Berlin").time() for r in after[4:]} == {time(18, 0)}
    assert {local(r["starts_at"], "Europe/Berlin").time() for r in after[:4]} == {time(19, 0)}

    # The old series now ends before the split; the new one holds exactly the rest, with the new values.
    old, new = series[old_id], series[new_id]
    assert len(recurrence.expand(old["rrule"], old["local_start"], old["timezone"], old["duration_minutes"])) == 4
    rest = recurrence.expand(new["rrule"], new["local_start"], new["timezone"], new["duration_minutes"])
    assert [o.starts_at for o in rest] == [r["starts_at"] for r in after[4:]]
    assert (new["local_start"], new["topic"], new["location"], new["duration_minutes"]) == (
        datetime(2030, 4, 2, 18, 0),
        "Teil 2",
        "Saal 2",
        90,
    )


async def test_this_and_following_leaves_hand_edited_sessions_their_values(berlin):
    await weekly_series(berlin, count=5, location="Saal 1")
    rows = await sessions_of(berlin["id"])
    await schedule.edit_occurrence(
        berlin,
        rows[3]["id"],
        day=date(2030, 3, 26),
        start=time(19, 0),
        end=time(20, 30),
        details=Details(location="Garten"),
    )
    await schedule.edit_following(
        berlin, rows[1]["id"], start=time(19, 0), end=time(20, 30), details=Details(location="Saal 2"), now=JAN_2030
    )
    after = await sessions_of(berlin["id"])
    assert [r["location"] for r in after] == ["Saal 1", "Saal 2", "Saal 2", "Garten", "Saal 2"]
    assert after[3]["detached"] is True and after[3]["series"] == after[1]["series"] != after[0]["series"]


async def test_this_and_following_from_the_first_session_changes_the_series_in_place(berlin):
    series_id = await weekly_series(berlin, count=3)
    rows = await sessions_of(berlin["id"])
    await schedule.edit_following(
        berlin, rows[0]["id"], start=time(19, 0), end=time(20, 0), details=Details(topic="Alles"), now=JAN_2030
    )
    assert await Series.count().run() == 1
    series = await Series.select().first().run()
    assert (series["id"], series["topic"], series["duration_minutes"]) == (series_id, "Alles", 60)
    assert {(r["topic"], r["series"]) for r in await sessions_of(berlin["id"])} == {("Alles", series_id)}


async def test_this_and_following_refuses_a_past_session(berlin):
    await weekly_series(berlin, count=3)
    rows = await sessions_of(berlin["id"])
    with pytest.raises(DomainError) as error:
        await schedule.edit_following(
            berlin,
            rows[1]["id"],
            start=time(19, 0),
            end=time(20, 0),
            details=Details(),
            now=datetime(2031, 1, 1, tzinfo=UTC),
        )
    assert error.value.field == "scope"


async def test_splitting_twice_then_editing_the_middle_series_only_changes_it(berlin):
    await weekly_series(berlin, count=9)
    rows = await sessions_of(berlin["id"])
    await schedule.edit_following(
        berlin, rows[3]["id"], start=time(19, 0), end=time(20, 30), details=Details(topic="B"), now=JAN_2030
    )
    await schedule.edit_following(
        berlin, rows[6]["id"], start=time(19, 0), end=time(20, 30), details=Details(topic="C"), now=JAN_2030
    )
    await schedule.edit_series(
        berlin, rows[4]["id"], start=time(19, 0), end=time(20, 30), details=Details(topic="B2"), now=JAN_2030
    )
    assert [r["topic"] for r in await sessions_of(berlin["id"])] == ["", "", "", "B2", "B2", "B2", "C", "C", "C"]
    assert await Series.count().run() == 3


# --- conflicts -------------------------------------------------------------------------------------


async def test_double_booked_facilitator_and_location_are_reported_not_refused(berlin, staff_factory):
    from factories import make_program

    lead = await staff_factory(display_name="Dewi")
    other = await make_program(title="Sewing circle", timezone="Asia/Jakarta")
    other_row = await program_row(other)
    await join_team(other, lead)
    await join_team(berlin, lead)
    booked_id, _ = await schedule.add_session(
        other_row,
        day=date(2030, 3, 6),
        start=time(1, 0),
        end=time(2, 30),
        details=Details(location="Balai Warga", facilitator_ids=(lead.id,)),
    )
    # Berlin 19:00-20:00 on 5 March is 01:00-02:00 on 6 March in Jakarta.
    session_id, conflicts = await schedule.add_session(
        berlin,
        day=date(2030, 3, 5),
        start=time(19, 0),
        end=time(20, 0),
        details=Details(location="balai warga ", facilitator_ids=(lead.id,)),
    )
    assert await ProgramSession.count().run() == 2
    assert {(c.kind, c.subject, c.other_session_id, c.other_program_title) for c in conflicts} == {
        ("facilitator", "Dewi", booked_id, "Sewing circle"),
        ("location", "balai warga", booked_id, "Sewing circle"),
    }
    assert all(c.session_id == session_id for c in conflicts)


async def test_no_conflict_with_cancelled_or_back_to_back_sessions(berlin, staff_factory):
    from factories import make_program

    other = await program_row(await make_program(timezone="Europe/Berlin"))
    cancelled_id, _ = await schedule.add_session(
        other, day=date(2030, 3, 5), start=time(19, 0), end=time(20, 0), details=Details(location="Saal 1")
    )
    await schedule.cancel_occurrence(other, cancelled_id, "Krank")
    await schedule.add_session(
        other, day=date(2030, 3, 5), start=time(18, 0), end=time(19, 0), details=Details(location="Saal 1")
    )
    _id, conflicts = await schedule.add_session(
        berlin, day=date(2030, 3, 5), start=time(19, 0), end=time(20, 0), details=Details(location="Saal 1")
    )
    assert conflicts == []
    # Restoring the cancelled one brings the double booking back, as a warning.
    conflicts = await schedule.restore_occurrence(other, cancelled_id)
    assert [c.kind for c in conflicts] == ["location"]


async def test_a_series_reports_each_double_booked_occurrence(berlin):
    await schedule.add_session(
        berlin, day=date(2030, 3, 12), start=time(19, 30), end=time(21, 0), details=Details(location="Saal 1")
    )
    _id, conflicts = await schedule.add_series(
        berlin,
        repeat=Repeat(frequency="weekly", first_day=date(2030, 3, 5), count=4),
        start=time(19, 0),
        end=time(20, 0),
        details=Details(location="SAAL 1"),
    )
    assert [local(c.starts_at, "Europe/Berlin").date() for c in conflicts] == [date(2030, 3, 12)]


# --- lists -----------------------------------------------------------------------------------------


async def test_program_schedule_groups_upcoming_and_past_by_local_month(berlin):
    await weekly_series(berlin, first=date(2030, 3, 19), count=4)
    listed = await schedule.program_schedule(berlin, now=datetime(2030, 3, 27, tzinfo=UTC))
    assert [(g["month"], len(g["sessions"])) for g in listed["upcoming"]] == [(date(2030, 4, 1), 2)]
    assert [(g["month"], len(g["sessions"])) for g in listed["past"]] == [(date(2030, 3, 1), 2)]
    assert listed["past"][0]["sessions"][0]["starts_at"] > listed["past"][0]["sessions"][1]["starts_at"]


async def test_agenda_shows_my_programs_for_the_week_or_month(db, staff_factory):
    from factories import make_program, make_session

    me = await staff_factory(display_name="Rina")
    organizer = await staff_factory(role="organizer")
    mine = await make_program(title="Grief support", public_title="Tuesday group", discreet=True)
    other = await make_program(title="Someone else's")
    archived = await make_program(title="Old", archived=True)
    await join_team(mine, me)
    await join_team(archived, me)
    now = datetime.now(UTC)
    soon = await make_session(mine, starts_in=timedelta(days=2))
    later = await make_session(mine, starts_in=timedelta(days=20))
    await make_session(mine, starts_in=timedelta(days=40))
    await make_session(mine, starts_in=timedelta(days=-3))
    await make_session(other, starts_in=timedelta(days=1))
    await make_session(archived, starts_in=timedelta(days=1))
    await SessionFacilitator.insert(SessionFacilitator(session=soon.id, staff=me.id)).run()

    async def agenda(staff, days, limit=25, offset=0, up_to=251):
        return await schedule.staff_agenda_page(staff, days, now, limit=limit, offset=offset, up_to=up_to)

    week, total = await agenda(me, 7)
    assert [(row["id"], row["program_title"], row["mine"]) for row in week] == [(soon.id, "Grief support", True)]
    assert total == 1
    month, total = await agenda(me, 31)
    assert [row["id"] for row in month] == [soon.id, later.id] and total == 2
    assert [row["facilitators"] for row in month] == [[{"staff_id": me.id, "name": "Rina"}], []]
    everyone, total = await agenda(organizer, 7)
    assert len(everyone) == 2 and total == 2
    # A page and a count that stops: the second page of one, counting stopped at one.
    second, total = await agenda(me, 31, limit=1, offset=1, up_to=1)
    assert [row["id"] for row in second] == [later.id] and total == 1


async def test_agenda_pages_count_sessions_not_their_facilitators(db, staff_factory):
    """The agenda reads each listed session's facilitators in the same query, a row for each: a page still holds
    `limit` sessions, each with all of its facilitators by name, and the count is of sessions."""
    from factories import make_program, make_session

    organizer = await staff_factory(role="organizer", display_name="Wati")
    dewi = await staff_factory(display_name="Dewi")
    bayu = await staff_factory(display_name="Bayu")
    program = await make_program(title="Kelas Menjahit")
    first = await make_session(program, starts_in=timedelta(days=1))
    second = await make_session(program, starts_in=timedelta(days=2))
    third = await make_session(program, starts_in=timedelta(days=3))
    for session, people in ((first, (dewi, bayu, organizer)), (second, (dewi,)), (third, (bayu, dewi))):
        for person in people:
            await SessionFacilitator.insert(SessionFacilitator(session=session.id, staff=person.id)).run()
    now = datetime.now(UTC)

    async def page(limit, offset=0):
        return await schedule.staff_agenda_page(organizer, 7, now, limit=limit, offset=offset, up_to=251)

    rows, total = await page(2)
    assert total == 3
    assert [(row["id"], [f["name"] for f in row["facilitators"]], row["mine"]) for row in rows] == [
        (first.id, ["Bayu", "Dewi", "Wati"], True),
        (second.id, ["Dewi"], False),
    ]
    assert rows[0]["facilitator_ids"] == [bayu.id, dewi.id, organizer.id]
    rows, total = await page(2, offset=2)
    assert [(row["id"], [f["name"] for f in row["facilitators"]]) for row in rows] == [(third.id, ["Bayu", "Dewi"])]
    assert total == 3


async def test_next_public_session_is_the_first_scheduled_one_to_come(db):
    from factories import make_program, make_session

    busy = await make_program(slug="ramai", timezone="Asia/Makassar")
    await make_session(busy, starts_in=timedelta(days=-1))  # past
    await make_session(busy, starts_in=timedelta(days=1), status="cancelled")
    later = await make_session(busy, starts_in=timedelta(days=9))
    first = await make_session(busy, starts_in=timedelta(days=2), topic="Pertama")
    idle = await make_program(slug="sepi")
    await make_session(idle, starts_in=timedelta(days=-3))
    found = await schedule.next_public_session_by_program([busy.id, idle.id])
    assert list(found) == [busy.id]
    row = found[busy.id]
    assert (row["id"], row["topic"], row["timezone"]) == (first.id, "Pertama", "Asia/Makassar")
    assert row["starts_at"] == first.starts_at and row["ends_at"] == first.ends_at
    assert later.id != row["id"]
    assert await schedule.next_public_session_by_program([]) == {}


async def test_upcoming_counts_count_each_programs_scheduled_sessions_to_come(db):
    from factories import make_program, make_session

    busy = await make_program(slug="hitung")
    await make_session(busy, starts_in=timedelta(days=-1))  # past
    await make_session(busy, starts_in=timedelta(days=1), status="cancelled")
    for days in (2, 9, 16):
        await make_session(busy, starts_in=timedelta(days=days))
    idle = await make_program(slug="diam")
    await make_session(idle, starts_in=timedelta(days=-3))
    assert await schedule.upcoming_counts([busy.id, idle.id]) == {busy.id: 3}
    assert await schedule.upcoming_counts([]) == {}
