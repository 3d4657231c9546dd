"""Bilingual surveys ("Indonesian and English"): the builder takes each question, help text and option in both
languages; respondents read the survey in their language (the one they chose, else the personal link's person's),
each missing translation falling back to the first language; results, exports and codebooks stay in the first
language; the consent text the organizer wrote can be given in both languages."""

import re

from conftest import post_form
from survey_helpers import make_person, make_survey

from server.people.links import reissue_personal_links
from server.surveys import services as surveys
from server.surveys.tables import Question, Survey

WATER = {
    "code": "water",
    "kind": "single",
    "text": "Apakah air mengalir setiap hari?",
    "help": "Pikirkan minggu lalu.",
    "options": [{"value": "yes", "label": "Ya"}, {"value": "no", "label": "Tidak"}],
    "translation_text": "Does water run every day?",
    "translation_help": "Think of last week.",
    "translation_options": {"yes": "Yes", "no": "No"},
}
# Translated question text, but neither its help nor its options.
SAFE = {
    "code": "safe",
    "kind": "single",
    "text": "Apakah jalan aman?",
    "help": "Pada malam hari.",
    "options": [{"value": "safe", "label": "Aman"}, {"value": "unsafe", "label": "Tidak aman"}],
    "translation_text": "Are the streets safe?",
}
KEY_RE = re.compile(r'name="submission_key" value="([^"]+)"')


async def _questions_page(client, url: str, language: str | None = None) -> str:
    if language:
        client.cookies.set("gotong_lang", language)
    page = await post_form(client, url, {"agree": "on", "decision": "agree"})
    assert page.status_code == 200, page.text[:500]
    return page.text


# --- the builder ------------------------------------------------------------------------------------------------


async def test_builder_saves_a_question_in_both_languages(organizer_client, organizer):
    survey = await make_survey(organizer, published=False)
    data = {
        "kind": "single",
        "text": "Apakah air mengalir?",
        "help": "Minggu lalu.",
        "options": "Ya\nTidak",
        "translation_text": "Does water run?",
        "translation_help": "Last week.",
        "translation_options": "Yes\nNo",
        "show_if": "",
    }
    response = await post_form(organizer_client, f"/surveys/{survey['id']}/questions", data, htmx=True)
    assert response.status_code == 200
    row = await Question.select().first().output(load_json=True).run()
    assert (row["text"], [o["label"] for o in row["options"]]) == ("Apakah air mengalir?", ["Ya", "Tidak"])
    assert row["translations"] == {
        "en": {"text": "Does water run?", "help": "Last week.", "options": {"ya": "Yes", "tidak": "No"}}
    }
    edit = await organizer_client.get(f"/surveys/{survey['id']}/questions/{row['id']}/edit")
    assert "Does water run?" in edit.text and "ya | Yes" in edit.text


async def test_builder_accepts_a_missing_translation_and_marks_it(organizer_client, organizer):
    survey = await make_survey(organizer, questions=[SAFE], published=False)
    page = await organizer_client.get(f"/surveys/{survey['id']}/questions")
    assert page.status_code == 200
    assert "Not translated into English" in page.text and "help text, options" in page.text
    assert "Are the streets safe?" in page.text
    full = await make_survey(organizer, questions=[WATER], published=False)
    assert "Not translated into" not in (await organizer_client.get(f"/surveys/{full['id']}/questions")).text


async def test_translated_option_with_an_unknown_value_is_a_field_error(organizer_client, organizer):
    survey = await make_survey(organizer, published=False)
    data = {"kind": "single", "text": "Air?", "options": "Ya\nTidak", "translation_options": "maybe | Maybe"}
    response = await post_form(organizer_client, f"/surveys/{survey['id']}/questions", data, htmx=True)
    assert response.status_code == 400 and "No option has the value “maybe”." in response.text
    too_many = {**data, "translation_options": "Yes\nNo\nMaybe"}
    response = await post_form(organizer_client, f"/surveys/{survey['id']}/questions", too_many, htmx=True)
    assert response.status_code == 400 and "more translated options than options" in response.text
    assert not await Question.exists().run()


