"""The shared form fields: control characters, whole numbers and ids are checked once, for every form."""

import pytest

from server.web.forms import MAX_ID, Form, Id, IdList, Integer, LongText, Text, Url, parse_id


class Sample(Form):
    fields = {
        "title": Text(max_length=200),
        "notes": LongText(),
        "link": Url(),
        "count": Integer(),
        "owner": Id(),
        "people": IdList(),
    }


def _errors(**data):
    form = Sample(data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    "value", ["a\nb", "a\r\nb", "a\rb", "a\tb", "a\x00b", "a\x1bb", "a\x7fb", "a\x85b", "a\u2028b"]
)
def test_single_line_text_refuses_line_breaks_tabs_and_control_characters(value):
    form = _errors(title=value)
    assert form.errors["title"] == "Use a single line without tabs or invisible control characters."


def test_surrounding_whitespace_is_trimmed_not_refused():
    form = _errors(title="  Kelas Menjahit\r\n")
    assert form.is_valid() and form["title"] == "Kelas Menjahit"


def test_multi_line_text_keeps_line_breaks_and_tabs_but_refuses_other_controls():
    assert _errors(notes="baris satu\r\nbaris\tdua").is_valid()
    for value in ("a\x00b", "a\x08b", "a\x1bb", "a\x9bb"):
        assert _errors(notes=value).errors["notes"] == "Remove the invisible control characters from this text."


@pytest.mark.parametrize(
    "value", ["https://meet.example.org/a b", "https://meet.example.org/a\nb", "https://meet.example.org/a\u00a0b"]
)
def test_links_refuse_whitespace_inside(value):
    assert "link" in _errors(link=value).errors


@pytest.mark.parametrize("value", ["1_000", "١٢", "99999999999999", "2147483648", "-2147483649", "1.5", "²"])
def test_whole_numbers_are_ascii_digits_that_fit_a_database_integer(value):
    assert "count" in _errors(count=value).errors


def test_whole_numbers_in_range_are_accepted():
    assert _errors(count="-12").cleaned["count"] == -12
    assert _errors(count=str(MAX_ID)).cleaned["count"] == MAX_ID


@pytest.mark.parametrize(
    "value", ["\x00", "0", "-1", "+1", "1 2", "99999999999999999999", str(MAX_ID + 1), "١٢", "²", "abc"]
)
def test_ids_outside_one_to_two_to_the_31_are_refused(value):
    assert _errors(owner=value).errors["owner"] == "Choose one of the options."
    assert _errors(people=["1", value]).errors["people"] == "Choose one of the options."


def test_id_lists_drop_duplicates_and_empty_entries():
    form = _errors(people=["3", "", "3", str(MAX_ID)])
    assert form.is_valid() and form["people"] == [3, MAX_ID]


def test_parse_id_answers_none_for_anything_but_a_valid_id():
    assert parse_id("42") == 42 and parse_id(42) == 42
    for value in (None, "", "0", "-5", "٣", "²", "1e3", str(MAX_ID + 1), True, 0, MAX_ID + 1):
        assert parse_id(value) is None
