"""Data checks: each kind of problem is listed with a link that leads to its fix; facilitators see their own
programs' problems; the page runs a constant number of queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import sign_in
from factories import keep_figures, make_program, make_staff
from report_helpers import bulk_program, enrol, page_queries, query_difference, session_at

from server.people.tables import Participant
from server.reports import checks, checks_kept


@pytest.fixture
async def problems(db):
    """One problem of each kind in program "berantakan", and a tidy program "rapi" beside it."""
    from server.enrolment.tables import Enrolment
    from server.people.participants import create_participant
    from server.programs.tables import Goal

    now = datetime.now(UTC)
    messy = await make_program(slug="berantakan", title="Program Berantakan", ends_on=date.today() - timedelta(days=10))
    tidy = await make_program(slug="rapi", title="Program Rapi", phase="planning")
    forgotten = await session_at(messy, now - timedelta(days=3), status="scheduled")
    await session_at(messy, now - timedelta(days=4), status="cancelled")
    await session_at(messy, now + timedelta(days=3), status="scheduled")
    no_consent = await enrol(messy, "Tanpa Persetujuan", now - timedelta(days=30), consent=False)
    first = await create_participant(None, {"display_name": "Sari Kembar", "phone": "+62 812-3456-7890"}, ["contact"])
    second = await create_participant(None, {"display_name": "Sari K.", "phone": "0812 3456 7890"}, ["contact"])
    same_mail = [
        await create_participant(None, {"display_name": name, "email": "keluarga@contoh.id"}, ["contact"])
        for name in ("Budi Surat", "Bapak Budi")
    ]
    same_name = [await create_participant(None, {"display_name": name}) for name in ("Joko Santoso", " joko santoso ")]
    for pid in (first, second, *same_mail, *same_name):
        await Enrolment(participant=pid, program=messy.id, status="waitlisted").save().run()
    # Recorded before contact details needed consent (the service now refuses this): the check still finds it.
    no_contact_consent = await create_participant(None, {"display_name": "Nomor Tanpa Izin"})
    await (
        Participant.update({Participant.phone: "0813 0000 1111", Participant.phone_digits: "081300001111"})
        .where(Participant.id == no_contact_consent)
        .run()
    )
    await Enrolment(participant=no_contact_consent, program=messy.id, status="waitlisted").save().run()
    goal = Goal(program=messy.id, statement="Tujuan tanpa nilai", baseline=0.0, target=5.0)
    await goal.save().run()
    await Goal(program=tidy.id, statement="Belum diukur, masih perencanaan", baseline=0.0, target=5.0).save().run()
    await keep_figures(messy.id)
    await keep_figures(tidy.id)
    # An erased person keeps no contact and is never a duplicate.
    erased = await create_participant(None, {"display_name": "Joko Santoso"})

    await Participant.update({Participant.anonymised_at: now}).where(Participant.id == erased).run()
    # Rows written around the services (as an import would): the kept counts are made once, as `migrate` does.
    await checks_kept.rebuild_all()
    return {
        "messy": messy,
        "tidy": tidy,
        "forgotten": forgotten,
        "no_consent": no_consent,
        "phone_pair": {first, second},
        "mail_pair": set(same_mail),
        "name_pair": set(same_name),
        "no_contact_consent": no_contact_consent,
        "goal": goal,
    }


async def test_every_kind_of_problem_is_found(problems, organizer):
    found = await checks.data_checks(organizer, datetime.now(UTC))
    by_kind = {check["kind"]: check for check in found["checks"]}
    assert [check["kind"] for check in found["checks"]] == list(checks.KINDS)
    assert [row["id"] for row in by_kind["no_attendance"]["rows"]] == [problems["forgotten"]["id"]]
    assert [row["participant_id"] for row in by_kind["no_consent"]["rows"]] == [problems["no_consent"]]
    groups = {(group["reason"], frozenset(p["id"] for p in group["people"])) for group in by_kind["duplicates"]["rows"]}
    assert groups == {
        ("phone", frozenset(problems["phone_pair"])),
        ("email", frozenset(problems["mail_pair"])),
        ("name", frozenset(problems["name_pair"])),
    }
    assert [row["participant_id"] for row in by_kind["contact_without_consent"]["rows"]] == [
        problems["no_contact_consent"]
    ]
    assert [row["slug"] for row in by_kind["ended_in_implementation"]["rows"]] == ["berantakan"]
    assert [row["goal_id"] for row in by_kind["goals_without_value"]["rows"]] == [problems["goal"].id]
    assert {kind: check["count"] for kind, check in by_kind.items()} == {
        "no_attendance": 1,
        "no_consent": 1,
        "duplicates": 3,
        "contact_without_consent": 1,
        "ended_in_implementation": 1,
        "goals_without_value": 1,
    }
    assert found["total"] == 8


async def test_the_page_lists_each_problem_with_a_working_link(organizer_client, problems):
    response = await organizer_client.get("/reports/checks")
    assert response.status_code == 200
    html = response.text
    assert "8 open problems." in html
    links = [
        f"/manage/programs/berantakan/sessions/{problems['forgotten']['id']}/attendance",
        f"/participants/{problems['no_consent']}#consent-heading",
        *[f"/participants/{pid}" for pid in problems["phone_pair"] | problems["mail_pair"] | problems["name_pair"]],
        f"/participants/{problems['no_contact_consent']}#consent-heading",
        "/manage/programs/berantakan#phase-panel",
        f"/manage/programs/berantakan#goal-{problems['goal'].id}",
    ]
    for link in links:
        assert f'href="{link}"' in html, link
        page = await organizer_client.get(link.split("#")[0])
        assert page.status_code == 200, link
    # Contact details only decide the grouping; they never appear on the page.
    for secret in ("3456", "keluarga@contoh.id", "0813"):
        assert secret not in html


async def test_fixing_a_problem_removes_it(problems, organizer):
    from server.people.consent import record_consent

    await record_consent(problems["no_consent"], "participation", actor=organizer)
    counts = await checks.check_counts(organizer, datetime.now(UTC), None)
    assert counts["no_consent"] == 0 and counts["total"] == 7


async def test_a_facilitator_sees_only_problems_of_their_programs(client, problems):
    from server.programs.tables import TeamMember

    other_lead = await make_staff(display_name="Lain")
    await TeamMember.insert(TeamMember(program=problems["tidy"].id, staff=other_lead.id, role="lead")).run()
    await sign_in(client, other_lead.username)
    response = await client.get("/reports/checks")
    assert response.status_code == 200
    assert "No open problems" in response.text
    for text in ("Program Berantakan", "Sari Kembar", "Tanpa Persetujuan", "Joko Santoso"):
        assert text not in response.text
    lead = await make_staff(display_name="Pemimpin")
    await TeamMember.insert(TeamMember(program=problems["messy"].id, staff=lead.id, role="lead")).run()
    found = await checks.data_checks(lead, datetime.now(UTC))
    assert found["total"] == 8


async def test_checks_answer_in_a_constant_number_of_queries(organizer_client, db):
    now = datetime.now(UTC)
    await bulk_program("kecil", sessions=5, people=5, now=now)
    await organizer_client.get("/reports/checks")  # the first request after signing in also refreshes the session
    with page_queries() as few:
        assert (await organizer_client.get("/reports/checks")).status_code == 200
    await bulk_program("besar", sessions=60, people=60, now=now, ends_on=date.today() - timedelta(days=1))
    with page_queries() as many:
        response = await organizer_client.get("/reports/checks")
    assert response.status_code == 200
    assert few.count == many.count, query_difference(few, many)
