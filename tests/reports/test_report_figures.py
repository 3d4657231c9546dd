"""The evaluation report's figures against a hand-computed workshop (see report_helpers.workshop_fixture), with
cancelled sessions, withdrawals, late joiners, unmarked members, a guest and an erased participant."""

from datetime import timedelta

import pytest
from report_helpers import NOW, WEEK, workshop_fixture

from server.errors import DomainError
from server.reports import services as reports


@pytest.fixture
async def workshop(db):
    return await workshop_fixture()


async def test_sessions_planned_count_every_non_cancelled_one_including_future(workshop):
    counts = await reports.session_counts(workshop.program.id, NOW)
    assert {key: counts[key] for key in ("planned", "held", "cancelled", "upcoming", "not_taken")} == {
        "planned": 5,
        "held": 3,
        "cancelled": 2,
        "upcoming": 1,
        "not_taken": 1,
    }
    assert counts["first_at"] == workshop.sessions["s1"]["starts_at"]
    assert counts["last_at"] == workshop.sessions["s6"]["starts_at"]


async def test_retained_are_those_still_enrolled_or_completed_among_who_took_part(workshop):
    people = await reports.enrolment_counts(workshop.program.id)
    assert people["took_part"] == 6
    assert people["still_enrolled"] == 4
    assert people["completed"] == 1
    assert people["withdrawn"] == 1
    assert people["retained"] == 5
    assert people["retention"] == pytest.approx(5 / 6)
    assert people["waitlisted"] == 1
    assert people["left_before_start"] == 1
    assert people["anonymised"] == 1


async def test_rate_distribution_buckets_people_by_their_own_rate(workshop):
    distribution = await reports.rate_distribution(workshop.program.id, NOW)
    assert [(b["key"], b["people"]) for b in distribution["buckets"]] == [("b0", 1), ("b1", 1), ("b2", 2), ("b3", 2)]
    assert distribution["people"] == 6
    assert (distribution["attended"], distribution["absent"], distribution["excused"]) == (8, 6, 1)
    assert distribution["rate"] == pytest.approx(8 / 14)


async def test_a_rate_on_a_bucket_edge_goes_to_the_higher_bucket(db):
    from factories import make_program
    from report_helpers import enrol, mark, session_at

    program = await make_program(slug="tepi")
    sessions = [await session_at(program, NOW - (4 - n) * WEEK) for n in range(4)]
    quarter = await enrol(program, "Seperempat", NOW - 5 * WEEK)
    half = await enrol(program, "Separuh", NOW - 5 * WEEK)
    three = await enrol(program, "Tigaperempat", NOW - 5 * WEEK)
    for index, session in enumerate(sessions):
        await mark(session, quarter, "present" if index < 1 else "absent")
        await mark(session, half, "present" if index < 2 else "absent")
        await mark(session, three, "present" if index < 3 else "absent")
    distribution = await reports.rate_distribution(program.id, NOW)
    assert [(b["key"], b["people"]) for b in distribution["buckets"]] == [("b0", 0), ("b1", 1), ("b2", 1), ("b3", 1)]


async def test_attendance_trend_lists_held_sessions_in_date_order(workshop):
    report = await reports.program_report(workshop.row, NOW)
    trend = report["trend"]
    assert [row["id"] for row in trend] == [workshop.sessions[name]["id"] for name in ("s1", "s2", "s4")]
    assert [(row["attended"], row["expected"], row["excused"], row["guests"]) for row in trend] == [
        (3, 5, 0, 0),
        (2, 5, 1, 0),
        (3, 5, 0, 1),
    ]
    assert [row["rate"] for row in trend] == [pytest.approx(0.6), pytest.approx(0.5), pytest.approx(0.6)]


async def test_goals_against_targets(workshop):
    report = await reports.program_report(workshop.row, NOW)
    assert [goal["progress"] for goal in report["goals"]] == [1.0, 0.5, None]
    assert report["goals_met"] == 1
    assert report["goals_measured"] == 2


async def test_report_has_no_milestones_for_a_workshop_but_has_them_for_a_community_project(db):
    from factories import make_program
    from report_helpers import program_row

    from server.programs.tables import Milestone

    project = await make_program(slug="sumur", kind="community_project")
    await Milestone.insert(
        Milestone(program=project.id, title="Survei lokasi", status="done"),
        Milestone(program=project.id, title="Gali sumur"),
    ).run()
    report = await reports.program_report(await program_row(project), NOW)
    assert [m["title"] for m in report["milestones"]] == ["Survei lokasi", "Gali sumur"]
    assert reports.milestone_counts(report["milestones"]) == {"planned": 1, "in_progress": 0, "done": 1, "blocked": 0}
    workshop = await workshop_fixture(slug="lain")
    assert (await reports.program_report(workshop.row, NOW))["milestones"] == []


