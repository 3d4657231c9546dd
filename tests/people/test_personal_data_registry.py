"""The personal-data registry: every table that holds something about a participant is declared, and the download
and the erasure follow the declarations (named survey responses included)."""

import csv
import io

from factories import make_program
from surveys.survey_helpers import make_person, make_survey, question_ids, respond

from server import personal_data
from server.pages import personal_data as everything
from server.pages.personal_data import erase_participant
from server.people.links import reissue_personal_links
from server.people.tables import Participant
from server.piccolo_app import APP_CONFIG
from server.surveys.tables import Answer, Response


def test_every_table_that_refers_to_a_participant_is_in_the_registry():
    assert everything.DECLARATIONS  # importing the pages module loads every feature's declarations
    holding = personal_data.holding_personal_data(APP_CONFIG.table_classes, Participant)
    missing = sorted(table.__name__ for table in holding - personal_data.covered_tables())
    assert missing == [], f"tables with personal data in no registry entry: {missing}"
    # The closure follows references through other tables: a response's answers, a goal's progress notes.
    assert {"Answer", "ProgressNote", "EnrolmentChange", "SurveyInvite"} <= {table.__name__ for table in holding}


def test_a_table_referring_to_a_participant_outside_the_registry_is_found():
    from piccolo.columns import ForeignKey, Serial, Text
    from piccolo.table import Table

    class CaseNote(Table):
        id: Serial
        participant = ForeignKey(references=Participant)
        note = Text()

    holding = personal_data.holding_personal_data([*APP_CONFIG.table_classes, CaseNote], Participant)
    assert CaseNote in holding - personal_data.covered_tables()


NAMED_QUESTIONS = [
    {
        "code": "rw",
        "kind": "single",
        "text": "Tinggal di RW mana?",
        "options": [{"value": "rw01", "label": "RW 01"}, {"value": "rw02", "label": "RW 02"}],
    },
    {"code": "note", "kind": "long_text", "text": "Cerita Anda"},
]


async def _named_response(admin, person, other):
    program = await make_program()
    survey = await make_survey(
        admin, questions=NAMED_QUESTIONS, anonymous=False, title="Survei Awal", program=program.id
    )
    await respond(survey, {"rw": "rw01", "note": "Saya Wati dari gang mawar"}, participant_id=person)
    await respond(survey, {"rw": "rw01", "note": "Cerita orang lain"}, participant_id=other)
    return survey


async def test_named_survey_responses_are_in_the_persons_download(client, admin):
    person = await make_person("Wati", preferred_locale="en")
    other = await make_person("Orang Lain")
    await _named_response(admin, person, other)
    token = await reissue_personal_links(None, person)

    data = (await client.get(f"/my/{token}/data.json")).json()
    [response] = data["survey_responses"]
    assert response["survey"] == "Survei Awal"
    assert {(a["question"], a["text"]) for a in response["answers"]} == {
        ("Tinggal di RW mana?", "rw01"),
        ("Cerita Anda", "Saya Wati dari gang mawar"),
    }
    assert data["profile"]["display_name"] == "Wati" and data["links"][0]["kind"] == "participant_page"

    rows = list(csv.reader(io.StringIO((await client.get(f"/my/{token}/data.csv")).text)))
    assert any(row[0] == "survey_responses" and "Saya Wati dari gang mawar" in row[3] for row in rows)
    assert not any("Cerita orang lain" in cell for row in rows for cell in row)


async def test_erasure_anonymises_named_survey_responses_and_keeps_the_counts(admin):
    person = await make_person("Wati")
    other = await make_person("Orang Lain")
    survey = await _named_response(admin, person, other)
    codes = await question_ids(survey)

    await erase_participant(admin, person)

    assert await Response.count().where(Response.survey == survey["id"]).run() == 2  # results still add up
    assert await Response.count().where(Response.participant == person).run() == 0
    texts = [
        row["value_text"]
        for row in await Answer.select(Answer.value_text).where(Answer.question == codes["note"]).run()
    ]
    assert texts == ["Cerita orang lain"]  # the erased person's written answer is gone, the other's stays
    assert await Answer.count().where(Answer.question == codes["rw"]).run() == 2
    assert (await everything.download(person))["survey_responses"] == []


async def test_the_download_has_one_section_per_registry_entry(db):
    person = await make_person("Wati")
    data = await everything.download(person)
    assert list(data) == [entry.name for entry in personal_data.entries()]
