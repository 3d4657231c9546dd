"""The public program page and the catalogue say how a program can be joined: places left, full (join the waiting
list) or closed — never "Open registration" for a full program. The enrolment rules decide, the templates render."""

import re

from enrolment_helpers import at, make_group, make_person
from factories import make_program
from querycount import count_queries

from server.enrolment import services as enrolment
from server.enrolment import waitlist


async def _fill(organizer, program, count: int) -> None:
    for hour in range(count):
        await enrolment.enrol(organizer, program.id, await make_person(f"Orang {hour}"), now=at(hour))


def _availability(page: str) -> str:
    found = re.search(r'<dd id="availability">(.*?)</dd>', page, re.S)
    assert found, page
    return " ".join(found.group(1).split())


async def test_program_with_free_places_says_how_many_are_left(client, organizer):
    program = await make_group(slug="kelas-jahit", capacity=5)
    await _fill(organizer, program, 2)
    page = (await client.get("/programs/kelas-jahit")).text
    assert _availability(page) == "3 places left"
    assert "Open registration" not in page
    assert 'href="/programs/kelas-jahit/register" role="button">Register<' in page


async def test_one_place_left_is_singular(client, organizer):
    program = await make_group(slug="kelas-jahit", capacity=2)
    await _fill(organizer, program, 1)
    assert _availability((await client.get("/programs/kelas-jahit")).text) == "1 place left"


async def test_full_program_offers_the_waiting_list_not_open_registration(client, organizer):
    program = await make_group(slug="kelas-jahit", capacity=2)
    await _fill(organizer, program, 3)  # two places taken, one waiting
    page = (await client.get("/programs/kelas-jahit")).text
    assert _availability(page) == "Full — join the waiting list"
    assert "Open registration" not in page
    assert 'href="/programs/kelas-jahit/register" role="button">Join the waiting list<' in page


async def test_offered_places_count_as_taken(client, organizer):
    program = await make_group(slug="kelas-jahit", capacity=1, offer_hours=48)
    first = await enrolment.enrol(organizer, program.id, await make_person("Ani"), now=at(0))
    await enrolment.enrol(organizer, program.id, await make_person("Budi"), now=at(1))
    await enrolment.withdraw(organizer, program.id, first["id"], "moved", now=at(5))  # the place is offered on
    assert _availability((await client.get("/programs/kelas-jahit")).text) == "Full — join the waiting list"


async def test_program_without_a_limit_keeps_its_registration_mode(client, db):
    await make_group(slug="terbuka", capacity=None)
    await make_group(slug="persetujuan", capacity=None, enrolment_mode="approval")
    assert _availability((await client.get("/programs/terbuka")).text) == "Open registration"
    page = (await client.get("/programs/persetujuan")).text
    assert _availability(page) == "By approval"
    assert 'role="button">Ask for a place<' in page


async def test_approval_program_with_places_says_both(client, db):
    await make_group(slug="persetujuan", capacity=4, enrolment_mode="approval")
    assert _availability((await client.get("/programs/persetujuan")).text) == "4 places left · By approval"


async def test_closed_registration_and_closed_program_say_closed(client, organizer):
    await make_group(slug="tutup", capacity=5, enrolment_mode="closed")
    await make_group(slug="selesai", capacity=5, phase="closed")
    for slug in ("tutup", "selesai"):
        page = (await client.get(f"/programs/{slug}")).text
        assert _availability(page) == "Registration closed"
        assert "/register" not in page


async def test_discreet_program_page_shows_only_the_neutral_title(client, organizer):
    program = await make_group(
        slug="kelompok-selasa", capacity=2, discreet=True, title="Dukungan ODHIV", public_title="Kelompok Selasa"
    )
    await _fill(organizer, program, 2)
    page = (await client.get("/programs/kelompok-selasa")).text
    assert _availability(page) == "Full — join the waiting list"
    assert "Kelompok Selasa" in page and "ODHIV" not in page


async def test_catalogue_cards_show_availability(client, organizer):
    full = await make_group(slug="penuh", title="Kelas Penuh", capacity=1)
    await _fill(organizer, full, 1)
    await make_group(slug="sisa", title="Kelas Sisa", capacity=3)
    await make_group(slug="tutup", title="Kelas Tutup", capacity=3, enrolment_mode="closed")
    await make_group(slug="bebas", title="Kelas Bebas", capacity=None)
    page = (await client.get("/programs")).text
    cards = {
        title: " ".join(small.split())
        for title, small in re.findall(r">(Kelas \w+)</a></h2>\s*<small>(.*?)</small>", page, re.S)
    }
    assert cards == {
        "Kelas Bebas": "Skill workshop · Open registration",
        "Kelas Penuh": "Skill workshop · Full — join the waiting list",
        "Kelas Sisa": "Skill workshop · 3 places left",
        "Kelas Tutup": "Skill workshop · Registration closed",
    }


async def test_catalogue_availability_runs_one_query_for_any_number_of_programs(client, organizer):
    counts = []
    for size in (3, 20):
        for number in range(size - sum(1 for _ in counts) * 3):
            program = await make_program(slug=f"p-{size}-{number}", capacity=number % 4 or None)
            if number % 2:
                await enrolment.enrol(organizer, program.id, await make_person(f"Orang {number}"), now=at(number))
        with count_queries() as counter:
            assert (await client.get("/programs")).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts


async def test_availability_rule_without_http():
    program = {"enrolment_mode": "open", "phase": "implementation", "archived": False, "capacity": 3}
    assert waitlist.availability(program, 1) == waitlist.Availability("places_left", 2)
    assert waitlist.availability(program, 3).state == "full"
    assert waitlist.availability(program, 5).places_left == 0  # over capacity on purpose is still full
    assert waitlist.availability({**program, "capacity": None}, 9).state == "open"
    assert waitlist.availability({**program, "archived": True}, 0).state == "closed"
    assert not waitlist.availability({**program, "enrolment_mode": "closed"}, 0).registration_open
