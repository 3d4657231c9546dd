"""The demo surveys: a needs assessment that looks real and a before/after pair with people who answered both."""

from factories import make_program, make_staff

from server.surveys import results
from server.surveys import services as surveys
from server.surveys.demo import seed_demo_surveys
from server.surveys.tables import Response


async def test_demo_surveys_give_a_real_looking_assessment_and_ten_pairs(db):
    staff_ids = {
        name: (await make_staff(role, username=name)).id
        for name, role in (("siti", "organizer"), ("budi", "facilitator"), ("agus", "facilitator"))
    }
    programs = {
        "water": await make_program(slug="air-bersih-cibaduyut", kind="community_project", title="Air Bersih"),
        "workshop": await make_program(slug="pengasuhan-positif", title="Pengasuhan Positif"),
    }
    from server.programs.tables import TeamMember

    await TeamMember.insert(TeamMember(program=programs["workshop"].id, staff=staff_ids["budi"], role="lead")).run()
    created = await seed_demo_surveys(staff_ids, programs)
    assert set(created) == {"needs_assessment", "imported_assessment", "pre", "post"}
    needs = await surveys.get_survey(created["needs_assessment"])
    assert (
        needs["published"]
        and surveys.status(needs) == "open"
        and needs["anonymous"]
        and needs["program"] == programs["water"].id
    )
    assert await Response.count().where(Response.survey == needs["id"]).run() == 40
    assert (
        await Response.count().where((Response.survey == needs["id"]) & Response.participant.is_not_null()).run() == 0
    )
    questions = await surveys.list_questions(needs["id"])
    rw = next(q for q in questions if q["code"] == "neighbourhood")
    found = await results.survey_results(needs, questions, results.Filters(cross_by=rw["id"]))
    groups = {g["value"]: g for g in found["crosstab"]["groups"]}
    assert groups["rw01"]["shown"] and not groups["rw06"]["shown"]  # the small neighbourhood shows the privacy rule
    ranking = next(item for item in found["questions"] if item["question"]["code"] == "priority_needs")["ranking"]
    assert ranking[0]["value"] in ("housing", "health") and ranking[-1]["value"] in (
        "safety",
        "social_ties",
        "education",
    )
    pre, post = await surveys.get_survey(created["pre"]), await surveys.get_survey(created["post"])
    comparison = await results.prepost_comparison(
        pre, post, await surveys.list_questions(pre["id"]), await surveys.list_questions(post["id"])
    )
    assert comparison["paired"] == 10 and all(item["n"] == 10 for item in comparison["rows"])
    assert sum(item["change"] for item in comparison["rows"]) > 0
    assert await seed_demo_surveys(staff_ids, programs) == {}  # once only


async def test_demo_imports_the_example_xlsform_as_a_draft_needs_assessment_of_the_water_project(db):
    staff_ids = {"siti": (await make_staff("organizer", username="siti")).id}
    water = await make_program(slug="air-bersih-cibaduyut", kind="community_project", title="Air Bersih")
    created = await seed_demo_surveys(staff_ids, {"water": water})
    imported = await surveys.get_survey(created["imported_assessment"])
    assert imported["title"] == "Kajian Kebutuhan Warga"
    assert imported["purpose"] == "needs_assessment" and imported["program"] == water.id
    assert not imported["published"] and imported["languages"] == "id,en"
    questions = {q["code"]: q["kind"] for q in await surveys.list_questions(imported["id"])}
    assert questions == {
        "intro_note": "note",
        "rw": "single",
        "household_size": "number",
        "arrival_date": "date",
        "needs_now": "multiple",
        "priorities": "ranking",
        "has_income": "single",
        "monthly_income": "number",
        "support_type": "single",
        "comments": "long_text",
    }
    assert await Response.count().where(Response.survey == imported["id"]).run() == 0
