"""Issue 11 through the HTTP client: small groups hidden on every results page and export, a consent text that
quotes the configured limit, no switch to anonymous after personal links, and anonymous answers that keep no
key or number pointing back to a person or to the order of answering."""

import csv
import dataclasses
import io
import re

import pytest
from conftest import post_form, sign_in
from factories import make_program
from litestar.testing import AsyncTestClient
from survey_helpers import NEEDS_QUESTIONS, make_person, make_survey, question_ids, respond

from server.people.links import reissue_personal_links
from server.people.tokens import new_token, token_hash
from server.surveys import services as surveys
from server.surveys.tables import Response, Survey, SurveyInvite

KEY_RE = re.compile(r'name="submission_key" value="([^"]+)"')
SECRET_TEXTS = ("Suami saya memukul saya", "Saya takut pulang")


async def _two_responses(survey):
    for text in SECRET_TEXTS:
        await respond(
            survey,
            {
                "rw": "rw02",
                "clean": 1,
                "helps": ["kids"],
                "score": 9,
                "people": 7,
                "needs": {"water": 1, "health": 2, "school": 3},
                "note": text,
            },
        )


@pytest.fixture
async def app_with_limit(db, settings):
    """Builds an app whose settings carry another small-group limit."""
    from server.app import create_app

    def build(limit: int):
        return create_app(dataclasses.replace(settings, min_group_size=limit))

    return build


# --- 1. small groups -------------------------------------------------------------------------------


@pytest.mark.parametrize("anonymous", [True, False])
async def test_survey_with_two_responses_shows_only_that_there_are_too_few(organizer_client, organizer, anonymous):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=anonymous)
    await _two_responses(survey)
    rw = (await question_ids(survey))["rw"]
    for url in (f"/surveys/{survey['id']}/results", f"/surveys/{survey['id']}/results?by={rw}"):
        page = await organizer_client.get(url)
        assert page.status_code == 200
        assert "Too few responses to show results (fewer than 5)." in page.text
        body = page.text.split('id="survey-results"', 1)[1]
        for leak in (*SECRET_TEXTS, "<svg", "Mean", "Median", "2 responses", "answered by", "100%", "n = "):
            assert leak not in body, (url, leak)


@pytest.mark.parametrize("anonymous", [True, False])
async def test_csv_export_of_too_few_responses_is_refused_without_data(organizer_client, organizer, anonymous):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=anonymous)
    await _two_responses(survey)
    export = await organizer_client.get(f"/surveys/{survey['id']}/responses.csv")
    assert export.status_code == 409 and "Too few responses to export (fewer than 5)." in export.text
    assert not any(text in export.text for text in SECRET_TEXTS) and "rw02" not in export.text
    assert "no-store" in export.headers["cache-control"]
    codebook = await organizer_client.get(f"/surveys/{survey['id']}/codebook.csv")  # column meanings only, no answers
    assert codebook.status_code == 200 and not any(text in codebook.text for text in SECRET_TEXTS)


