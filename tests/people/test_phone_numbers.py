"""Phone numbers: Indonesian by default, kept as typed, E.164 for links, impossible numbers refused, one phone
written three ways is one phone for the duplicate check."""

import pytest
from conftest import post_form

from server import phones
from server.errors import DomainError
from server.people.participants import create_participant, get_participant, possible_duplicates, update_participant


@pytest.mark.parametrize("typed", ["0812 3456 7890", "62812 3456 7890", "+62 812-3456-7890", "(0812) 3456-7890"])
def test_indonesian_numbers_are_normalised_to_e164(typed):
    assert phones.e164(typed) == "+6281234567890"
    assert phones.comparable_digits(typed) == "081234567890"


def test_a_number_with_another_country_code_keeps_it():
    assert phones.e164("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("typed", ["12", "0812", "0062 812 3456 7890", "", "call me"])
def test_an_impossible_number_has_no_e164_form(typed):
    assert phones.e164(typed) == "" and not phones.is_valid(typed)


def test_whatsapp_link_has_digits_only_and_an_encoded_text():
    link = phones.whatsapp_link("+6281234567890", "Halo Budi: https://gotong.example/my/a?b=1&c")
    assert link == "https://wa.me/6281234567890?text=Halo%20Budi%3A%20https%3A%2F%2Fgotong.example%2Fmy%2Fa%3Fb%3D1%26c"


async def test_the_number_is_kept_as_typed(db, organizer):
    pid = await create_participant(organizer, {"display_name": "Sari", "phone": "+62 812-3456-7890"}, ["contact"])
    row = await get_participant(pid)
    assert row["phone"] == "+62 812-3456-7890" and row["phone_digits"] == "081234567890"


async def test_service_refuses_an_impossible_number_as_a_field_error(db, organizer):
    with pytest.raises(DomainError) as refused:
        await create_participant(organizer, {"display_name": "Sari", "phone": "0812 34"}, ["contact"])
    assert refused.value.field == "phone" and refused.value.status == 400
    pid = await create_participant(organizer, {"display_name": "Sari", "phone": "0812 3456 7890"}, ["contact"])
    with pytest.raises(DomainError):
        await update_participant(organizer, pid, {"display_name": "Sari", "phone": "0062 812 3456 7890"})


async def test_form_refuses_an_impossible_number_in_the_readers_language(organizer_client):
    data = {
        "display_name": "Bunga",
        "phone": "0812 34",
        "preferred_locale": "id",
        "consent_participation": "on",
        "consent_contact": "on",
    }
    organizer_client.cookies.set("gotong_lang", "id")
    response = await post_form(organizer_client, "/participants/new", data)
    assert response.status_code == 400
    assert "Masukkan nomor telepon yang valid" in response.text


async def test_one_phone_written_three_ways_is_a_duplicate(db, organizer):
    await create_participant(organizer, {"display_name": "Bunga", "phone": "0812 3456 7890"}, ["contact"])
    for typed in ("+62 812-3456-7890", "62812 3456 7890", "(0812) 34567890"):
        found = await possible_duplicates("Someone Else", phone=typed)
        assert [d["reason"] for d in found] == ["contact"], typed