async def test_survey_in_one_language_takes_no_translation_and_keeps_earlier_ones(organizer_client, organizer):
    single = await make_survey(organizer, published=False, languages="id")
    page = await organizer_client.get(f"/surveys/{single['id']}/questions")
    assert 'name="translation_text"' not in page.text
    # A survey made bilingual, translated, then switched to Indonesian only keeps its English for later.
    survey = await make_survey(organizer, questions=[WATER], published=False)
    await Survey.update({Survey.languages: "id"}).where(Survey.id == survey["id"]).run()
    survey = await surveys.get_survey(survey["id"])
    question = (await surveys.list_questions(survey["id"]))[0]
    await surveys.update_question(survey, question["id"], {**WATER, "text": "Air mengalir?"})
    row = await Question.select().first().output(load_json=True).run()
    assert row["text"] == "Air mengalir?" and row["translations"]["en"]["text"] == "Does water run every day?"


async def test_rewording_an_option_keeps_its_translation_and_dropping_one_drops_it(organizer, db):
    survey = await make_survey(organizer, questions=[WATER], published=False)
    question = (await surveys.list_questions(survey["id"]))[0]
    options = [{"value": "yes", "label": "Iya"}, {"value": "maybe", "label": "Mungkin"}]
    await surveys.update_question(survey, question["id"], {**WATER, "options": options})
    row = await Question.select().first().output(load_json=True).run()
    assert row["translations"]["en"]["options"] == {"yes": "Yes"}


# --- answering ----------------------------------------------------------------------------------------------------


async def test_respondent_reads_the_questions_in_their_language(client, organizer):
    survey = await make_survey(organizer, questions=[WATER])
    english = await _questions_page(client, f"/s/{survey['token']}", "en")
    assert "Does water run every day?" in english and "Think of last week." in english
    assert "> Yes</label>" in english and "Apakah air" not in english
    indonesian = await _questions_page(client, f"/s/{survey['token']}", "id")
    assert "Apakah air mengalir setiap hari?" in indonesian and "Does water" not in indonesian


async def test_missing_translations_fall_back_to_the_first_language(client, organizer):
    survey = await make_survey(organizer, questions=[SAFE])
    english = await _questions_page(client, f"/s/{survey['token']}", "en")
    assert "Are the streets safe?" in english
    assert "Pada malam hari." in english and "Tidak aman" in english
    # The stored value is the same whatever the language the option was read in.
    key = KEY_RE.search(english).group(1)
    qid = (await surveys.list_questions(survey["id"]))[0]["id"]
    assert (
        await post_form(client, f"/s/{survey['token']}", {"submission_key": key, f"q{qid}": "unsafe"})
    ).status_code == 303


async def test_personal_link_shows_the_survey_in_the_persons_language(client, organizer):
    survey = await make_survey(organizer, questions=[WATER], anonymous=False, purpose="pre")
    person = await make_person("Sari", preferred_locale="en")
    link = await surveys.invite_link(survey["id"], person, await reissue_personal_links(None, person))
    url = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert "Does water run every day?" in await _questions_page(client, url)


async def test_results_exports_and_codebook_use_the_first_language(organizer_client, organizer):
    survey = await make_survey(organizer, questions=[WATER])
    qid = (await surveys.list_questions(survey["id"]))[0]["id"]
    await surveys.submit_response(survey, [(qid, "yes", None)], submission_key="k-1", language="en")
    codebook = await organizer_client.get(f"/surveys/{survey['id']}/codebook.csv")
    assert "Apakah air mengalir setiap hari?" in codebook.text and "yes = Ya" in codebook.text
    assert "Does water" not in codebook.text
    responses = await organizer_client.get(f"/surveys/{survey['id']}/responses.csv")
    assert "Does water" not in responses.text


# --- consent and survey texts -------------------------------------------------------------------------------------


async def test_consent_text_and_title_are_shown_in_the_respondents_language(client, organizer):
    survey = await make_survey(
        organizer,
        questions=[WATER],
        title="Survei Air",
        consent_text="Jawaban Anda dijaga oleh tim RW.",
        title_translation="Water survey",
        consent_text_translation="Your answers are kept by the RW team.",
    )
    client.cookies.set("gotong_lang", "en")
    english = (await client.get(f"/s/{survey['token']}")).text
    assert "Water survey" in english and "Your answers are kept by the RW team." in english
    assert "Jawaban Anda dijaga" not in english
    client.cookies.set("gotong_lang", "id")
    indonesian = (await client.get(f"/s/{survey['token']}")).text
    assert "Survei Air" in indonesian and "Jawaban Anda dijaga oleh tim RW." in indonesian


async def test_settings_form_saves_the_english_texts(organizer_client, organizer):
    survey = await make_survey(organizer, published=False)
    edit = await organizer_client.get(f"/surveys/{survey['id']}/edit")
    assert 'name="consent_text_translation"' in edit.text
    data = {
        "title": "Survei Air",
        "purpose": "needs_assessment",
        "program": "",
        "intro": "",
        "consent_text": "Jawaban Anda rahasia.",
        "languages": "id,en",
        "anonymous": "on",
        "title_translation": "Water survey",
        "consent_text_translation": "Your answers are confidential.",
    }
    response = await post_form(organizer_client, f"/surveys/{survey['id']}/edit", data)
    assert response.status_code == 303
    row = await Survey.select(Survey.translations).first().output(load_json=True).run()
    assert row["translations"] == {"en": {"title": "Water survey", "consent_text": "Your answers are confidential."}}
    again = await organizer_client.get(f"/surveys/{survey['id']}/edit")
    assert "Your answers are confidential." in again.text


async def test_bilingual_survey_from_a_template_has_both_languages(organizer_client):
    response = await post_form(
        organizer_client, "/surveys/templates", {"template": "needs_assessment", "program": "", "languages": "id,en"}
    )
    assert response.status_code == 303
    survey = await Survey.select().first().output(load_json=True).run()
    assert survey["translations"]["en"]["title"] and survey["translations"]["en"]["title"] != survey["title"]
    questions = await Question.select().where(Question.survey == survey["id"]).output(load_json=True).run()
    assert all(q["translations"]["en"]["text"] for q in questions)
    ranking = next(q for q in questions if q["kind"] == "ranking")
    assert set(ranking["translations"]["en"]["options"]) == {o["value"] for o in ranking["options"]}
    assert "Put these needs in order of priority for your neighbourhood." in str(ranking["translations"])


async def test_personal_page_lists_a_bilingual_survey_under_its_title_in_the_persons_language(client, organizer):
    from factories import make_program

    from server.enrolment.tables import Enrolment

    program = await make_program(slug="kelas-air")
    survey = await make_survey(
        organizer,
        questions=[WATER],
        program=program.id,
        anonymous=False,
        title="Survei Air",
        title_translation="Water survey",
    )
    english = await make_person("Sari", preferred_locale="en")
    indonesian = await make_person("Wati", preferred_locale="id")
    for person in (english, indonesian):
        await Enrolment.insert(Enrolment(participant=person, program=program.id, status="enrolled")).run()
    page = await client.get(f"/my/{await reissue_personal_links(None, english)}")
    assert "Water survey" in page.text and f"/s/{survey['token']}/i/" in page.text
    assert "Survei Air" in (await client.get(f"/my/{await reissue_personal_links(None, indonesian)}")).text


async def test_preview_shows_the_questions_in_the_second_language_on_request(organizer_client, organizer):
    survey = await make_survey(organizer, questions=[WATER], published=False)
    first = await organizer_client.get(f"/surveys/{survey['id']}/preview")
    assert "Apakah air mengalir setiap hari?" in first.text and "?language=en" in first.text
    english = await organizer_client.get(f"/surveys/{survey['id']}/preview?language=en")
    assert "Does water run every day?" in english.text and "Apakah air mengalir" not in english.text
