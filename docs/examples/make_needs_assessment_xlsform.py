"""Writes needs_assessment_xlsform.xlsx beside this script: a community needs assessment as an XLSForm, shaped as
KoBoToolbox exports them (metadata rows, groups, Indonesian and English labels, a condition), for trying
/surveys/import. Run: .venv/bin/python docs/examples/make_needs_assessment_xlsform.py"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

ID, EN = "label::Indonesian (id)", "label::English (en)"
HID, HEN = "hint::Indonesian (id)", "hint::English (en)"

SURVEY = [
    ["type", "name", ID, EN, HID, HEN, "required", "relevant", "appearance", "constraint"],
    ["start", "start", "", "", "", "", "", "", "", ""],
    ["end", "end", "", "", "", "", "", "", "", ""],
    ["today", "today", "", "", "", "", "", "", "", ""],
    [
        "note",
        "intro_note",
        "Survei ini tentang kebutuhan warga.",
        "This survey is about residents' needs.",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    ["begin_group", "household", "Rumah tangga", "Household", "", "", "", "", "field-list", ""],
    [
        "select_one rw",
        "rw",
        "Di RW mana Anda tinggal?",
        "Which neighbourhood (RW) do you live in?",
        "",
        "",
        "yes",
        "",
        "",
        "",
    ],
    [
        "integer",
        "household_size",
        "Berapa orang tinggal di rumah Anda?",
        "How many people live in your household?",
        "Termasuk Anda sendiri.",
        "Including yourself.",
        "yes",
        "",
        "",
        ". >= 1 and . <= 30",
    ],
    [
        "date",
        "arrival_date",
        "Sejak kapan Anda tinggal di sini?",
        "Since when have you lived here?",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    ["end_group", "", "", "", "", "", "", "", "", ""],
    ["begin_group", "needs", "Kebutuhan", "Needs", "", "", "", "", "", ""],
    [
        "select_multiple needs",
        "needs_now",
        "Apa yang paling dibutuhkan keluarga Anda sekarang?",
        "What does your family need most now?",
        "Pilih semua yang sesuai.",
        "Choose all that apply.",
        "yes",
        "",
        "",
        "",
    ],
    [
        "rank priorities",
        "priorities",
        "Urutkan prioritas ini untuk kampung Anda.",
        "Rank these priorities for your community.",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "select_one yes_no",
        "has_income",
        "Apakah ada anggota keluarga yang berpenghasilan tetap?",
        "Does anyone in your family have a regular income?",
        "",
        "",
        "yes",
        "",
        "",
        "",
    ],
    [
        "decimal",
        "monthly_income",
        "Berapa penghasilan keluarga per bulan (juta rupiah)?",
        "What is the family's monthly income (million rupiah)?",
        "",
        "",
        "",
        "${has_income} = 'yes'",
        "",
        "",
    ],
    [
        "select_one support",
        "support_type",
        "Bantuan apa yang pernah Anda terima?",
        "What support have you received?",
        "",
        "",
        "",
        "${household_size} > 4",
        "",
        "",
    ],
    ["end_group", "", "", "", "", "", "", "", "", ""],
    [
        "text",
        "comments",
        "Ada hal lain yang ingin Anda sampaikan?",
        "Anything else you would like to tell us?",
        "",
        "",
        "",
        "",
        "multiline",
        "",
    ],
    ["geopoint", "location", "Lokasi rumah", "Location of the house", "", "", "", "", "", ""],
]

CHOICES = [
    ["list_name", "name", ID, EN],
    ["rw", "rw01", "RW 01", "RW 01"],
    ["rw", "rw02", "RW 02", "RW 02"],
    ["rw", "rw03", "RW 03", "RW 03"],
    ["needs", "water", "Air bersih", "Clean water"],
    ["needs", "health", "Layanan kesehatan", "Health care"],
    ["needs", "school", "Biaya sekolah", "School costs"],
    ["needs", "work", "Pekerjaan", "Work"],
    ["priorities", "roads", "Jalan kampung", "Village roads"],
    ["priorities", "drainage", "Saluran air", "Drainage"],
    ["priorities", "lighting", "Penerangan jalan", "Street lighting"],
    ["yes_no", "yes", "Ya", "Yes"],
    ["yes_no", "no", "Tidak", "No"],
    ["support", "food", "Sembako", "Food parcels"],
    ["support", "cash", "Bantuan tunai", "Cash transfer"],
    ["support", "none", "Belum pernah", "None yet"],
]

SETTINGS = [
    ["form_title", "form_id", "default_language", "version"],
    ["Kajian Kebutuhan Warga", "kajian_kebutuhan_warga", "Indonesian (id)", "2026113001"],
]


def build() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "survey"
    for row in SURVEY:
        sheet.append(row)
    choices = workbook.create_sheet("choices")
    for row in CHOICES:
        choices.append(row)
    settings = workbook.create_sheet("settings")
    for row in SETTINGS:
        settings.append(row)
    return workbook


if __name__ == "__main__":
    build().save(Path(__file__).with_name("needs_assessment_xlsform.xlsx"))
