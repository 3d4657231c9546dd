"""Bilingual surveys: a survey's first (primary) and second language, its texts and questions in the respondent's
language with the primary text where a translation is missing, and the translations the builder keeps.

The primary language lives in the ordinary columns (Survey.title, Question.text, option labels…), which results,
CSV exports and codebooks read, so they stay in one language whatever people answered in. The second language lives
in each row's `translations` JSON, keyed by language: a survey made before translations existed simply has none."""

from __future__ import annotations

from typing import Any

SURVEY_FIELDS = ("title", "intro", "consent_text")
QUESTION_FIELDS = ("text", "help")


def survey_languages(survey: dict[str, Any]) -> list[str]:
    return [language for language in (survey.get("languages") or "").split(",") if language]


def primary_language(survey: dict[str, Any]) -> str:
    languages = survey_languages(survey)
    return languages[0] if languages else ""


def second_language(survey: dict[str, Any]) -> str | None:
    """The language a bilingual survey's translations are entered in; None for a survey in one language."""
    languages = survey_languages(survey)
    return languages[1] if len(languages) > 1 else None


def _entry(row: dict[str, Any], language: str | None) -> dict[str, Any]:
    translations = row.get("translations")
    if not language or not isinstance(translations, dict):
        return {}
    entry = translations.get(language)
    return entry if isinstance(entry, dict) else {}


def survey_in(survey: dict[str, Any], language: str) -> dict[str, Any]:
    """The survey with its title, introduction and consent text in `language` where translated (only in a language
    the survey offers: a survey switched to one language keeps its old translations unused)."""
    if language not in survey_languages(survey):
        return survey
    entry = _entry(survey, language)
    shown = dict(survey)
    for field in SURVEY_FIELDS:
        if entry.get(field):
            shown[field] = entry[field]
    return shown


def question_in(question: dict[str, Any], language: str | None) -> dict[str, Any]:
    """The question row with its text, help and option labels in `language` where translated (values unchanged,
    so answers are stored the same whatever the language)."""
    entry = _entry(question, language)
    if not entry:
        return question
    for field in QUESTION_FIELDS:
        if entry.get(field):
            question[field] = entry[field]
    labels = entry.get("options")
    if isinstance(labels, dict) and isinstance(question.get("options"), list):
        question["options"] = [
            {**option, "label": labels.get(option["value"]) or option["label"]} for option in question["options"]
        ]
    return question


def translation_of(row: dict[str, Any], language: str | None) -> dict[str, Any]:
    """The stored translation of a survey or question in `language` ({} when none)."""
    return dict(_entry(row, language))


def untranslated(question: dict[str, Any], language: str | None) -> list[str]:
    """Which parts of a question still lack a `language` version: "text", "help" (when the question has help) and
    "options" (when any option has no translated label). The builder marks them; respondents see the primary text."""
    if not language:
        return []
    entry = _entry(question, language)
    missing = []
    if not entry.get("text"):
        missing.append("text")
    if question.get("help") and not entry.get("help"):
        missing.append("help")
    labels = entry.get("options")
    if not isinstance(labels, dict):
        labels = {}
    if any(not labels.get(option["value"]) for option in question.get("options") or []):
        missing.append("options")
    return missing


def question_translation(values: dict[str, Any], options: list[dict[str, str]]) -> dict[str, Any]:
    """The translation to keep from the builder's cleaned values: empty parts left out, option labels kept only for
    options the question still has."""
    labels = values.get("translation_options") or {}
    kept = {option["value"]: labels[option["value"]] for option in options if labels.get(option["value"])}
    entry: dict[str, Any] = {}
    if values.get("translation_text"):
        entry["text"] = values["translation_text"]
    if values.get("translation_help"):
        entry["help"] = values["translation_help"]
    if kept:
        entry["options"] = kept
    return entry


def with_translation(current: Any, language: str | None, entry: dict[str, Any]) -> dict[str, Any]:
    """The translations column after replacing one language's entry; other languages are kept untouched."""
    translations = dict(current) if isinstance(current, dict) else {}
    if language is None:
        return translations
    if entry:
        translations[language] = entry
    else:
        translations.pop(language, None)
    return translations


def survey_translation(values: dict[str, Any]) -> dict[str, str]:
    """The survey texts in the second language from the settings form's cleaned values, empty ones left out."""
    return {field: values[f"{field}_translation"] for field in SURVEY_FIELDS if values.get(f"{field}_translation")}
