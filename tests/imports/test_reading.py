"""Reading uploaded files: encodings, delimiters, formulas, empty rows and the limits, each with a clear refusal."""

import time

import pytest
from import_files import HEADER, csv_bytes, rows, xlsx_bytes

from server.errors import DomainError
from server.imports.mapping import guess_all
from server.imports.reading import FORMULA, MAX_ROWS, read_sheet

LIMIT = 5 * 1024 * 1024


def test_csv_in_utf8_with_or_without_bom_and_either_delimiter_reads_the_same():
    body = rows(3)
    body[0][0] = "Ñoño Ãgustina"
    plain = read_sheet("a.csv", csv_bytes(body), LIMIT)
    for content in (csv_bytes(body, bom=True), csv_bytes(body, delimiter=";")):
        sheet = read_sheet("a.csv", content, LIMIT)
        assert sheet.headers == plain.headers == HEADER
        assert sheet.rows == plain.rows
    assert plain.rows[0][1][0] == "Ñoño Ãgustina"


def test_a_file_not_in_utf8_is_refused_with_the_way_to_save_it():
    content = csv_bytes(rows(2)).decode().replace("Peserta 1", "Añita").encode("cp1252")
    with pytest.raises(DomainError) as refused:
        read_sheet("a.csv", content, LIMIT)
    assert refused.value.field == "file" and "CSV UTF-8" in refused.value.translated()
    with pytest.raises(DomainError):
        read_sheet("a.csv", "Nama\r\nAni\r\n".encode("utf-16"), LIMIT)


def test_a_file_over_the_size_setting_is_refused_before_it_is_read():
    with pytest.raises(DomainError) as refused:
        read_sheet("a.csv", b"Nama\n" + b"x" * 2000, 1000)
    assert refused.value.code == "file_too_large"


def test_empty_rows_are_skipped_and_counted():
    body = [rows(1)[0], [""] * len(HEADER), rows(1, start=2)[0], [" "] * 3]
    sheet = read_sheet("a.csv", csv_bytes(body), LIMIT)
    assert [number for number, _ in sheet.rows] == [2, 4]
    assert sheet.skipped_empty == 2


def test_xlsx_values_are_read_and_formulas_never_computed():
    body = [rows(1)[0], ['=HYPERLINK("http://evil", "x")', "", "", "", "", "", "", ""], rows(1, start=3)[0]]
    body[2][2] = 81270000003  # a phone typed as a number
    sheet = read_sheet("a.xlsx", xlsx_bytes(body), LIMIT)
    assert sheet.headers == HEADER
    assert sheet.rows[0][1][0] == "Peserta 1"
    assert sheet.rows[1][1][0] is FORMULA
    assert sheet.rows[2][1][2] == "81270000003"


def test_a_csv_cell_written_as_a_formula_is_not_a_value():
    sheet = read_sheet("a.csv", csv_bytes([person_with_formula()]), LIMIT)
    assert sheet.rows[0][1][0] is FORMULA


def person_with_formula():
    line = rows(1)[0]
    line[0] = "=1+1"
    return line


def test_a_broken_or_old_workbook_is_refused_in_words():
    for name, content in (("a.xlsx", b"PK\x03\x04not a zip"), ("a.xlsx", b"hello"), ("a.xls", b"\xd0\xcf\x11\xe0")):
        with pytest.raises(DomainError) as refused:
            read_sheet(name, content, LIMIT)
        assert refused.value.field == "file"
    with pytest.raises(DomainError):
        read_sheet("a.pdf", b"%PDF", LIMIT)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_ten_thousand_rows_are_refused_quickly_with_the_limit(kind):
    body = rows(10_000)
    content = csv_bytes(body) if kind == "csv" else xlsx_bytes(body)
    started = time.monotonic()
    with pytest.raises(DomainError) as refused:
        read_sheet(f"a.{kind}", content, 50 * 1024 * 1024)
    assert time.monotonic() - started < 10
    assert refused.value.code == "too_many_rows" and f"{MAX_ROWS:,}" in refused.value.translated()


def test_headers_in_indonesian_or_english_are_guessed():
    assert guess_all(HEADER) == [
        "display_name",
        "legal_name",
        "phone",
        "email",
        "preferred_locale",
        "area",
        "consent_participation",
        "consent_contact",
    ]
    assert guess_all(["Name", "Full name", "Phone", "E-mail", "Language", "Consent: data", "Notes", "Nama"]) == [
        "display_name",
        "legal_name",
        "phone",
        "email",
        "preferred_locale",
        "consent_data_collection",
        "",
        "",
    ]
