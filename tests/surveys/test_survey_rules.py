"""Survey rules without HTTP: building and refusing corrupting edits, conditions, templates, storing responses,
personal links."""

from datetime import UTC, datetime, timedelta

import pytest
from factories import make_program
from survey_helpers import NEIGHBOURHOODS, make_person, make_survey, question_ids, respond

from server.errors import DomainError, Forbidden
from server.people.links import reissue_personal_links
from server.surveys import services as surveys
from server.surveys.tables import Answer, Response, Survey, SurveyInvite

YES_NO = [{"value": "yes", "label": "Ya"}, {"value": "no", "label": "Tidak"}]


def _values(**overrides):
    values = {
        "kind": "single",
        "text": "Pertanyaan",
        "help": "",
        "required": False,
        "options": YES_NO,
        "min_value": None,
        "max_value": None,
        "code": "",
        "show_if_question": None,
        "show_if_value": "",
    }
    values.update(overrides)
    return values


async def test_close_before_open_is_refused(organizer):
    today = datetime.now(UTC).date()
    with pytest.raises(DomainError) as error:
        await make_survey(organizer, opens_on=today, closes_on=today - timedelta(days=1))
    assert error.value.field == "closes_on"


async def test_survey_is_open_from_start_of_opening_day_to_end_of_closing_day(organizer):
    today = datetime.now(UTC).date()
    survey = await make_survey(organizer, opens_on=today + timedelta(days=1), closes_on=today + timedelta(days=3))
    assert (
        surveys.availability(survey, surveys.day_start(today + timedelta(days=1)) - timedelta(seconds=1)) == "not_yet"
    )
    assert surveys.availability(survey, surveys.day_start(today + timedelta(days=1))) == "open"
    assert surveys.availability(survey, surveys.day_start(today + timedelta(days=4)) - timedelta(seconds=1)) == "open"
    assert surveys.availability(survey, surveys.day_start(today + timedelta(days=4))) == "closed"


async def test_facilitator_may_only_attach_their_own_programs(facilitator):
    other = await make_program(slug="lain")
    with pytest.raises(DomainError) as error:
        await make_survey(facilitator, program=other.id)
    assert error.value.field == "program"


async def test_facilitator_sees_surveys_of_their_programs_and_their_own(facilitator, organizer):
    from server.programs.tables import TeamMember

    mine = await make_program(slug="mine")
    await TeamMember.insert(TeamMember(program=mine.id, staff=facilitator.id, role="lead")).run()
    team_survey = await make_survey(organizer, title="Tim", program=mine.id)
    foreign = await make_survey(organizer, title="Asing", program=(await make_program(slug="other")).id)
    own = await make_survey(facilitator, title="Sendiri")
    titles = {row["title"] for row in await surveys.list_surveys(facilitator)}
    assert titles == {"Tim", "Sendiri"}
    assert (await surveys.survey_for_staff(facilitator, team_survey["id"]))["id"] == team_survey["id"]
    assert (await surveys.survey_for_staff(facilitator, own["id"]))["id"] == own["id"]
    with pytest.raises(Forbidden):
        await surveys.survey_for_staff(facilitator, foreign["id"])


async def test_condition_must_point_to_an_earlier_single_choice_option(organizer):
    survey = await make_survey(
        organizer, questions=[{"code": "a", "kind": "single", "options": YES_NO}, {"code": "b", "kind": "likert"}]
    )
    ids = await question_ids(survey)
    with pytest.raises(DomainError) as error:
        await surveys.add_question(survey, _values(show_if_question=ids["b"], show_if_value="1"))
    assert error.value.code == "bad_condition"
    with pytest.raises(DomainError) as error:
        await surveys.add_question(survey, _values(show_if_question=ids["a"], show_if_value="maybe"))
    assert error.value.code == "bad_condition_value"
    await surveys.add_question(survey, _values(code="c", show_if_question=ids["a"], show_if_value="yes"))
    # Moving the dependent above its trigger would break the condition.
    questions = await surveys.list_questions(survey["id"])
    dependent = next(q for q in questions if q["code"] == "c")
    await surveys.move_question(survey, dependent["id"], "up")
    with pytest.raises(DomainError) as error:
        await surveys.move_question(survey, dependent["id"], "up")
    assert error.value.code == "order_breaks_condition"
    with pytest.raises(DomainError) as error:
        await surveys.delete_question(survey, ids["a"])
    assert error.value.code == "has_dependents"


