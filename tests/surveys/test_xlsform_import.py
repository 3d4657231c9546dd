"""Importing XLSForms (KoBoToolbox/ODK) as surveys: kinds, labels in Indonesian and English, conditions, and the
report of what was not imported; bad files are refused with nothing saved."""

import io
import zipfile

import pytest
from openpyxl import Workbook
from xlsform_files import EXAMPLE, xlsx

from server.errors import DomainError
from server.i18n import gettext
from server.surveys import services as surveys
from server.surveys.tables import Question, Survey
from server.surveys.xlsform.importing import import_survey
from server.surveys.xlsform.reading import read_xlsform

VALUES = {"purpose": "needs_assessment", "program": None, "anonymous": True}
ID, EN = "label::Indonesian (id)", "label::English (en)"


async def _import(actor, content: bytes, name: str = "form.xlsx"):
    survey_id, notes = await import_survey(actor, read_xlsform(content), name, VALUES)
    survey = await surveys.get_survey(survey_id)
    questions = {q["code"]: q for q in await surveys.list_questions(survey_id)}
    return survey, questions, {note.name: gettext(note.message, **note.params) for note in notes}


async def test_example_needs_assessment_imports_in_indonesian_and_english(organizer):
    survey, questions, notes = await _import(organizer, EXAMPLE.read_bytes(), EXAMPLE.name)
    assert survey["title"] == "Kajian Kebutuhan Warga"
    assert survey["languages"] == "id,en"
    assert survey["published"] is False
    assert list(questions) == [
        "intro_note",
        "rw",
        "household_size",
        "arrival_date",
        "needs_now",
        "priorities",
        "has_income",
        "monthly_income",
        "support_type",
        "comments",
    ]
    kinds = {code: q["kind"] for code, q in questions.items()}
    assert kinds["rw"] == "single" and kinds["needs_now"] == "multiple" and kinds["priorities"] == "ranking"
    assert kinds["household_size"] == kinds["monthly_income"] == "number"
    assert kinds["comments"] == "long_text"
    assert kinds["intro_note"] == "note" and kinds["arrival_date"] == "date"
    note = questions["intro_note"]
    assert note["text"] == "Survei ini tentang kebutuhan warga."
    assert note["translations"]["en"]["text"] == "This survey is about residents' needs."
    assert note["required"] is False and note["number"] is None
    assert questions["arrival_date"]["translations"]["en"]["text"] == "Since when have you lived here?"
    size = questions["household_size"]
    assert (size["min_value"], size["max_value"], size["required"]) == (1, 30, True)
    assert size["text"] == "Berapa orang tinggal di rumah Anda?"
    assert size["help"] == "Termasuk Anda sendiri."
    assert size["translations"]["en"] == {
        "text": "How many people live in your household?",
        "help": "Including yourself.",
    }
    needs = questions["needs_now"]
    assert (needs["options"][0]["value"], needs["options"][0]["label"]) == ("water", "Air bersih")
    assert needs["translations"]["en"]["options"]["water"] == "Clean water"
    income = questions["monthly_income"]
    assert income["show_if_question"] == questions["has_income"]["id"]
    assert income["show_if_value"] == "yes"
    # Each left-out row is reported with its reason.
    assert set(notes) >= {"start", "end", "today", "support_type", "location"}
    assert "intro_note" not in notes and "arrival_date" not in notes
    assert "${household_size} > 4" in notes["support_type"]
    assert questions["support_type"]["show_if_question"] is None
    assert "geopoint" in notes["location"]


async def test_the_report_is_kept_with_the_survey_and_shown_in_the_readers_language(organizer):
    from server.surveys.xlsform.importing import import_report

    survey, _questions, _notes = await _import(organizer, EXAMPLE.read_bytes(), EXAMPLE.name)
    report = import_report(survey)
    assert report["file"] == EXAMPLE.name
    rows = {note["name"]: note for note in report["notes"]}
    assert rows["location"]["row"] > 9
    assert "geopoint" in rows["location"]["reason"]


