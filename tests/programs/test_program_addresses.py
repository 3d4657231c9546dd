"""Web addresses of programs: a discreet program's address never spells its real title, and an old address
redirects staff only — to the public it is a plain 404."""

import pytest
from conftest import post_form
from factories import make_program
from test_program_pages import _form

from server.programs import services as programs

REAL = "Kelompok Dukungan Penyintas Kekerasan"
NEUTRAL = "Kelompok Kamis Malam"


def _discreet(**overrides):
    return _form(title=REAL, public_title=NEUTRAL, discreet="on", kind="support_group", **overrides)


# --- the rule ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "title", "leaked"),
    [
        ("kelompok-dukungan-penyintas-kekerasan", REAL, "dukungan"),
        ("kamis-penyintas", REAL, "penyintas"),
        ("penyintaskamis", REAL, "penyintas"),  # run together
        ("pemulihan-rabu", "Kelompok Pémulihan Perempuan", "pemulihan"),  # diacritics do not hide a word
        ("odhiv-selasa", "Kelompok Sebaya ODHIV", "odhiv"),  # case does not either
    ],
)
def test_an_address_sharing_a_significant_word_with_the_real_title_leaks(slug, title, leaked):
    assert programs.address_leak(slug, title) == leaked


@pytest.mark.parametrize(
    ("slug", "title"),
    [
        ("kelompok-kamis-malam", REAL),  # "kelompok" is a stop word
        ("kelas-untuk-ibu", "Kelas Menjahit untuk Remaja"),  # "kelas", "untuk" are stop words
        ("group-tuesday", "Support group for survivors"),
        ("ab-rabu", "Kelompok AB"),  # words under three letters never count
    ],
)
def test_stop_words_and_short_words_do_not_count(slug, title):
    assert programs.address_leak(slug, title) is None


def test_a_word_the_neutral_title_shares_with_the_real_title_reveals_nothing():
    real, neutral = "Dukungan Penyintas Malam Kamis", "Pertemuan Malam Kamis"
    assert programs.address_leak("pertemuan-malam-kamis", real, neutral) is None
    assert programs.address_leak("malam-kamis-penyintas", real, neutral) == "penyintas"