async def test_move_duplicate_and_delete_keep_positions_dense(organizer):
    survey = await make_survey(organizer, questions=[{"code": c, "kind": "likert", "text": c} for c in ("a", "b", "c")])
    ids = await question_ids(survey)
    await surveys.move_question(survey, ids["c"], "up")
    assert [q["text"] for q in await surveys.list_questions(survey["id"])] == ["a", "c", "b"]
    copy_id = await surveys.duplicate_question(survey, ids["a"])
    questions = await surveys.list_questions(survey["id"])
    assert (
        [q["text"] for q in questions] == ["a", "a", "c", "b"]
        and questions[1]["id"] == copy_id
        and questions[1]["code"] == ""
    )
    await surveys.delete_question(survey, ids["a"])
    assert [(q["position"], q["text"]) for q in await surveys.list_questions(survey["id"])] == [
        (1, "a"),
        (2, "c"),
        (3, "b"),
    ]


async def test_answered_question_refuses_kind_change_option_removal_and_deletion(organizer):
    survey = await make_survey(
        organizer, questions=[{"code": "rw", "kind": "single", "options": NEIGHBOURHOODS, "text": "RW?"}]
    )
    await respond(survey, {"rw": "rw01"})
    ids = await question_ids(survey)
    with pytest.raises(DomainError) as error:
        await surveys.update_question(survey, ids["rw"], _values(kind="multiple", options=NEIGHBOURHOODS, code="rw"))
    assert error.value.code == "answered_kind"
    renamed = [dict(o) for o in NEIGHBOURHOODS]
    renamed[0]["value"] = "rw1"
    with pytest.raises(DomainError) as error:
        await surveys.update_question(survey, ids["rw"], _values(options=renamed, code="rw"))
    assert error.value.code == "answered_options"
    with pytest.raises(DomainError) as error:
        await surveys.delete_question(survey, ids["rw"])
    assert error.value.code == "answered_delete"
    # Wording fixes and new options stay allowed.
    relabelled = [dict(o, label=o["label"] + " Cibaduyut") for o in NEIGHBOURHOODS] + [
        {"value": "rw04", "label": "RW 04"}
    ]
    await surveys.update_question(
        survey, ids["rw"], _values(text="Di RW mana Anda tinggal?", help="Pilih satu.", options=relabelled, code="rw")
    )
    question = (await surveys.list_questions(survey["id"]))[0]
    assert (
        question["text"] == "Di RW mana Anda tinggal?"
        and question["options"][0]["label"] == "RW 01 Cibaduyut"
        and len(question["options"]) == 4
    )
    assert await Answer.count().run() == 1


async def test_answered_number_question_keeps_a_range_that_fits_its_answers(organizer):
    survey = await make_survey(
        organizer, questions=[{"code": "people", "kind": "number", "min_value": 1, "max_value": 30}]
    )
    await respond(survey, {"people": 12})
    qid = (await question_ids(survey))["people"]
    with pytest.raises(DomainError) as error:
        await surveys.update_question(
            survey, qid, _values(kind="number", options=[], code="people", min_value=1, max_value=10)
        )
    assert error.value.code == "answered_range"
    await surveys.update_question(
        survey, qid, _values(kind="number", options=[], code="people", min_value=0, max_value=50)
    )


async def test_choice_questions_need_two_distinct_options_and_codes_are_unique(organizer):
    survey = await make_survey(organizer, questions=[{"code": "a", "kind": "likert"}])
    with pytest.raises(DomainError) as error:
        await surveys.add_question(survey, _values(options=[{"value": "x", "label": "X"}]))
    assert error.value.field == "options"
    with pytest.raises(DomainError) as error:
        await surveys.add_question(survey, _values(kind="likert", code="a"))
    assert error.value.code == "code_taken"


async def test_anonymity_cannot_change_once_responses_exist(organizer):
    survey = await make_survey(organizer, questions=[{"code": "a", "kind": "likert"}])
    await respond(survey, {"a": 4})
    values = {k: survey[k] for k in ("title", "purpose", "program", "intro", "consent_text", "languages")}
    with pytest.raises(DomainError) as error:
        await surveys.update_survey(organizer, survey, dict(values, anonymous=False, opens_on=None, closes_on=None))
    assert error.value.field == "anonymous"


async def test_needs_assessment_template_has_domains_ranking_and_neighbourhoods(organizer):
    [survey_id] = await surveys.create_from_template(organizer, "needs_assessment", program_id=None, languages="en")
    survey = await surveys.get_survey(survey_id)
    questions = {q["code"]: q for q in await surveys.list_questions(survey_id)}
    assert survey["anonymous"] and survey["purpose"] == "needs_assessment" and survey["consent_text"]
    assert [o["value"] for o in questions["neighbourhood"]["options"]] == [
        "rw01",
        "rw02",
        "rw03",
        "rw04",
        "rw05",
        "rw06",
    ]
    assert [o["value"] for o in questions["priority_needs"]["options"]] == [
        "health",
        "education",
        "livelihood",
        "housing",
        "safety",
        "social_ties",
    ]
    assert questions["priority_needs"]["kind"] == "ranking"
    assert questions["health_barrier"]["condition"]["question"] == questions["health_unmet"]["id"]
    assert questions["health_barrier"]["show_if_value"] == "yes"


async def test_wellbeing_pair_shares_codes_and_is_named(organizer):
    program = await make_program(slug="parenting")
    pre_id, post_id = await surveys.create_from_template(
        organizer, "wellbeing_pair", program_id=program.id, languages="id,en"
    )
    pre, post = await surveys.get_survey(pre_id), await surveys.get_survey(post_id)
    assert (
        (pre["purpose"], post["purpose"]) == ("pre", "post") and not pre["anonymous"] and pre["program"] == program.id
    )
    pre_scales = {
        q["code"]: q["kind"] for q in await surveys.list_questions(pre_id) if q["kind"] in ("likert", "rating")
    }
    post_scales = {
        q["code"]: q["kind"] for q in await surveys.list_questions(post_id) if q["kind"] in ("likert", "rating")
    }
    assert pre_scales == post_scales and len(pre_scales) >= 5


async def test_submission_key_is_bound_to_survey_and_link(organizer):
    key = surveys.new_submission_key(7, "public")
    assert surveys.check_submission_key(key, 7, "public")
    assert not surveys.check_submission_key(key, 8, "public")
    assert not surveys.check_submission_key(key, 7, "invite:3")
    assert not surveys.check_submission_key("forged.key", 7, "public")
    assert len(key) <= 64


async def test_same_submission_key_stores_one_response(organizer):
    survey = await make_survey(organizer, questions=[{"code": "a", "kind": "likert"}])
    qid = (await question_ids(survey))["a"]
    key = surveys.new_submission_key(survey["id"], "public")
    assert await surveys.submit_response(survey, [(qid, "", 4.0)], submission_key=key)
    assert not await surveys.submit_response(survey, [(qid, "", 5.0)], submission_key=key)
    assert await Response.count().run() == 1 and await Answer.count().run() == 1