async def test_kobo_form_with_plain_and_english_labels_groups_and_selected_conditions(organizer):
    content = xlsx(
        [
            ["type", "name", "label", "label::English (en)", "hint", "required", "relevant"],
            ["begin_group", "g1", "Bagian 1", "Part 1", "", "", ""],
            ["select_one yn", "Punya_KTP", "Punya KTP?", "Have an ID card?", "", "TRUE", ""],
            ["end_group", "", "", "", "", "", ""],
            ["begin_group", "g2", "Bagian 2", "Part 2", "", "", "selected(${Punya_KTP}, 'no')"],
            ["text", "why", "Kenapa?", "Why?", "Singkat saja", "", "${Punya_KTP} = 'no'"],
            ["select_multiple docs or_other", "docs", "Dokumen apa?", "Which documents?", "", "", ""],
            ["end_group", "", "", "", "", "", ""],
            ["begin_repeat", "members", "Anggota", "Members", "", "", ""],
            ["text", "member_name", "Nama", "Name", "", "", ""],
            ["end_repeat", "", "", "", "", "", ""],
            ["calculate", "total", "", "", "", "", ""],
            ["acknowledge", "ok", "Setuju", "Agree", "", "", ""],
        ],
        [
            ["list_name", "name", "label", "label::English (en)"],
            ["yn", "yes", "Ya", "Yes"],
            ["yn", "no", "Tidak", "No"],
            ["docs", "kk", "Kartu Keluarga", "Family card"],
            ["docs", "akta", "Akta lahir", "Birth certificate"],
        ],
        [["form_title", "form_id"], ["Survei Dokumen", "dokumen"]],
    )
    survey, questions, notes = await _import(organizer, content)
    assert survey["title"] == "Survei Dokumen" and survey["languages"] == "id,en"
    assert list(questions) == ["punya_ktp", "why", "docs"]
    ktp = questions["punya_ktp"]
    assert ktp["required"] is True and ktp["translations"]["en"]["text"] == "Have an ID card?"
    # The group's selected() condition reaches the questions inside it.
    docs = questions["docs"]
    assert (docs["show_if_question"], docs["show_if_value"]) == (ktp["id"], "no")
    assert docs["help"] == ""
    assert questions["why"]["help"] == "Singkat saja"
    assert questions["why"]["show_if_question"] is None  # two conditions (group and own) cannot be one
    assert "Punya_KTP" in notes and "punya_ktp" in notes["Punya_KTP"]
    assert "other" in notes["docs"]
    assert "Gotong keeps one" in notes["why"]
    assert "Repeated" in notes["members"] and "repeated" in notes["member_name"]
    assert "calculate" in notes["total"] and "acknowledge" in notes["ok"]


async def test_rows_with_formulas_are_reported_and_never_evaluated(organizer):
    content = xlsx(
        [
            ["type", "name", "label"],
            ["text", "name", "Nama"],
            ["text", "evil", '=HYPERLINK("http://example.com","x")'],
        ]
    )
    _survey, questions, notes = await _import(organizer, content)
    assert list(questions) == ["name"]
    assert "formula" in notes["evil"]


async def test_a_question_gotong_refuses_is_reported_and_the_rest_imported(organizer):
    content = xlsx(
        [["type", "name", "label"], ["select_one one", "lonely", "Satu pilihan?"], ["integer", "age", "Umur"]],
        [["list_name", "name", "label"], ["one", "only", "Hanya ini"]],
    )
    _survey, questions, notes = await _import(organizer, content)
    assert list(questions) == ["age"]
    assert "between 2 and" in notes["lonely"]


async def test_a_form_with_only_plain_english_labels_makes_an_english_survey(organizer):
    content = xlsx(
        [["type", "name", "label"], ["text", "name", "Your name"]],
        None,
        [["form_title", "default_language"], ["Names", "English (en)"]],
    )
    survey, questions, _notes = await _import(organizer, content)
    assert survey["languages"] == "en"
    assert questions["name"]["text"] == "Your name"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"type,name,label\ntext,name,Name\n", "not an Excel workbook"),
        (b"PK\x03\x04 not really a zip", "not an Excel workbook"),
        (
            xlsx([["type", "name", "label"], ["select_one missing", "q", "Q?"]], [["list_name", "name", "label"]]),
            "missing",
        ),
        (b"PK" + b"\0" * (2 * 1024 * 1024 + 10), "larger than"),
    ],
)
async def test_bad_files_are_refused_with_nothing_saved(organizer, content, words):
    before = await Survey.count().run()
    with pytest.raises(DomainError) as refused:
        read_xlsform(content)
        await import_survey(organizer, read_xlsform(content), "bad.xlsx", VALUES)
    assert refused.value.field == "file"
    assert words in refused.value.translated()
    assert await Survey.count().run() == before
    assert await Question.count().run() == 0


async def test_a_workbook_that_unpacks_to_too_much_is_refused_before_reading():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"a" * (41 * 1024 * 1024) + b"</sst>")
    assert len(output.getvalue()) < 1024 * 1024
    with pytest.raises(DomainError) as refused:
        read_xlsform(output.getvalue())
    assert "unpacks to more than 40 MB" in refused.value.translated()


async def test_a_workbook_without_a_survey_sheet_is_not_an_xlsform(organizer):
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    workbook.active.append(["type", "name", "label"])
    output = io.BytesIO()
    workbook.save(output)
    with pytest.raises(DomainError) as refused:
        read_xlsform(output.getvalue())
    assert "no “survey” sheet" in refused.value.translated()


async def test_a_form_with_nothing_gotong_can_take_saves_nothing(organizer):
    content = xlsx([["type", "name", "label"], ["geopoint", "where", "Di mana?"]])
    with pytest.raises(DomainError) as refused:
        await import_survey(organizer, read_xlsform(content), "geo.xlsx", VALUES)
    assert refused.value.field == "file"
    assert await Survey.count().run() == 0
