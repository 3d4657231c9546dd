"""The staff dashboard's open data problems and the data checks page read the kept counts: what the services
change shows at once, the kept lists page in index order (out-of-range pages land on the nearest one), and both
pages run the same number of queries however many problems and people there are."""

import re
from datetime import UTC, datetime

from factories import make_program
from querycount import count_queries
from report_helpers import bulk_program

from server.enrolment import services as enrolment
from server.people.consent import record_consent, withdraw_consent
from server.people.participants import create_participant
from server.reports.checks import LIST_LIMIT


def _problems(html: str) -> int:
    return int(re.search(r"(\d+) open data problems?", html).group(1))


async def _members_without_consent(organizer, count: int, slug: str = "tanpa") -> list[int]:
    """`count` members of one program whose consent to take part was withdrawn after they joined."""
    program = await make_program(slug=slug, title=f"Program {slug}", phase="implementation", enrolment_mode="open")
    people = []
    for number in range(count):
        person = await create_participant(None, {"display_name": f"Orang {slug} {number}"}, ["participation"])
        await enrolment.enrol(organizer, program.id, person, now=datetime.now(UTC))
        await withdraw_consent(person, "participation", actor=None)
        people.append(person)
    return people


def _listed_people(html: str) -> list[int]:
    section = html.split('id="check-no_consent"')[1].split("</section>")[0]
    return [int(found) for found in re.findall(r'href="/participants/(\d+)#consent-heading"', section)]


async def test_the_dashboard_counts_a_problem_as_soon_as_a_service_makes_it_and_drops_it_when_fixed(
    organizer_client, organizer
):
    before = _problems((await organizer_client.get("/dashboard")).text)
    [person] = await _members_without_consent(organizer, 1)
    assert _problems((await organizer_client.get("/dashboard")).text) == before + 1
    await record_consent(person, "participation", actor=None)
    assert _problems((await organizer_client.get("/dashboard")).text) == before


async def test_the_kept_list_of_members_without_consent_pages_in_the_order_of_their_number(organizer_client, organizer):
    people = await _members_without_consent(organizer, LIST_LIMIT + 2)
    first = (await organizer_client.get("/reports/checks")).text
    assert _listed_people(first) == people[:LIST_LIMIT]
    second = (await organizer_client.get("/reports/checks?page_no_consent=2&page_no_attendance=1")).text
    assert _listed_people(second) == people[LIST_LIMIT:]
    # Past the last page: the last page, and the other check's page parameter is kept in the links.
    beyond = await organizer_client.get("/reports/checks?page_no_consent=99&page_no_attendance=1")
    assert beyond.status_code == 200
    assert _listed_people(beyond.text) == people[LIST_LIMIT:]
    assert "?page_no_attendance=1#check-no_consent" in beyond.text.replace("&amp;", "&")


async def test_the_dashboard_runs_a_constant_number_of_queries(organizer_client, organizer):
    counts = []
    for slug, size in (("kecil", 3), ("besar", 40)):
        await bulk_program(slug, sessions=size, people=size, now=datetime.now(UTC))
        await _members_without_consent(organizer, size // 3 + 1, slug=f"tanpa-{slug}")
        await organizer_client.get("/dashboard")
        with count_queries() as counter:
            assert (await organizer_client.get("/dashboard")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts


async def test_the_checks_page_runs_a_constant_number_of_queries_with_kept_problems(organizer_client, organizer):
    counts = []
    for slug, size in (("kecil", 2), ("besar", LIST_LIMIT + 3)):
        await _members_without_consent(organizer, size, slug=slug)
        with count_queries() as counter:
            assert (await organizer_client.get("/reports/checks?page_no_consent=2")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts
