"""Survey pages through the HTTP client: permissions, the builder and its htmx blocks, answering with consent first,
bad input, personal links, data entry, results, exports and the pre/post page."""

import re
from datetime import date, timedelta

from conftest import post_form, sign_in
from factories import make_program, make_staff
from querycount import count_queries
from survey_helpers import NEEDS_QUESTIONS, make_person, make_survey, question_ids, respond

from server.people.links import reissue_personal_links
from server.surveys import services as surveys
from server.surveys.tables import Answer, Question, Response, Survey, SurveyInvite

KEY_RE = re.compile(r'name="submission_key" value="([^"]+)"')


async def _team(program, staff, role="lead"):
    from server.programs.tables import TeamMember

    await TeamMember.insert(TeamMember(program=program.id, staff=staff.id, role=role)).run()


async def _consent(client, url):
    """Agree to the consent and return the submission key carried by the questions page."""
    page = await post_form(client, url, {"agree": "on", "decision": "agree"})
    assert page.status_code == 200, page.text[:500]
    return KEY_RE.search(page.text).group(1)


async def _ids(survey):
    return {code: f"q{qid}" for code, qid in (await question_ids(survey)).items()}


# --- who may reach what ---------------------------------------------------------------------------


async def test_anonymous_visitor_is_sent_to_sign_in_from_survey_pages(client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS)
    for url in (
        "/surveys",
        f"/surveys/{survey['id']}/results",
        f"/surveys/{survey['id']}/responses.csv",
        "/surveys/compare",
    ):
        response = await client.get(url, follow_redirects=False)
        assert response.status_code in (303, 401), url
        assert "Survei Kebutuhan" not in response.text


async def test_facilitator_of_another_program_cannot_see_results_exports_or_enter_data(client, organizer):
    program = await make_program(slug="air")
    survey = await make_survey(organizer, title="Rahasia Program Air", program=program.id, questions=NEEDS_QUESTIONS)
    outsider = await make_staff("facilitator", username="luar")
    await sign_in(client, outsider.username)
    for url in ("results", "responses.csv", "codebook.csv", "enter", "questions", "preview", "edit", ""):
        response = await client.get(f"/surveys/{survey['id']}/{url}".rstrip("/"))
        assert response.status_code in (403, 404), url
        assert "Rahasia Program Air" not in response.text
    response = await post_form(client, f"/surveys/{survey['id']}/enter", {"paper_consent": "on"})
    assert response.status_code == 403
    assert (await client.get(f"/surveys/compare?program={program.id}")).status_code == 403
    assert "Rahasia Program Air" not in (await client.get("/surveys")).text
    assert await Response.count().run() == 0


async def test_facilitator_reaches_the_surveys_of_their_program(client, organizer):
    program = await make_program(slug="air")
    survey = await make_survey(organizer, title="Survei Tim", program=program.id, questions=NEEDS_QUESTIONS)
    member = await make_staff("facilitator", username="anggota")
    await _team(program, member)
    await sign_in(client, member.username)
    assert "Survei Tim" in (await client.get("/surveys")).text
    assert (await client.get(f"/surveys/{survey['id']}/results")).status_code == 200


# --- creating and building ------------------------------------------------------------------------


def _survey_form(**overrides):
    data = {
        "title": "Survei Air Bersih",
        "purpose": "needs_assessment",
        "program": "",
        "intro": "Halo",
        "consent_text": "Setuju?",
        "languages": "id,en",
        "anonymous": "on",
    }
    data.update(overrides)
    return data


async def test_organizer_creates_a_survey_and_lands_on_the_builder(organizer_client):
    response = await post_form(
        organizer_client, "/surveys/new", _survey_form(opens_on="2026-01-05", closes_on="2026-02-01")
    )
    assert response.status_code == 303
    survey = await Survey.select().first().run()
    assert response.headers["location"] == f"/surveys/{survey['id']}/questions"
    assert survey["anonymous"] and not survey["published"]
    assert surveys.local_day(survey["opens_at"]) == date(2026, 1, 5) and surveys.local_day(
        survey["closes_at"], end=True
    ) == date(2026, 2, 1)


async def test_close_date_before_open_date_is_a_field_error(organizer_client):
    response = await post_form(
        organizer_client, "/surveys/new", _survey_form(opens_on="2026-03-01", closes_on="2026-02-01"), htmx=True
    )
    assert response.status_code == 400
    assert "The survey must close after it opens." in response.text and "<html" not in response.text
    assert await Survey.count().run() == 0


async def test_program_choice_is_limited_to_managed_programs(facilitator_client, facilitator):
    mine, other = (
        await make_program(slug="mine", title="Program Saya"),
        await make_program(slug="other", title="Program Orang"),
    )
    await _team(mine, facilitator)
    page = await facilitator_client.get("/surveys/new")
    assert "Program Saya" in page.text and "Program Orang" not in page.text
    response = await post_form(facilitator_client, "/surveys/new", _survey_form(program=str(other.id)))
    assert response.status_code == 400 and "Choose one of your programs." in response.text


async def test_start_from_template_creates_the_survey_with_questions(organizer_client):
    response = await post_form(
        organizer_client, "/surveys/templates", {"template": "needs_assessment", "program": "", "languages": "en"}
    )
    assert response.status_code == 303
    survey = await Survey.select().first().run()
    assert await Question.count().where(Question.survey == survey["id"]).run() >= 15
    page = await organizer_client.get(response.headers["location"])
    assert "Put these needs in order of priority for your neighbourhood." in page.text


async def test_builder_adds_a_question_as_an_htmx_block_and_asks_the_preview_to_reload(organizer_client, organizer):
    survey = await make_survey(organizer, published=False)
    data = {
        "kind": "single",
        "text": "Apakah air PDAM mengalir setiap hari?",
        "options": "Ya\nTidak\nKadang-kadang",
        "show_if": "",
    }
    response = await post_form(organizer_client, f"/surveys/{survey['id']}/questions", data, htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="questions-panel"' in response.text
    assert response.headers.get("hx-trigger") == "survey-changed"
    question = await Question.select().first().output(load_json=True).run()
    assert [o["value"] for o in question["options"]] == ["ya", "tidak", "kadang_kadang"]
    preview = await organizer_client.get(f"/surveys/{survey['id']}/preview", headers={"HX-Request": "true"})
    assert (
        "<html" not in preview.text
        and "Apakah air PDAM mengalir setiap hari?" in preview.text
        and 'id="survey-preview"' in preview.text
    )


async def test_builder_without_javascript_redirects_back_to_the_page(organizer_client, organizer):
    survey = await make_survey(organizer, published=False)
    response = await post_form(
        organizer_client,
        f"/surveys/{survey['id']}/questions",
        {"kind": "likert", "text": "Saya merasa aman.", "show_if": ""},
    )
    assert response.status_code == 303 and response.headers["location"].startswith(f"/surveys/{survey['id']}/questions")
    page = await organizer_client.get(f"/surveys/{survey['id']}/questions")
    assert "<html" in page.text and "Saya merasa aman." in page.text and "Strongly agree" in page.text


async def test_builder_bad_question_returns_the_panel_with_errors(organizer_client, organizer):
    survey = await make_survey(organizer, published=False)
    response = await post_form(
        organizer_client,
        f"/surveys/{survey['id']}/questions",
        {"kind": "single", "text": "", "options": "Hanya satu", "show_if": ""},
        htmx=True,
    )
    assert response.status_code == 400 and "<html" not in response.text
    assert "This field is required." in response.text
    response = await post_form(
        organizer_client,
        f"/surveys/{survey['id']}/questions",
        {"kind": "single", "text": "Pilih", "options": "Hanya satu", "show_if": ""},
        htmx=True,
    )
    assert response.status_code == 400 and "Give between 2 and 20 options" in response.text
    assert await Question.count().run() == 0


async def test_edit_question_inline_swaps_only_that_question(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS)
    qid = (await question_ids(survey))["clean"]
    form = await organizer_client.get(f"/surveys/{survey['id']}/questions/{qid}/edit", headers={"HX-Request": "true"})
    assert form.status_code == 200 and "<html" not in form.text
    assert (
        f'id="question-{qid}"' in form.text and "Save question" in form.text and 'id="questions-panel"' not in form.text
    )
    data = {
        "kind": "likert",
        "text": "Air bersih mudah didapat di RW saya.",
        "code": "clean",
        "required": "on",
        "show_if": "",
    }
    saved = await post_form(organizer_client, f"/surveys/{survey['id']}/questions/{qid}", data, htmx=True)
    assert (
        saved.status_code == 200 and "<html" not in saved.text and "Air bersih mudah didapat di RW saya." in saved.text
    )
    assert saved.headers.get("hx-trigger") == "survey-changed"


async def test_move_duplicate_delete_return_the_panel(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS[:3])
    ids = await question_ids(survey)
    base = f"/surveys/{survey['id']}/questions"
    moved = await post_form(organizer_client, f"{base}/{ids['helps']}/move", {"direction": "up"}, htmx=True)
    assert moved.status_code == 200 and "<html" not in moved.text and 'id="questions-panel"' in moved.text
    assert [q["code"] for q in await surveys.list_questions(survey["id"])] == ["rw", "helps", "clean"]
    assert (await post_form(organizer_client, f"{base}/{ids['rw']}/duplicate", {}, htmx=True)).status_code == 200
    assert await Question.count().run() == 4
    assert (await post_form(organizer_client, f"{base}/{ids['helps']}/delete", {}, htmx=True)).status_code == 200
    assert await Question.count().run() == 3


async def test_builder_refuses_edits_that_would_corrupt_answers(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS)
    await respond(survey, {"rw": "rw01", "clean": 4})
    ids = await question_ids(survey)
    base = f"/surveys/{survey['id']}/questions"
    deleted = await post_form(organizer_client, f"{base}/{ids['rw']}/delete", {}, htmx=True)
    assert deleted.status_code == 409 and "already has answers and cannot be deleted" in deleted.text
    changed = await post_form(
        organizer_client,
        f"{base}/{ids['clean']}",
        {"kind": "rating", "text": "Air", "code": "clean", "show_if": ""},
        htmx=True,
    )
    assert changed.status_code == 400 and "its type cannot change" in changed.text
    renamed = await post_form(
        organizer_client,
        f"{base}/{ids['rw']}",
        {"kind": "single", "text": "RW?", "code": "rw", "options": "satu | RW 01\nrw02 | RW 02", "show_if": ""},
        htmx=True,
    )
    assert renamed.status_code == 400 and "option values cannot be removed or renamed" in renamed.text
    reworded = await post_form(
        organizer_client,
        f"{base}/{ids['rw']}",
        {
            "kind": "single",
            "text": "RW tempat tinggal?",
            "code": "rw",
            "options": "rw01 | RW 01 (utara)\nrw02 | RW 02\nrw03 | RW 03",
            "required": "on",
            "show_if": "",
        },
        htmx=True,
    )
    assert reworded.status_code == 200
    assert await Question.count().run() == len(NEEDS_QUESTIONS) and await Answer.count().run() == 2


# --- answering ---------------------------------------------------------------------------------------


async def test_consent_comes_first_and_declining_records_nothing(client, organizer):
    survey = await make_survey(
        organizer, questions=NEEDS_QUESTIONS, consent_text="Jawaban Anda tidak disimpan dengan nama."
    )
    page = await client.get(f"/s/{survey['token']}")
    assert page.status_code == 200
    assert "Jawaban Anda tidak disimpan dengan nama." in page.text and "Halo warga." in page.text
    assert "Tinggal di RW mana?" not in page.text and "submission_key" not in page.text
    assert page.headers["referrer-policy"] == "no-referrer" and "no-store" in page.headers["cache-control"]
    declined = await post_form(client, f"/s/{survey['token']}", {"decision": "decline"})
    assert declined.status_code == 200 and "Nothing was recorded" in declined.text
    unticked = await post_form(client, f"/s/{survey['token']}", {"decision": "agree"})
    assert unticked.status_code == 400 and "Tinggal di RW mana?" not in unticked.text
    assert await Response.count().run() == 0


async def test_participant_answers_and_a_double_submission_stores_one_response(client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS)
    url = f"/s/{survey['token']}"
    key = await _consent(client, url)
    q = await _ids(survey)
    data = {
        "submission_key": key,
        q["rw"]: "rw02",
        q["clean"]: "4",
        q["helps"]: ["elderly", "kids"],
        q["score"]: "7",
        q["people"]: "5",
        f"{q['needs']}-water": "1",
        f"{q['needs']}-health": "3",
        f"{q['needs']}-school": "2",
        q["note"]: "Terima kasih",
    }
    first = await post_form(client, url, data)
    assert first.status_code == 303 and first.headers["location"] == f"{url}/done"
    again = await post_form(client, url, data)
    assert again.status_code == 303
    assert await Response.count().run() == 1
    stored = await Answer.select(Answer.value_text, Answer.value_number).order_by(Answer.id).run()
    assert len(stored) == 10
    assert (await Response.select().first().run())["participant"] is None
    assert "Thank you!" in (await client.get(f"{url}/done")).text


async def test_progress_legends_and_conditional_hint(client, organizer):
    survey = await make_survey(
        organizer,
        questions=[
            {
                "code": "a",
                "kind": "single",
                "text": "Punya anak?",
                "options": [{"value": "yes", "label": "Ya"}, {"value": "no", "label": "Tidak"}],
            },
        ],
    )
    trigger = (await question_ids(survey))["a"]
    await surveys.add_question(
        survey,
        {
            "kind": "number",
            "text": "Berapa anak?",
            "show_if_question": trigger,
            "show_if_value": "yes",
            "code": "b",
            "required": True,
        },
    )
    page = await post_form(client, f"/s/{survey['token']}", {"agree": "on", "decision": "agree"})
    assert "Question 1 of 2" in page.text and "Question 2 of 2" in page.text
    assert "Answer only if your answer to question 1 was “Ya”." in page.text
    assert 'class="show-1"' in page.text and "when-1" in page.text


async def test_hidden_conditional_question_is_neither_required_nor_stored(client, organizer):
    survey = await make_survey(
        organizer,
        questions=[
            {
                "code": "a",
                "kind": "single",
                "text": "Punya anak?",
                "required": True,
                "options": [{"value": "yes", "label": "Ya"}, {"value": "no", "label": "Tidak"}],
            },
        ],
    )
    trigger = (await question_ids(survey))["a"]
    await surveys.add_question(
        survey,
        {
            "kind": "number",
            "text": "Berapa anak?",
            "show_if_question": trigger,
            "show_if_value": "yes",
            "code": "b",
            "required": True,
            "min_value": 0,
            "max_value": 20,
        },
    )
    q = await _ids(survey)
    url = f"/s/{survey['token']}"
    key = await _consent(client, url)
    needed = await post_form(client, url, {"submission_key": key, q["a"]: "yes"})
    assert needed.status_code == 400 and "Please answer this question." in needed.text
    ignored = await post_form(client, url, {"submission_key": key, q["a"]: "no", q["b"]: "999"})
    assert ignored.status_code == 303
    assert [row["value_text"] for row in await Answer.select(Answer.value_text).run()] == ["no"]


async def test_bad_answers_are_rejected_per_question_and_nothing_is_stored(client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS)
    q = await _ids(survey)
    url = f"/s/{survey['token']}"
    key = await _consent(client, url)
    cases = [
        ({q["clean"]: "4"}, q["rw"], "Please answer this question."),
        ({q["rw"]: "rw99", q["clean"]: "4"}, q["rw"], "Choose one of the options."),
        ({q["rw"]: "rw01", q["clean"]: "6"}, q["clean"], "Choose one of the options."),
        ({q["rw"]: "rw01", q["clean"]: "4", q["helps"]: "hackers"}, q["helps"], "Choose one of the options."),
        ({q["rw"]: "rw01", q["clean"]: "4", q["score"]: "11"}, q["score"], "Choose one of the options."),
        ({q["rw"]: "rw01", q["clean"]: "4", q["people"]: "31"}, q["people"], "Must be at most 30."),
        ({q["rw"]: "rw01", q["clean"]: "4", q["people"]: "banyak"}, q["people"], "Enter a number."),
        (
            {
                q["rw"]: "rw01",
                q["clean"]: "4",
                f"{q['needs']}-water": "1",
                f"{q['needs']}-health": "1",
                f"{q['needs']}-school": "2",
            },
            q["needs"],
            "Give each option a different number from 1 to 3.",
        ),
        ({q["rw"]: "rw01", q["clean"]: "4", q["note"]: "x" * 5001}, q["note"], "At most 5000 characters."),
    ]
    for data, name, message in cases:
        response = await post_form(client, url, {"submission_key": key, **data})
        assert response.status_code == 400, (name, message)
        assert message in response.text and f'id="{name}-error"' in response.text, (name, message)
        assert 'value="' + key + '"' in response.text
    assert await Response.count().run() == 0 and await Answer.count().run() == 0


async def test_validation_messages_follow_the_active_language(client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, languages="id")
    q = await _ids(survey)
    url = f"/s/{survey['token']}"
    key = await _consent(client, url)
    response = await post_form(client, url, {"submission_key": key, q["rw"]: "rw99", q["clean"]: "4"})
    assert response.status_code == 400 and "Pilih salah satu opsi." in response.text


async def test_forged_or_missing_consent_marker_goes_back_to_consent(client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS)
    q = await _ids(survey)
    response = await post_form(
        client, f"/s/{survey['token']}", {"submission_key": "abc.def", q["rw"]: "rw01", q["clean"]: "4"}
    )
    assert response.status_code == 400 and "agree before answering" in response.text
    assert await Response.count().run() == 0


async def test_unknown_and_unpublished_links_are_404(client, organizer):
    draft = await make_survey(organizer, questions=NEEDS_QUESTIONS, published=False)
    for url in ("/s/tidak-ada", f"/s/{draft['token']}", "/s/" + "x" * 80):
        assert (await client.get(url)).status_code == 404
    assert (await post_form(client, f"/s/{draft['token']}", {"agree": "on", "decision": "agree"})).status_code == 404


async def test_closed_and_not_yet_open_surveys_show_a_clear_message(client, organizer):
    today = date.today()
    closed = await make_survey(
        organizer, questions=NEEDS_QUESTIONS, opens_on=today - timedelta(days=10), closes_on=today - timedelta(days=2)
    )
    page = await client.get(f"/s/{closed['token']}")
    assert page.status_code == 200 and "This survey is closed" in page.text
    key = surveys.new_submission_key(closed["id"], "public")
    q = await _ids(closed)
    response = await post_form(
        client, f"/s/{closed['token']}", {"submission_key": key, q["rw"]: "rw01", q["clean"]: "4"}
    )
    assert response.status_code == 409 and "This survey is closed" in response.text
    later = await make_survey(organizer, questions=NEEDS_QUESTIONS, opens_on=today + timedelta(days=3))
    page = await client.get(f"/s/{later['token']}")
    assert page.status_code == 200 and "This survey is not open yet" in page.text
    assert await Response.count().run() == 0


async def test_personal_link_records_the_participant_once(client, organizer):
    survey = await make_survey(
        organizer,
        questions=[{"code": "calm", "kind": "likert", "text": "Tenang", "required": True}],
        anonymous=False,
        purpose="pre",
    )
    person = await make_person("Sari", preferred_locale="en")
    link = await surveys.invite_link(survey["id"], person, await reissue_personal_links(None, person))
    path = link.split("://", 1)[1].split("/", 1)[1]
    url = "/" + path
    key = await _consent(client, url)
    q = await _ids(survey)
    assert (await post_form(client, url, {"submission_key": key, q["calm"]: "2"})).status_code == 303
    row = await Response.select().first().run()
    assert row["participant"] == person
    assert (await SurveyInvite.select(SurveyInvite.used_at).first().run())["used_at"] is not None
    again = await client.get(url)
    assert again.status_code == 200 and "You have already answered" in again.text
    assert (await client.get(f"/s/{survey['token']}/i/not-a-real-invite")).status_code == 404
    other = await make_survey(organizer, questions=[{"code": "calm", "kind": "likert"}], anonymous=False)
    assert (await client.get(f"/s/{other['token']}/i/{path.rsplit('/', 1)[1]}")).status_code == 404


# --- data entry ----------------------------------------------------------------------------------------


async def test_facilitator_types_in_paper_forms_for_their_participants(client, organizer):
    program = await make_program(slug="parenting")
    member = await make_staff("facilitator", username="budi")
    await _team(program, member)
    survey = await make_survey(
        organizer,
        program=program.id,
        anonymous=False,
        purpose="pre",
        questions=[{"code": "calm", "kind": "likert", "text": "Tenang", "required": True}],
    )
    person = await make_person("Ibu Rina")
    from server.enrolment.tables import Enrolment

    await Enrolment.insert(Enrolment(participant=person, program=program.id, status="enrolled")).run()
    await sign_in(client, member.username)
    page = await client.get(f"/surveys/{survey['id']}/enter")
    assert page.status_code == 200 and "Ibu Rina" in page.text
    key = KEY_RE.search(page.text).group(1)
    q = await _ids(survey)
    missing = await post_form(
        client,
        f"/surveys/{survey['id']}/enter",
        {"submission_key": key, q["calm"]: "3", "participant": str(person), "then": "another"},
    )
    assert missing.status_code == 400 and "Confirm that the person agreed" in missing.text
    saved = await post_form(
        client,
        f"/surveys/{survey['id']}/enter",
        {"submission_key": key, q["calm"]: "3", "participant": str(person), "paper_consent": "on", "then": "another"},
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/surveys/{survey['id']}/enter"
    row = await Response.select().first().run()
    assert (row["participant"], row["entered_by"], row["program"]) == (person, member.id, program.id)
    stranger = await make_person("Orang Lain")
    tampered = await post_form(
        client,
        f"/surveys/{survey['id']}/enter",
        {
            "submission_key": surveys.new_submission_key(survey["id"], f"entry:{member.id}"),
            q["calm"]: "3",
            "participant": str(stranger),
            "paper_consent": "on",
        },
    )
    assert tampered.status_code == 400 and await Response.count().run() == 1


async def test_data_entry_of_anonymous_survey_offers_no_names(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    await make_person("Nama Yang Tidak Boleh Muncul")
    page = await organizer_client.get(f"/surveys/{survey['id']}/enter")
    assert "Nama Yang Tidak Boleh Muncul" not in page.text and 'name="participant"' not in page.text


# --- results and exports --------------------------------------------------------------------------------


async def _fill(survey, count):
    for n in range(count):
        await respond(
            survey,
            {
                "rw": "rw01" if n % 3 else "rw02",
                "clean": 1 + n % 5,
                "helps": ["elderly"] if n % 2 else ["kids"],
                "score": n % 11,
                "people": 1 + n % 7,
                "needs": {"water": 1, "health": 2 + n % 2, "school": 3 - n % 2},
                "note": f"Catatan {n}",
            },
        )


async def test_results_page_shows_accessible_charts_tables_and_priorities(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    await _fill(survey, 12)
    page = await organizer_client.get(f"/surveys/{survey['id']}/results")
    assert page.status_code == 200
    assert (
        'role="img"' in page.text
        and "<svg" in page.text
        and 'aria-label="Chart of the answers to question 2"' in page.text
    )
    assert "Priority order" in page.text and "Catatan 11" in page.text and "Median" in page.text
    assert 'style="' not in page.text and "<script>" not in page.text


async def test_results_crosstab_hides_small_groups_and_one_more_against_subtraction(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    for rw, clean, times in (("rw01", 4, 8), ("rw02", 1, 4), ("rw03", 2, 6)):
        for _ in range(times):
            await respond(survey, {"rw": rw, "clean": clean})
    rw = (await question_ids(survey))["rw"]
    fragment = await organizer_client.get(f"/surveys/{survey['id']}/results?by={rw}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and 'id="survey-results"' in fragment.text
    assert "fewer than 5 responses" in fragment.text and "n = 8" in fragment.text and "n = 4" not in fragment.text
    # Without hiding rw03 too, the overall mean of 2.22 minus rw01 and rw03 would give rw02's 1.00 back.
    assert "hidden, so that a smaller group cannot be worked out" in fragment.text and "n = 6" not in fragment.text
    assert "4.00" in fragment.text and "1.00" not in fragment.text and "2.00" not in fragment.text


async def test_results_page_runs_the_same_number_of_queries_for_5_and_60_responses(organizer_client, organizer):
    counts = []
    for size in (5, 60):
        survey = await make_survey(organizer, title=f"Survei {size}", questions=NEEDS_QUESTIONS, anonymous=False)
        await _fill(survey, size)
        rw = (await question_ids(survey))["rw"]
        for url in (f"/surveys/{survey['id']}/results?by={rw}", f"/surveys/{survey['id']}/responses.csv"):
            await organizer_client.get(url)  # warm up
        with count_queries() as counter:
            page = await organizer_client.get(f"/surveys/{survey['id']}/results?by={rw}")
            assert page.status_code == 200
        with count_queries() as csv_counter:
            assert (await organizer_client.get(f"/surveys/{survey['id']}/responses.csv")).status_code == 200
        counts.append((counter["n"], csv_counter["n"]))
    assert counts[0] == counts[1], counts


async def test_csv_export_of_anonymous_survey_has_no_names(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    person = await make_person("Siti Nurhaliza")
    await surveys.submit_response(survey, [], submission_key="k-1", participant_id=person)
    await _fill(survey, 4)
    response = await organizer_client.get(f"/surveys/{survey['id']}/responses.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "Siti" not in response.text and "participant" not in response.text.splitlines()[0]
    codebook = await organizer_client.get(f"/surveys/{survey['id']}/codebook.csv")
    assert codebook.status_code == 200 and "rw01 = RW 01" in codebook.text


async def test_prepost_page_shows_chart_and_table_for_the_program(organizer_client, organizer):
    program = await make_program(slug="parenting", title="Pelatihan Pengasuhan")
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
    for before, after in ((2, 4), (3, 3), (4, 5), (2, 4), (3, 3), (4, 5)):
        person = await make_person()
        await respond(pre, {"calm": before}, participant_id=person)
        await respond(post, {"calm": after}, participant_id=person)
    listing = await organizer_client.get("/surveys/compare")
    assert "Pelatihan Pengasuhan" in listing.text
    page = await organizer_client.get(f"/surveys/compare?program={program.id}")
    assert page.status_code == 200
    assert 'role="img"' in page.text and "Saya tenang" in page.text
    assert "6 answered both" in page.text and "+1.00" in page.text and "67%" in page.text


async def test_publish_and_unpublish_controls_the_link(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, published=False)
    assert (await organizer_client.get(f"/s/{survey['token']}")).status_code == 404
    assert (
        await post_form(organizer_client, f"/surveys/{survey['id']}/publish", {"published": "on"})
    ).status_code == 303
    assert (await organizer_client.get(f"/s/{survey['token']}")).status_code == 200
    assert (await post_form(organizer_client, f"/surveys/{survey['id']}/publish", {})).status_code == 303
    assert (await organizer_client.get(f"/s/{survey['token']}")).status_code == 404


async def test_control_characters_in_written_answers_are_dropped(client, organizer):
    survey = await make_survey(
        organizer, questions=[{"code": "note", "kind": "short_text", "text": "Catatan", "required": True}]
    )
    q = await _ids(survey)
    url = f"/s/{survey['token']}"
    key = await _consent(client, url)
    assert (await post_form(client, url, {"submission_key": key, q["note"]: "Air\x00 bersih\x07"})).status_code == 303
    assert (await Answer.select(Answer.value_text).first().run())["value_text"] == "Air bersih"


async def test_edit_question_without_javascript_is_a_whole_page(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS[:2])
    qid = (await question_ids(survey))["clean"]
    page = await organizer_client.get(f"/surveys/{survey['id']}/questions/{qid}/edit")
    assert (
        page.status_code == 200
        and "<html" in page.text
        and "Save question" in page.text
        and f'id="edit-{qid}-text"' in page.text
    )
    saved = await post_form(
        organizer_client,
        f"/surveys/{survey['id']}/questions/{qid}",
        {"kind": "likert", "text": "Air mudah didapat.", "code": "clean", "show_if": ""},
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/surveys/{survey['id']}/questions#question-{qid}"


async def test_settings_refuse_changing_anonymity_after_responses(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    await respond(survey, {"rw": "rw01"})
    response = await post_form(organizer_client, f"/surveys/{survey['id']}/edit", _survey_form(anonymous=""))
    assert response.status_code == 400 and "whether this survey is anonymous can no longer change" in response.text
    renamed = await post_form(organizer_client, f"/surveys/{survey['id']}/edit", _survey_form(title="Survei Baru"))
    assert renamed.status_code == 303
    assert (await Survey.select(Survey.title, Survey.anonymous).first().run()) == {
        "title": "Survei Baru",
        "anonymous": True,
    }


async def test_filtered_results_of_a_small_anonymous_group_show_a_notice(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS, anonymous=True)
    await _fill(survey, 3)
    today = date.today().isoformat()
    page = await organizer_client.get(f"/surveys/{survey['id']}/results?date_from={today}")
    assert page.status_code == 200 and "Too few responses to show results (fewer than 5)." in page.text
    assert "<svg" not in page.text and "Catatan" not in page.text
