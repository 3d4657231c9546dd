"""The dashboard's referral follow-ups: the open referrals of the cases the viewer may see, the soonest first, the
overdue marked, each linking to its case — never the reason — in a constant number of queries."""

from datetime import timedelta

import pytest
from case_helpers import case_world, open_a_case
from conftest import sign_in
from factories import make_staff
from querycount import count_queries

from server import clock
from server.cases import referrals, services
from server.cases.followup_tables import FollowUp
from server.cases.referral_tables import Referral
from server.cases.tables import Case
from server.demo import seed_demo
from server.people.participants import create_participant
from server.programs.tables import Partner

REASON = "Butuh pendampingan hukum soal KDRT"  # staff's words: read on the case only


@pytest.fixture
async def world(db):
    return await case_world()


@pytest.fixture
async def partner(db):
    row = Partner(name="LBH Sejahtera")
    await row.save().run()
    return row.id


def _follow_ups(html: str) -> str:
    return html.split('id="follow-ups-heading"', 1)[1].split("</section>", 1)[0] if "follow-ups-heading" in html else ""


async def _refer(world, name: str, partner: int, *, in_days: int, worker=None) -> int:
    person = await create_participant(None, {"display_name": name}, ["participation"])
    worker = worker or world.worker
    case_id = await open_a_case(world, participant=person, case_worker_id=worker.id)
    referral = await referrals.refer(worker, case_id, reason=REASON, partner_id=partner)
    # Set directly: the service refuses a follow-up date in the past, which is what an overdue one has become.
    follow_up = clock.organisation_today() + timedelta(days=in_days)
    await Referral.update({Referral.follow_up_on: follow_up}).where(Referral.id == referral).run()
    return case_id


async def test_the_case_worker_sees_open_follow_ups_soonest_first_overdue_marked_with_links(client, world, partner):
    later = await _refer(world, "Sari Nanti", partner, in_days=5)
    overdue = await _refer(world, "Budi Terlambat", partner, in_days=-2)
    done = await _refer(world, "Citra Selesai", partner, in_days=1)
    await referrals.set_status(
        world.worker, done, (await referrals.case_referrals(world.worker, done))[0]["id"], "completed"
    )
    other = await make_staff(role="facilitator", username="c-other")
    await _refer(world, "Dodi Lain", partner, in_days=1, worker=other)
    await sign_in(client, "c-worker")
    page = (await client.get("/dashboard")).text
    section = _follow_ups(page)
    assert section.index("Budi Terlambat") < section.index("Sari Nanti")  # the soonest first
    assert f"/cases/{overdue}#referrals-heading" in section and f"/cases/{later}" in section
    assert "LBH Sejahtera" in section
    overdue_item = section.split("Budi Terlambat")[0].rsplit("<li", 1)[1]
    assert "overdue" in overdue_item and "Overdue" in overdue_item
    assert "Overdue" not in section.split("Sari Nanti")[0].rsplit("<li", 1)[1]
    assert (clock.organisation_today() + timedelta(days=5)).isoformat() in section
    assert "Citra Selesai" not in section  # completed: nothing to follow up
    assert "Dodi Lain" not in page  # another worker's case: not even the name
    assert REASON not in page


async def test_the_supervisor_and_administrators_see_them_and_an_organizer_does_not(client, world, partner):
    case_id = await _refer(world, "Sari Nanti", partner, in_days=3)
    for username in ("c-super", "c-admin"):
        await sign_in(client, username)
        assert f"/cases/{case_id}" in _follow_ups((await client.get("/dashboard")).text)
    for username in ("c-organizer", "c-facil"):  # organizes every program / leads the person's: not the case's
        await sign_in(client, username)
        page = (await client.get("/dashboard")).text
        assert _follow_ups(page) == "" and "Sari Nanti" not in page


async def test_crisis_cases_stay_above_the_follow_ups(client, world, partner):
    case_id = await _refer(world, "Sari Krisis", partner, in_days=3)
    await services.set_crisis(world.worker, case_id, True)
    await sign_in(client, "c-worker")
    page = (await client.get("/dashboard")).text
    assert page.index('id="crisis-heading"') < page.index('id="follow-ups-heading"') < page.index('id="attention"')


async def test_the_dashboard_runs_the_same_queries_with_no_one_or_many_follow_ups(client, world, partner):
    await sign_in(client, "c-worker")
    counts = []
    for n in (0, 1, 6):
        while len(await referrals.referral_follow_ups(world.worker)) < n:
            await _refer(world, f"Orang {n}", partner, in_days=n)
        with count_queries() as counter:
            assert (await client.get("/dashboard")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1] == counts[2], counts


# --- the demo ----------------------------------------------------------------------------------------------------
async def test_the_demo_has_a_crisis_case_an_open_referral_due_soon_and_a_closed_case_with_an_answered_follow_up(db):
    assert await seed_demo()
    crisis = await Case.select().where(Case.crisis == True).first().run()  # noqa: E712
    assert crisis["status"] == "open"
    [referral] = await Referral.select(
        Referral.case, Referral.status, Referral.partner.name, Referral.follow_up_on, Referral.shares_named_details
    ).run()
    assert referral["status"] == "sent" and referral["partner.name"]
    assert 0 < (referral["follow_up_on"] - clock.organisation_today()).days <= 7  # in the coming days
    referred = await Case.select().where(Case.id == referral["case"]).first().run()
    assert referred["status"] == "open" and referred["id"] != crisis["id"]
    assert referral["shares_named_details"]  # under the person's referral consent (refer() refuses it otherwise)
    answered = await FollowUp.select(FollowUp.case).where(FollowUp.status == "answered").first().run()
    closed = await Case.select().where(Case.id == answered["case"]).first().run()
    assert closed["status"] == "closed" and closed["outcome"]
    assert len({crisis["id"], referred["id"], closed["id"]}) == 3
