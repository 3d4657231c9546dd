"""A survey's default consent text is read in the respondent's language, whichever language the organizer
created the survey in; a text the organizer wrote stays as written."""

from survey_helpers import make_survey

from server.i18n import translations
from server.surveys import services as surveys


def _default_in(language: str) -> str:
    return translations(language).gettext(surveys.DEFAULT_CONSENT[True])


async def _consent_page(client, survey, language: str) -> str:
    client.cookies.set("gotong_lang", language)
    page = await client.get(f"/s/{survey['token']}")
    assert page.status_code == 200
    return page.text


async def test_default_consent_text_is_shown_in_the_respondents_language(client, organizer):
    # The organizer worked in Indonesian, so the form stored the Indonesian default.
    survey = await make_survey(organizer, consent_text=_default_in("id").replace(". ", ".\r\n", 1))
    english = await _consent_page(client, survey, "en")
    indonesian = await _consent_page(client, survey, "id")
    assert "Taking part is voluntary." in english and _default_in("id").split(".")[0] not in english
    assert _default_in("id").split(".")[0] in indonesian


async def test_a_consent_text_the_organizer_wrote_is_shown_as_written(client, organizer):
    survey = await make_survey(organizer, consent_text="Jawaban Anda rahasia.")
    assert "Jawaban Anda rahasia." in await _consent_page(client, survey, "en")
