"""The optional "about you" answers: age groups, the Washington Group rule, consent, validation, export, erasure."""

from datetime import UTC, datetime

import pytest

from server.errors import DomainError
from server.people import profile

ALL_SIX = {f"wg_{question}": "1" for question in profile.WG_QUESTIONS}


@pytest.mark.parametrize(
    ("birth_year", "group"),
    [
        (2026, "0-17"),
        (2009, "0-17"),
        (2008, "18-24"),
        (2002, "18-24"),
        (2001, "25-59"),
        (1967, "25-59"),
        (1966, "60+"),
        (1900, "60+"),
        (None, ""),
        (2027, ""),
    ],
)
def test_age_group_is_the_age_reached_in_the_report_year(birth_year, group):
    assert profile.age_group(birth_year, 2026) == group


def test_a_disability_is_any_a_lot_of_difficulty_or_cannot_do():
    assert profile.disability_status("111111") == "no"
    assert profile.disability_status("222222") == "no"
    assert profile.disability_status("112111") == "no"
    assert profile.disability_status("111131") == "yes"
    assert profile.disability_status("411111") == "yes"
    assert profile.disability_status("") == ""
    assert profile.disability_status("11111") == ""


def test_six_answers_are_one_code_and_back():
    answers = dict(zip(profile.WG_QUESTIONS, "123412", strict=True))
    assert profile.disability_code(answers) == "123412"
    assert profile.disability_answers("123412") == answers
    assert profile.disability_code({**answers, "hearing": ""}) == ""


def test_year_of_birth_must_be_between_1900_and_this_year():
    with pytest.raises(DomainError) as early:
        profile.check_about({"birth_year": 1899}, 2026)
    assert early.value.field == "birth_year"
    with pytest.raises(DomainError):
        profile.check_about({"birth_year": 2027}, 2026)
    assert profile.check_about({"birth_year": 2026}, 2026)["birth_year"] == 2026


def test_the_six_questions_are_answered_all_or_none():
    with pytest.raises(DomainError) as partly:
        profile.check_about({"wg_seeing": "3"}, 2026)
    assert partly.value.code == "wg_incomplete"
    assert profile.check_about({}, 2026)["disability"] == ""
    assert profile.check_about({**ALL_SIX, "wg_walking": "4"}, 2026)["disability"] == "114111"


async def _person(consent: bool) -> int:
    from server.people.tables import Consent, Participant

    person = Participant(display_name="Sari")
    await person.save().run()
    if consent:
        await Consent(participant=person.id, purpose="data_collection", text_version="2026-11").save().run()
    return person.id


async def test_answers_are_kept_only_under_consent_to_data_collection(db):
    from server.people.tables import Participant

    pid = await _person(consent=False)
    with pytest.raises(DomainError) as refused:
        await profile.save_about(pid, {"gender": "female", "birth_year": 1990}, actor=None)
    assert refused.value.status == 409
    row = await Participant.select().where(Participant.id == pid).first().run()
    assert (row["gender"], row["birth_year"], row["disability"], row["area"]) == ("", None, "", "")


async def test_a_bad_answer_saves_nothing(db):
    from server.people.tables import Participant

    pid = await _person(consent=True)
    with pytest.raises(DomainError):
        await profile.save_about(pid, {"gender": "female", "birth_year": 1850, "area": "Cilandak"}, actor=None)
    row = await Participant.select().where(Participant.id == pid).first().run()
    assert (row["gender"], row["area"]) == ("", "")


async def test_answers_are_in_the_download_and_cleared_on_erasure_and_withdrawal(db):
    from server.pages.personal_data import download
    from server.people.consent import withdraw_consent
    from server.people.personal_data import PROFILE
    from server.people.tables import Participant

    pid = await _person(consent=True)
    values = {"gender": "female", "birth_year": 1990, "area": "  Kampung   Melayu ", **ALL_SIX, "wg_seeing": "3"}
    await profile.save_about(pid, values, actor=None)
    data = await download(pid)
    text = str(data)
    assert "Kampung Melayu" in text and "1990" in text and "311111" in text
    await PROFILE.erase(pid, datetime(2026, 12, 1, tzinfo=UTC))
    row = await Participant.select().where(Participant.id == pid).first().run()
    assert (row["gender"], row["birth_year"], row["disability"], row["area"]) == ("", None, "", "")

    other = await _person(consent=True)
    await profile.save_about(other, values, actor=None)
    await withdraw_consent(other, "data_collection", actor=None)
    row = await Participant.select().where(Participant.id == other).first().run()
    assert (row["gender"], row["birth_year"], row["disability"], row["area"]) == ("", None, "", "")