async def test_an_empty_address_is_made_from_a_neutral_title_that_shares_words_with_the_real_one(organizer_client):
    response = await post_form(
        organizer_client,
        "/manage/programs/new",
        _form(
            slug="",
            title="Dukungan Penyintas Malam Kamis",
            public_title="Pertemuan Malam Kamis",
            discreet="on",
            kind="support_group",
        ),
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/programs/pertemuan-malam-kamis"


def test_a_title_becomes_an_ascii_address():
    assert programs.slugify("  Kelompok Kamis — Malam!  ") == "kelompok-kamis-malam"
    assert programs.slugify("Pémulihan Ibu") == "pemulihan-ibu"
    assert programs.slugify("???") == "program"


# --- creating and editing through the form -------------------------------------------------------------


async def test_discreet_program_whose_address_spells_the_real_title_is_refused(organizer_client):
    from server.programs.tables import Program

    response = await post_form(
        organizer_client, "/manage/programs/new", _discreet(slug="kelompok-dukungan-penyintas-kekerasan")
    )
    assert response.status_code == 400
    assert "This web address contains “dukungan” from the real title" in response.text
    assert 'aria-describedby="f-slug-error"' in response.text  # shown on the address field
    assert await Program.count().run() == 0


async def test_indonesian_error_for_a_revealing_address(organizer_client):
    organizer_client.cookies.set("gotong_lang", "id")
    response = await post_form(organizer_client, "/manage/programs/new", _discreet(slug="kekerasan-kamis"))
    assert response.status_code == 400
    assert "Alamat web ini memuat “kekerasan” dari judul asli" in response.text


async def test_discreet_program_with_a_neutral_address_is_accepted(organizer_client):
    response = await post_form(organizer_client, "/manage/programs/new", _discreet(slug="kelompok-kamis-malam"))
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/programs/kelompok-kamis-malam"


async def test_an_empty_address_is_made_from_the_neutral_title_of_a_discreet_program(organizer_client):
    from server.programs.tables import Program

    response = await post_form(organizer_client, "/manage/programs/new", _discreet(slug=""))
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/programs/kelompok-kamis-malam"
    assert (await Program.select(Program.slug).first().run())["slug"] == "kelompok-kamis-malam"
    response = await post_form(organizer_client, "/manage/programs/new", _discreet(slug=""))
    assert response.headers["location"] == "/manage/programs/kelompok-kamis-malam-2"


async def test_an_empty_address_of_an_ordinary_program_is_made_from_its_title(organizer_client):
    response = await post_form(organizer_client, "/manage/programs/new", _form(slug="", title="Kelas Menjahit Dasar"))
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/programs/kelas-menjahit-dasar"


async def test_editing_a_discreet_program_to_a_revealing_address_is_refused(organizer_client):
    from server.programs.tables import Program

    await make_program(slug="kelompok-kamis", title=REAL, public_title=NEUTRAL, discreet=True, kind="support_group")
    response = await post_form(
        organizer_client, "/manage/programs/kelompok-kamis/edit", _discreet(slug="penyintas-kamis")
    )
    assert response.status_code == 400
    assert "This web address contains “penyintas” from the real title" in response.text
    assert (await Program.select(Program.slug).first().run())["slug"] == "kelompok-kamis"


async def test_a_program_becoming_discreet_must_change_a_revealing_address(organizer_client):
    from server.programs.tables import Program

    await make_program(slug="penyintas-kekerasan", title=REAL, kind="support_group")
    response = await post_form(
        organizer_client, "/manage/programs/penyintas-kekerasan/edit", _discreet(slug="penyintas-kekerasan")
    )
    assert response.status_code == 400
    assert "from the real title" in response.text
    row = await Program.select(Program.slug, Program.discreet).first().run()
    assert row == {"slug": "penyintas-kekerasan", "discreet": False}


# --- old addresses ---------------------------------------------------------------------------------------


async def _renamed(organizer_client):
    await make_program(slug="penyintas-kekerasan", title=REAL, kind="support_group", visibility="public")
    response = await post_form(
        organizer_client,
        "/manage/programs/penyintas-kekerasan/edit",
        _discreet(slug="kelompok-kamis-malam", visibility="public"),
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/programs/kelompok-kamis-malam"


async def test_staff_following_an_old_address_are_redirected_to_the_new_one(organizer_client):
    await _renamed(organizer_client)
    response = await organizer_client.get("/manage/programs/penyintas-kekerasan/schedule?x=1", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/manage/programs/kelompok-kamis-malam/schedule?x=1"
    page = await organizer_client.get("/manage/programs/penyintas-kekerasan")
    assert page.status_code == 200 and REAL in page.text
    response = await post_form(
        organizer_client,
        "/manage/programs/penyintas-kekerasan/goals",
        {"statement": "x", "baseline": "0", "target": "1"},
    )
    assert response.status_code == 307
    assert response.headers["location"] == "/manage/programs/kelompok-kamis-malam/goals"


@pytest.mark.parametrize("path", ["/programs/{old}", "/programs/{old}/calendar.ics", "/programs/{old}/register"])
async def test_the_public_gets_a_plain_404_for_an_old_address(organizer_client, client, path):
    await _renamed(organizer_client)
    organizer_client.cookies.clear()
    response = await client.get(path.format(old="penyintas-kekerasan"), follow_redirects=False)
    assert response.status_code == 404
    for secret in ("kelompok-kamis-malam", NEUTRAL, REAL, "Location"):
        assert secret not in response.text
    assert "location" not in response.headers


async def test_a_facilitator_outside_the_team_is_not_redirected(organizer_client, facilitator):
    from conftest import sign_in

    await _renamed(organizer_client)
    organizer_client.cookies.clear()
    await sign_in(organizer_client, facilitator.username)
    response = await organizer_client.get("/manage/programs/penyintas-kekerasan", follow_redirects=False)
    assert response.status_code == 403
    assert "kelompok-kamis-malam" not in response.text and "location" not in response.headers


async def test_an_old_address_is_not_free_for_another_program_but_its_own_program_may_return_to_it(organizer_client):
    from server.programs.tables import ProgramSlugAlias

    await _renamed(organizer_client)
    response = await post_form(organizer_client, "/manage/programs/new", _form(slug="penyintas-kekerasan"))
    assert response.status_code == 400
    assert "Another program already uses this web address." in response.text
    response = await post_form(
        organizer_client,
        "/manage/programs/kelompok-kamis-malam/edit",
        _form(title=REAL, kind="support_group", slug="penyintas-kekerasan"),
    )
    assert response.status_code == 303
    assert [row["slug"] for row in await ProgramSlugAlias.select(ProgramSlugAlias.slug).run()] == [
        "kelompok-kamis-malam"
    ]