async def test_racing_double_submission_stores_one_response(organizer):
    import asyncio

    survey = await make_survey(organizer, questions=[{"code": "a", "kind": "likert"}])
    qid = (await question_ids(survey))["a"]
    key = surveys.new_submission_key(survey["id"], "public")
    outcomes = await asyncio.gather(
        *(surveys.submit_response(survey, [(qid, "", 3.0)], submission_key=key) for _ in range(3)),
        return_exceptions=True,
    )
    assert await Response.count().run() == 1
    assert sum(1 for outcome in outcomes if outcome is True) == 1


async def test_anonymous_response_keeps_no_participant_invite_or_exact_time(organizer):
    survey = await make_survey(organizer, questions=[{"code": "a", "kind": "likert"}], anonymous=True)
    person = await make_person("Wati")
    qid = (await question_ids(survey))["a"]
    at = datetime(2026, 12, 1, 5, 37, 12, tzinfo=UTC)
    await surveys.submit_response(
        survey, [(qid, "", 2.0)], submission_key="k1", participant_id=person, invite_id=None, now=at
    )
    row = await Response.select().first().run()
    assert row["participant"] is None
    assert row["submitted_at"] == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    # Nothing else about the person could be kept: the table has no address or browser column to fill.
    assert not {"ip", "ip_address", "user_agent"} & {c._meta.name for c in Response._meta.columns}


async def test_invite_link_is_personal_for_named_and_public_for_anonymous(organizer):
    person = await make_person("Sari")
    page = await reissue_personal_links(None, person)
    named = await make_survey(organizer, anonymous=False, questions=[{"code": "a", "kind": "likert"}])
    link = await surveys.invite_link(named["id"], person, page)
    assert link.startswith(surveys.public_url(named) + "/i/")
    assert await surveys.invite_link(named["id"], person, page) == link  # made once, then reused
    assert await SurveyInvite.count().run() == 1
    anonymous = await make_survey(organizer, anonymous=True, questions=[{"code": "a", "kind": "likert"}])
    assert await surveys.invite_link(anonymous["id"], person, page) == surveys.public_url(anonymous)
    assert await SurveyInvite.count().run() == 1


async def test_open_surveys_for_participant_lists_open_unanswered_surveys_of_their_programs(organizer):
    from server.enrolment.tables import Enrolment

    program = await make_program(slug="kelas")
    other = await make_program(slug="lain")
    person = await make_person("Sari")
    await Enrolment.insert(Enrolment(participant=person, program=program.id, status="enrolled")).run()
    today = datetime.now(UTC).date()
    pre = await make_survey(
        organizer,
        title="Sebelum",
        purpose="pre",
        anonymous=False,
        program=program.id,
        questions=[{"code": "a", "kind": "likert"}],
    )
    await make_survey(
        organizer,
        title="Umpan balik",
        purpose="session_feedback",
        anonymous=True,
        program=program.id,
        questions=[{"code": "a", "kind": "likert"}],
    )
    await make_survey(organizer, title="Draf", program=program.id, published=False)
    await make_survey(
        organizer,
        title="Tutup",
        program=program.id,
        opens_on=today - timedelta(days=9),
        closes_on=today - timedelta(days=2),
    )
    await make_survey(organizer, title="Program lain", program=other.id)
    page = await reissue_personal_links(None, person)
    found = await surveys.open_surveys_for_participant(person, page)
    assert [s["title"] for s in found] == ["Sebelum", "Umpan balik"]
    assert "/i/" in found[0]["url"] and "/i/" not in found[1]["url"]
    await respond(pre, {"a": 3}, participant_id=person)
    assert [s["title"] for s in await surveys.open_surveys_for_participant(person, page)] == ["Umpan balik"]


async def test_publishing_needs_a_question(organizer):
    survey = await make_survey(organizer, published=False)
    with pytest.raises(DomainError):
        await surveys.set_published(organizer, survey, True)
    await surveys.add_question(survey, _values(kind="likert", options=[]))
    await surveys.set_published(organizer, survey, True)
    assert (await Survey.select(Survey.published).first().run())["published"]
