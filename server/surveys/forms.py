"""Input parsing for surveys: the survey and question forms, results filters, and the answering form built from a
survey's questions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from server.i18n import N_
from server.i18n import gettext as _
from server.surveys.kinds import NAMES as KINDS
from server.surveys.kinds import kind_of
from server.surveys.services.languages import SURVEY_FIELDS, translation_of
from server.surveys.services.questionnaires import LANGUAGE_CHOICES, PURPOSES
from server.surveys.services.questions import option_value
from server.surveys.templates_data import TEMPLATES
from server.web.forms import Checkbox, Choice, Date, Decimal, Form, Id, Invalid, LongText, Text, _getall, parse_id

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SurveyForm(Form):
    fields = {
        "title": Text(required=True, max_length=200),
        "purpose": Choice(required=True, choices=PURPOSES),
        "program": Id(),
        "intro": LongText(max_length=5000),
        "consent_text": LongText(required=True, max_length=5000),
        "opens_on": Date(),
        "closes_on": Date(),
        "languages": Choice(required=True, choices=LANGUAGE_CHOICES),
        "anonymous": Checkbox(),
        # A bilingual survey's texts in its second language; optional, respondents see the first language instead.
        "title_translation": Text(max_length=200),
        "intro_translation": LongText(max_length=5000),
        "consent_text_translation": LongText(max_length=5000),
    }

    @staticmethod
    def translation_initial(survey: dict[str, Any], language: str | None) -> dict[str, str]:
        entry = translation_of(survey, language)
        return {f"{field}_translation": entry.get(field, "") for field in SURVEY_FIELDS}

    def clean(self) -> None:
        opens, closes = self["opens_on"], self["closes_on"]
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The survey must close after it opens."))


class TemplateForm(Form):
    fields = {
        "template": Choice(required=True, choices=tuple(TEMPLATES)),
        "program": Id(),
        "languages": Choice(required=True, choices=LANGUAGE_CHOICES),
    }


class PublishForm(Form):
    fields = {"published": Checkbox()}


class MoveForm(Form):
    fields = {"direction": Choice(required=True, choices=("up", "down"))}


def parse_options(text: str) -> list[dict[str, str]]:
    """One option per line, "value | label" or just "label" (a value is made from the label).
    Existing options are shown as "value | label", so rewording a label keeps its stored value."""
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        value, _sep, label = line.partition("|") if "|" in line else ("", "", line)
        value, label = value.strip(), label.strip()
        if not label:
            raise Invalid(_("Each option needs a label after the |."))
        if len(label) > 200:
            raise Invalid(_("An option may have at most %(n)s characters.", n=200))
        lines.append((option_value(value, set()) if value else "", label))
    taken = {value for value, _label in lines if value}
    options = []
    for value, label in lines:
        if not value:
            value = option_value(label, taken)
            taken.add(value)
        options.append({"value": value, "label": label})
    return options


def options_text(options: list[dict[str, str]]) -> str:
    return "\n".join(f"{option['value']} | {option['label']}" for option in options)


def parse_translated_options(text: str, options: list[dict[str, str]]) -> dict[str, str]:
    """The options' labels in the second language, one per line: "value | label" names the option, a plain label
    belongs to the option on the same line of the options list. A line with no label leaves that option
    untranslated (respondents see its first-language label)."""
    labels: dict[str, str] = {}
    values = [option["value"] for option in options]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if "|" in line:
            value, _sep, label = (part.strip() for part in line.partition("|"))
        else:
            value, label = (values[index] if index < len(values) else ""), line
        if value not in values:
            if "|" in line:
                raise Invalid(_("No option has the value “%(value)s”.", value=value))
            raise Invalid(_("There are more translated options than options."))
        if len(label) > 200:
            raise Invalid(_("An option may have at most %(n)s characters.", n=200))
        if label:
            labels[value] = label
    return labels


class QuestionForm(Form):
    fields = {
        "kind": Choice(required=True, choices=KINDS),
        "text": LongText(required=True, max_length=1000),
        "help": Text(max_length=1000),
        "required": Checkbox(),
        "options": LongText(max_length=5000),
        "min_value": Decimal(),
        "max_value": Decimal(),
        "code": Text(
            max_length=60,
            pattern=CODE_RE,
            pattern_message=N_("Use lowercase letters, digits and underscores, starting with a letter."),
        ),
        # "question id:option value" of an earlier single-choice question, chosen from one list.
        "show_if": Text(max_length=260),
        # In a bilingual survey, the question in its second language (each part optional, see services/languages).
        "translation_text": LongText(max_length=1000),
        "translation_help": Text(max_length=1000),
        "translation_options": LongText(max_length=5000),
    }

    @classmethod
    def for_question(cls, question: dict[str, Any], language: str | None = None) -> QuestionForm:
        """The edit form of a question; `language` is the survey's second language, when it has one."""
        initial = {key: question[key] for key in ("kind", "text", "help", "required", "min_value", "max_value", "code")}
        initial["options"] = options_text(question["options"])
        initial["show_if"] = (
            f"{question['show_if_question']}:{question['show_if_value']}" if question["show_if_question"] else ""
        )
        entry = translation_of(question, language)
        labels = entry.get("options") or {}
        initial["translation_text"] = entry.get("text", "")
        initial["translation_help"] = entry.get("help", "")
        # Every option is listed, untranslated ones with an empty label to fill in.
        initial["translation_options"] = "\n".join(
            f"{option['value']} | {labels.get(option['value'], '')}" for option in question["options"]
        )
        return cls(initial=initial)

    def clean(self) -> None:
        try:
            self.cleaned["options"] = parse_options(self["options"] or "")
        except Invalid as error:
            self.add_error("options", str(error))
        else:
            try:
                self.cleaned["translation_options"] = parse_translated_options(
                    self["translation_options"] or "", self.cleaned["options"]
                )
            except Invalid as error:
                self.add_error("translation_options", str(error))
        trigger, _sep, value = (self["show_if"] or "").partition(":")
        if self["show_if"] and not (parse_id(trigger) and value):
            self.add_error("show_if", _("Choose one of the options."))
            return
        self.cleaned["show_if_question"] = parse_id(trigger) if trigger else None
        self.cleaned["show_if_value"] = value


