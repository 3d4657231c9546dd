"""A small organisation with two programs, used by the authorization matrix and the form fuzzer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from factories import PASSWORD, keep_figures, make_program, make_session, make_staff

from server.people.tokens import feed_token

SECRET_TITLE = "Kelompok ODHIV Rahasia"
PUBLIC_TITLE = "Kelompok Jumat Sore"
SECRET_PHONE = "0812 7070 9191"
SECRET_NOTE = "catatan-sangat-rahasia"
OWN_PARTICIPANT = "Mawar Berduri"
OTHER_PARTICIPANT = "Kenanga Tersembunyi"


@dataclass
class World:
    staff: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)


async def build_world() -> World:
    from server.cases.plan_tables import CaseGoal, CaseStep
    from server.cases.tables import Case, CaseNote
    from server.enrolment.tables import Enrolment, IndividualGoal
    from server.people.consent import record_consent
    from server.people.links import reissue_personal_links
    from server.people.participants import create_participant
    from server.people.tokens import new_token
    from server.programs.tables import Goal, Milestone, Partner, ProgramPartner, TeamMember
    from server.surveys.tables import Question, Survey

    world = World()
    for role, username in (
        ("admin", "w-admin"),
        ("organizer", "w-organizer"),
        ("facilitator", "w-own"),
        ("facilitator", "w-other"),
        ("facilitator", "w-gone"),
    ):
        world.staff[username] = await make_staff(role=role, username=username, display_name=username)
    program = await make_program(
        slug="prog-a",
        title=SECRET_TITLE,
        public_title=PUBLIC_TITLE,
        discreet=True,
        kind="skill_workshop",
        enrolment_mode="open",
        capacity=10,
    )
    other = await make_program(slug="prog-b", title="Program B")
    member = TeamMember(program=program.id, staff=world.staff["w-own"].id, role="lead")
    await member.save().run()
    await TeamMember.insert(
        TeamMember(program=program.id, staff=world.staff["w-gone"].id, role="co_facilitator"),
        TeamMember(program=other.id, staff=world.staff["w-other"].id, role="lead"),
    ).run()
    past = await make_session(program, starts_in=timedelta(days=-1), topic="Sesi lalu")
    await make_session(program, starts_in=timedelta(days=3))
    goal = Goal(program=program.id, statement="Tujuan", baseline=0.0, target=10.0)
    await goal.save().run()
    await keep_figures(program.id)
    milestone = Milestone(program=program.id, title="Tonggak")
    await milestone.save().run()
    partner = Partner(name="Mitra")
    await partner.save().run()
    link = ProgramPartner(program=program.id, partner=partner.id, role="venue")
    await link.save().run()

    own = await create_participant(
        None, {"display_name": OWN_PARTICIPANT, "phone": SECRET_PHONE, "notes": SECRET_NOTE}, ["contact"]
    )
    theirs = await create_participant(None, {"display_name": OTHER_PARTICIPANT, "phone": "0813 1111 2222"}, ["contact"])
    for pid in (own, theirs):
        await record_consent(pid, "participation", actor=None)
    enrolled_at = datetime.now(UTC) - timedelta(days=10)
    enrolment = Enrolment(participant=own, program=program.id, status="enrolled", enrolled_at=enrolled_at)
    await enrolment.save().run()
    await Enrolment.insert(
        Enrolment(participant=theirs, program=other.id, status="enrolled", enrolled_at=enrolled_at)
    ).run()
    await keep_figures(program.id)
    await keep_figures(other.id)
    individual_goal = IndividualGoal(enrolment=enrolment.id, statement="Datang rutin")
    await individual_goal.save().run()
    survey = Survey(
        title="Survei A", purpose="pre", program=program.id, published=True, token=new_token(), consent_text="Setuju?"
    )
    await survey.save().run()
    question = Question(survey=survey.id, kind="short_text", text="Apa kabar?", position=0)
    await question.save().run()
    # A case file held by w-own alone: its note must reach nobody else, not even the organizer or w-own's program.
    case = Case(participant=own, case_worker=world.staff["w-own"].id)
    await case.save().run()
    await CaseNote(case=case.id, kind="contact", text=SECRET_NOTE).save().run()
    plan_goal = CaseGoal(case=case.id, text="Tujuan A")
    await plan_goal.save().run()
    plan_step = CaseStep(goal=plan_goal.id, text="Langkah A", who="person")
    await plan_step.save().run()

    world.ids = {
        "page_token": await reissue_personal_links(None, own),
        "program": program.id,
        "slug": "prog-a",
        "session": past.id,
        "goal": goal.id,
        "milestone": milestone.id,
        "link": link.id,
        "member": member.id,
        "participant": own,
        "other_participant": theirs,
        "enrolment": enrolment.id,
        "individual_goal": individual_goal.id,
        "survey": survey.id,
        "survey_token": survey.token,
        "question": question.id,
        "case": case.id,
        "plan_goal": plan_goal.id,
        "plan_step": plan_step.id,
    }
    return world


async def resolve_path(world: World, path: str) -> str:
    """Fills a route's path parameters with the world's objects of program A."""
    from server.people.links import token_owner
    from server.surveys.services import invite_link

    ids = world.ids
    page_token = ids["page_token"] if await token_owner(ids["page_token"], "participant_page") else "revoked"
    invite_token = (await invite_link(ids["survey"], ids["participant"], ids["page_token"])).rsplit("/i/", 1)[-1]
    values = {
        "slug": ids["slug"],
        "session_id": ids["session"],
        "milestone_id": ids["milestone"],
        "link_id": ids["link"],
        "member_id": ids["member"],
        "participant_id": ids["participant"],
        "enrolment_id": ids["enrolment"],
        "staff_id": world.staff["w-own"].id,
        "survey_id": ids["survey"],
        "question_id": ids["question"],
        "program_id": ids["program"],
        "purpose": "contact",
        "attendance_id": 999999,
        "case_id": ids["case"],
        "referral_id": 999999,
        "file_path": "app.css",
        "filename": f"{ids['session']}.ics",
        "invite_token": invite_token,
        "goal_id": ids["individual_goal"]
        if "/participants/" in path
        else ids["plan_goal"]
        if "/plan/" in path
        else ids["goal"],
        "step_id": ids["plan_step"],
        "key_id": 999999,
        "path": "nothing",  # the catch-all of the API docs router (Litestar's OpenAPI router)
    }
    if path.startswith("/feeds/"):
        # The participant's own feed: it must show the neutral title of the discreet program.
        values["token"] = f"{feed_token(ids['page_token'])}.ics"
    elif path.startswith("/s/"):
        values["token"] = ids["survey_token"]
    else:
        values["token"] = page_token
    for name, value in values.items():
        for kind in ("int", "str", "path"):
            path = path.replace("{" + f"{name}:{kind}" + "}", str(value))
    assert "{" not in path, f"the matrix does not know a parameter of {path}: add it to tests/system/world.py"
    return path


__all__ = ["PASSWORD", "World", "build_world", "resolve_path"]