async def test_overall_totals_cannot_reveal_a_hidden_crosstab_group(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    for rw, score, times in (("rw01", 8, 7), ("rw02", 2, 6), ("rw03", 9, 1)):
        for _ in range(times):
            await respond(survey, {"rw": rw, "score": score})
    rw = (await question_ids(survey))["rw"]
    page = await organizer_client.get(f"/surveys/{survey['id']}/results?by={rw}", headers={"HX-Request": "true"})
    crosstab = page.text.split('id="crosstab-heading"', 1)[1]
    # rw03 is one person; rw02 (6) is hidden as well, or the overall mean minus rw01 and rw02 gives that person's 9.
    assert "n = 7" in crosstab and "n = 6" not in crosstab and "n = 1" not in crosstab
    assert "8.00" in crosstab and "2.00" not in crosstab and "9.00" not in crosstab


async def test_prepost_page_hides_a_comparison_of_too_few_pairs(organizer_client, organizer):
    program = await make_program(slug="kelompok", title="Kelompok Kamis")
    pre = await make_survey(
        organizer,
        purpose="pre",
        anonymous=False,
        program=program.id,
        questions=[{"code": "calm", "kind": "likert", "text": "Saya tenang"}],
    )
    post = await make_survey(
        organizer,
        purpose="post",
        anonymous=False,
        program=program.id,
        questions=[{"code": "calm", "kind": "likert", "text": "Saya tenang"}],
    )
    for before, after in ((1, 5), (2, 4)):
        person = await make_person()
        await respond(pre, {"calm": before}, participant_id=person)
        await respond(post, {"calm": after}, participant_id=person)
    page = await organizer_client.get(f"/surveys/compare?program={program.id}")
    assert page.status_code == 200 and "Too few people to show the comparison (fewer than 5)." in page.text
    assert "<svg" not in page.text and "+3.00" not in page.text and "1.50" not in page.text and "4.50" not in page.text


async def test_written_answers_are_listed_in_alphabetical_not_submission_order(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    for text in ("Cukup", "Air", "Es", "Baik", "Damai"):
        await respond(survey, {"rw": "rw01", "note": text})
    page = await organizer_client.get(f"/surveys/{survey['id']}/results")
    positions = [page.text.index(f"<li>{text}</li>") for text in ("Air", "Baik", "Cukup", "Damai", "Es")]
    assert positions == sorted(positions)


# --- 2. the consent text follows the setting ---------------------------------------------------------


async def test_consent_text_quotes_the_limit_the_results_use(app_with_limit, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    for n in range(3):
        await respond(survey, {"rw": "rw01", "clean": 4, "note": f"Catatan rahasia {n}"})
    for limit, shown in ((5, False), (3, True)):
        async with AsyncTestClient(app=app_with_limit(limit), base_url="http://testserver.local") as client:
            consent = await client.get(f"/s/{survey['token']}")
            expected = surveys.privacy_statement(survey, limit)
            assert expected in consent.text and f"at least {limit} people have answered" in expected
            assert "not stored with them" in expected and "kept only to the hour" in expected
            await sign_in(client, organizer.username)
            page = await client.get(f"/surveys/{survey['id']}/results")
            export = await client.get(f"/surveys/{survey['id']}/responses.csv")
            if shown:
                assert "Catatan rahasia 2" in page.text and "Too few responses" not in page.text
                assert export.status_code == 200 and "Catatan rahasia 2" in export.text
            else:
                assert (
                    f"Too few responses to show results (fewer than {limit})." in page.text
                    and "Catatan rahasia" not in page.text
                )
                assert export.status_code == 409 and "Catatan rahasia" not in export.text


async def test_named_survey_consent_states_names_are_kept_and_the_limit(client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False)
    page = await client.get(f"/s/{survey['token']}")
    assert "Your answers are stored with your name" in page.text and "at least 5 people have answered" in page.text


# --- 3. anonymity -------------------------------------------------------------------------------------


def _survey_form(**overrides):
    data = {
        "title": "Survei Kelompok",
        "purpose": "pre",
        "program": "",
        "intro": "Halo",
        "consent_text": "Setuju?",
        "languages": "id,en",
        "anonymous": "",
    }
    data.update(overrides)
    return data


async def test_named_survey_with_personal_links_cannot_become_anonymous(organizer_client, organizer):
    survey = await make_survey(
        organizer, questions=NEEDS_QUESTIONS, anonymous=False, title="Survei Kelompok", purpose="pre"
    )
    await surveys.invite_link(survey["id"], await make_person("Sari"), new_token())
    response = await post_form(
        organizer_client, f"/surveys/{survey['id']}/edit", _survey_form(anonymous="on", title="Judul Baru")
    )
    assert response.status_code == 400
    assert "Personal links have already been made for this survey, so it cannot become anonymous." in response.text
    assert (await Survey.select(Survey.title, Survey.anonymous).where(Survey.id == survey["id"]).first().run()) == {
        "title": "Survei Kelompok",
        "anonymous": False,
    }
    fresh = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=False, title="Survei Kosong")
    switched = await post_form(
        organizer_client, f"/surveys/{fresh['id']}/edit", _survey_form(anonymous="on", title="Survei Kosong")
    )
    assert switched.status_code == 303
    assert (await Survey.select(Survey.anonymous).where(Survey.id == fresh["id"]).first().run())["anonymous"] is True


async def test_anonymous_answer_through_an_old_personal_link_keeps_no_key_derived_from_it(client, organizer):
    survey = await make_survey(
        organizer, questions=[{"code": "calm", "kind": "likert", "text": "Tenang", "required": True}], anonymous=True
    )
    person = await make_person("Wati")
    # A personal link left from before the survey became anonymous (allowed by older versions).
    await reissue_personal_links(None, person)
    old_link = new_token()
    await SurveyInvite.insert(SurveyInvite(survey=survey["id"], participant=person, token=token_hash(old_link))).run()
    invite = await SurveyInvite.select().first().run()
    url = f"/s/{survey['token']}/i/{old_link}"
    page = await post_form(client, url, {"agree": "on", "decision": "agree"})
    key = KEY_RE.search(page.text).group(1)
    q = f"q{(await question_ids(survey))['calm']}"
    assert (await post_form(client, url, {"submission_key": key, q: "2"})).status_code == 303
    stored = await Response.select().first().run()
    assert stored["participant"] is None
    # With the server secret, nothing links the stored key to the invite (or to anything but random data).
    assert not surveys.check_submission_key(stored["submission_key"], survey["id"], f"invite:{invite['id']}")
    assert surveys.check_submission_key(stored["submission_key"], survey["id"], "public")
    assert (await SurveyInvite.select(SurveyInvite.used_at).first().run())["used_at"] is None


async def test_anonymous_csv_carries_no_sequential_response_number(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    for n in range(8):
        await respond(survey, {"rw": "rw01", "people": n + 1})
    export = await organizer_client.get(f"/surveys/{survey['id']}/responses.csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    names = [row["response"] for row in rows]
    assert len(rows) == 8 and not any(name.isdigit() for name in names)
    assert {str(row["id"]) for row in await Response.select(Response.id).run()}.isdisjoint(names)
    # Rows follow the random names, not the order of submission (people 1..8 were answered in that order).
    assert names == sorted(names)
    codebook = await organizer_client.get(f"/surveys/{survey['id']}/codebook.csv")
    assert "not of submission" in codebook.text


def test_min_group_size_comes_from_the_environment_and_must_be_positive():
    from server.config import load_settings

    assert load_settings({}).min_group_size == 5
    assert load_settings({"GOTONG_MIN_GROUP_SIZE": "3"}).min_group_size == 3
    assert any(
        "GOTONG_MIN_GROUP_SIZE" in problem for problem in load_settings({"GOTONG_MIN_GROUP_SIZE": "0"}).problems()
    )


async def test_migration_gives_old_responses_a_public_id_and_anonymous_ones_a_random_key(organizer):
    import importlib

    migration = importlib.import_module("migrations.gotong_2026_11_30t00_01_41_000000")
    anonymous = await make_survey(organizer, questions=[{"code": "a", "kind": "likert"}], anonymous=True)
    named = await make_survey(organizer, questions=[{"code": "a", "kind": "likert"}], anonymous=False)
    old_key = surveys.new_submission_key(anonymous["id"], "invite:7")  # what older versions stored
    await surveys.submit_response(anonymous, [], submission_key=old_key)
    await surveys.submit_response(named, [], submission_key="named-key")
    await Response.update({Response.public_id: ""}, force=True).run()
    manager = await migration.forwards()
    for raw in manager.raw:
        await raw()
    rows = {row["survey"]: row for row in await Response.select().run()}
    assert all(len(row["public_id"]) == 16 for row in rows.values())
    assert rows[anonymous["id"]]["submission_key"] != old_key and not surveys.check_submission_key(
        rows[anonymous["id"]]["submission_key"], anonymous["id"], "invite:7"
    )
    assert rows[named["id"]]["submission_key"] == "named-key"