class ConsentForm(Form):
    fields = {"agree": Checkbox(), "decision": Choice(choices=("agree", "decline"))}


class EntryForm(Form):
    """The extra fields of facilitator data entry: who answered (named surveys), the program, and paper consent."""

    fields = {
        "participant": Id(),
        "program": Id(),
        "paper_consent": Checkbox(),
        "then": Choice(choices=("done", "another")),
    }

    def clean(self) -> None:
        if not self["paper_consent"]:
            self.add_error("paper_consent", _("Confirm that the person agreed to the consent text on the paper form."))


class ResultsFilter(Form):
    fields = {
        "date_from": Date(),
        "date_to": Date(),
        "program": Id(),
        "by": Id(),
    }

    def clean(self) -> None:
        if self["date_from"] and self["date_to"] and self["date_to"] < self["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))


class CompareFilter(Form):
    fields = {"program": Id(), "pre": Id(), "post": Id()}


class AnswerForm(Form):
    """The answering form of one survey. Questions are checked in order, so that a question hidden by its
    condition is skipped entirely: its answer is neither required nor stored, whatever the browser sent."""

    def __init__(self, questions: list[dict[str, Any]], data: Mapping[str, Any] | None = None) -> None:
        super().__init__(data)
        self.questions = questions
        self.answers: list[tuple[int, str, float | None]] = []

    def selected(self, name: str) -> list[str]:
        return [str(value) for value in _getall(self.data, name)] if self.data is not None else []

    def is_valid(self) -> bool:
        if self.data is None:
            return False
        if self._validated:
            return not self.errors
        self._validated = True
        # The answer each question that can show or hide others got, for the conditions of later questions.
        singles: dict[int, str] = {}
        for question in self.questions:
            condition = question.get("condition")
            if condition and singles.get(condition["question"]) != condition["value"]:
                continue
            name = f"q{question['id']}"
            kind = kind_of(question["kind"])
            if not kind.answerable:
                continue
            try:
                found = kind.parse(question, self, name)
            except Invalid as error:
                self.errors[name] = str(error)
                continue
            if not found and question["required"]:
                self.errors[name] = _("Please answer this question.")
                continue
            if kind.partitions and found:
                singles[question["id"]] = found[0][1]
            self.answers.extend(found)
        return not self.errors

    def text(self, name: str) -> str:
        value = self.data.get(name) if self.data is not None else None
        # Control characters (a NUL byte above all, which PostgreSQL refuses in text) never belong in an answer.
        return CONTROL_RE.sub("", value).strip() if isinstance(value, str) else ""
