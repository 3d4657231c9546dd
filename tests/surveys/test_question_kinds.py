"""The question-kind registry: every kind brings its own parsing, results, export and Jinja macros, and the
shared code asks the kind instead of naming kinds."""

import pytest

from server.surveys.kinds import KINDS, NAMES, kind_of
from server.web.forms import Invalid
from server.web.labels import LABELS
from server.web.templating import make_environment


class FakeForm:
    def __init__(self, data):
        self.data = data

    def text(self, name):
        return str(self.data.get(name, "")).strip()

    def selected(self, name):
        value = self.data.get(name, [])
        return value if isinstance(value, list) else [value]


def question(kind, **extra):
    row = {
        "id": 7,
        "kind": kind,
        "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        "min_value": None,
        "max_value": None,
    }
    row.update(extra)
    row["choices"] = kind_of(kind).choices(row)
    return row


def test_builder_offers_every_registered_kind_in_registry_order():
    assert [value for value, _label in LABELS.choices("question_kind")] == list(NAMES)
    assert NAMES == (
        "single",
        "multiple",
        "likert",
        "rating",
        "number",
        "short_text",
        "long_text",
        "ranking",
        "date",
        "note",
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_kind_has_its_answer_card_and_result_macros(name):
    module = make_environment().get_template(f"surveys/kinds/{name}.html").module
    for macro in ("answer", "card", "result"):
        assert callable(getattr(module, macro, None)), f"{name}.html lacks {macro}"


@pytest.mark.parametrize("name", NAMES)
def test_a_skipped_question_stores_nothing_whatever_its_kind(name):
    assert KINDS[name].parse(question(name), FakeForm({}), "q7") == []


def test_only_single_choice_can_show_or_hide_later_questions():
    assert [name for name, kind in KINDS.items() if kind.partitions] == ["single"]


def test_each_kind_parses_its_own_answer_shape():
    assert kind_of("single").parse(question("single"), FakeForm({"q7": "b"}), "q7") == [(7, "b", None)]
    assert kind_of("multiple").parse(question("multiple"), FakeForm({"q7": ["b", "a"]}), "q7") == [
        (7, "a", None),
        (7, "b", None),
    ]
    assert kind_of("likert").parse(question("likert"), FakeForm({"q7": "4"}), "q7") == [(7, "", 4.0)]
    assert kind_of("rating").parse(question("rating"), FakeForm({"q7": "0"}), "q7") == [(7, "", 0.0)]
    assert kind_of("number").parse(question("number"), FakeForm({"q7": "2.5"}), "q7") == [(7, "", 2.5)]
    assert kind_of("ranking").parse(question("ranking"), FakeForm({"q7-a": "2", "q7-b": "1"}), "q7") == [
        (7, "b", 1.0),
        (7, "a", 2.0),
    ]
    with pytest.raises(Invalid):
        kind_of("number").parse(question("number", min_value=3.0), FakeForm({"q7": "2"}), "q7")


def test_each_kind_writes_its_export_cell():
    assert kind_of("multiple").export_cell([("a", None), ("b", None)]) == "a;b"
    assert kind_of("ranking").export_cell([("b", 2.0), ("a", 1.0)]) == "a>b"
    assert kind_of("likert").export_cell([("", 4.0)]) == "4"
    assert kind_of("long_text").export_cell([("hello", None)]) == "hello"
    assert kind_of("rating").codebook_values(question("rating")) == "0 – 10"