async def test_prepost_change_pairs_the_newest_before_and_after_surveys(workshop, organizer):
    from survey_helpers import make_survey, respond

    question = [{"code": "conf", "kind": "likert", "text": "Saya percaya diri menjahit.", "required": True}]
    pre = await make_survey(
        organizer, title="Sebelum", purpose="pre", program=workshop.program.id, anonymous=False, questions=question
    )
    post = await make_survey(
        organizer, title="Sesudah", purpose="post", program=workshop.program.id, anonymous=False, questions=question
    )
    people = workshop.people
    for name, before, after in (("Ani", 2, 4), ("Budi", 3, 3)):
        await respond(pre, {"conf": before}, participant_id=people[name], at=NOW - 6 * WEEK)
        await respond(post, {"conf": after}, participant_id=people[name], at=NOW - WEEK)
    await respond(pre, {"conf": 1}, participant_id=people["Citra"], at=NOW - 6 * WEEK)
    report = await reports.program_report(workshop.row, NOW)
    change = report["prepost"]
    assert (change["pre"]["id"], change["post"]["id"]) == (pre["id"], post["id"])
    assert (change["pre_count"], change["post_count"], change["paired"]) == (3, 2, 2)
    row = change["rows"][0]
    # Two pairs are fewer than the small-group limit (GOTONG_MIN_GROUP_SIZE): the report shows no figures about them.
    assert row["hidden"] and (row["n"], row["before"], row["after"], row["change"]) == (None, None, None, None)


async def test_no_prepost_without_both_surveys(workshop):
    assert (await reports.program_report(workshop.row, NOW))["prepost"] is None


async def test_session_feedback_counts_responses_and_averages_scale_questions(workshop, organizer):
    from survey_helpers import make_survey, respond

    questions = [
        {"code": "useful", "kind": "likert", "text": "Sesi ini bermanfaat."},
        {"code": "score", "kind": "rating", "text": "Nilai sesi ini"},
        {"code": "comment", "kind": "long_text", "text": "Saran"},
    ]
    survey = await make_survey(
        organizer,
        title="Umpan balik sesi",
        purpose="session_feedback",
        program=workshop.program.id,
        anonymous=True,
        questions=questions,
    )
    for useful, score in ((5, 8), (4, 6), (3, 10)):
        await respond(survey, {"useful": useful, "score": score, "comment": "ok"})
    await respond(survey, {"comment": "tanpa angka"})
    other = await workshop_fixture(slug="lain")
    elsewhere = await make_survey(
        organizer, title="Program lain", purpose="session_feedback", program=other.program.id, questions=questions
    )
    await respond(elsewhere, {"useful": 1, "score": 0})
    feedback = (await reports.program_report(workshop.row, NOW, min_group=3))["feedback"]
    assert feedback["responses"] == 4
    [found] = feedback["surveys"]
    assert found["title"] == "Umpan balik sesi"
    assert [(q["text"], q["answers"], q["mean"], q["scale_max"]) for q in found["questions"]] == [
        ("Sesi ini bermanfaat.", 3, 4.0, 5.0),
        ("Nilai sesi ini", 3, 8.0, 10.0),
    ]


async def test_session_feedback_hides_a_mean_of_fewer_answers_than_the_small_group_limit(workshop, organizer):
    from survey_helpers import make_survey, respond

    questions = [
        {"code": "useful", "kind": "likert", "text": "Sesi ini bermanfaat."},
        {"code": "score", "kind": "rating", "text": "Nilai"},
    ]
    survey = await make_survey(
        organizer, title="Umpan balik", purpose="session_feedback", program=workshop.program.id, questions=questions
    )
    for useful in (5, 4, 3, 4, 4):
        await respond(survey, {"useful": useful})
    await respond(survey, {"score": 2})
    [found] = (await reports.program_report(workshop.row, NOW, min_group=5))["feedback"]["surveys"]
    assert [(q["text"], q["answers"], q["mean"], q["hidden"]) for q in found["questions"]] == [
        ("Sesi ini bermanfaat.", 5, 4.0, False),
        ("Nilai", None, None, True),
    ]


async def test_evaluation_versions_are_kept_newest_first(workshop, facilitator):
    await reports.save_evaluation(facilitator, workshop.row, "  Versi pertama.  ", NOW - WEEK)
    await reports.save_evaluation(facilitator, workshop.row, "Versi kedua.", NOW)
    evaluations = await reports.list_evaluations(workshop.program.id)
    assert [e["text"] for e in evaluations] == ["Versi kedua.", "Versi pertama."]
    assert evaluations[0]["by"] == facilitator.display_name
    assert evaluations[0]["written_at"] == NOW


async def test_an_empty_evaluation_is_refused_and_a_closed_program_cannot_get_one(workshop, facilitator):
    with pytest.raises(DomainError) as error:
        await reports.save_evaluation(facilitator, workshop.row, "   ", NOW)
    assert error.value.field == "text"
    closed = dict(workshop.row, phase="closed")
    with pytest.raises(DomainError) as error:
        await reports.save_evaluation(facilitator, closed, "Terlambat.", NOW)
    assert error.value.code == "program_closed"


async def test_an_empty_program_reports_zeros_not_errors(db):
    from factories import make_program
    from report_helpers import program_row

    program = await make_program(slug="kosong")
    report = await reports.program_report(await program_row(program), NOW + timedelta(days=1))
    assert report["sessions"]["planned"] == 0
    assert report["people"]["retention"] is None
    assert report["distribution"]["rate"] is None
    assert report["trend"] == []
