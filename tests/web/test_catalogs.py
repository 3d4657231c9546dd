"""Every message in the code and templates is translated in both catalogs: the check extracts the source afresh,
so a new string anywhere (a macro folder starting with "_", a Python module) fails it until both languages have it."""

import pytest

from server.web.catalogs import extract, missing, placeholder_mismatches


@pytest.fixture(scope="module")
def source():
    return extract()


def test_indonesian_and_english_catalogs_are_complete(source):
    gaps = missing(source)
    assert not gaps, {locale: ids[:20] for locale, ids in gaps.items()}


def test_translations_keep_the_placeholders_of_their_message(source):
    wrong = placeholder_mismatches(source)
    assert not wrong, {locale: ids[:20] for locale, ids in wrong.items()}


def test_messages_of_the_shared_macros_are_extracted(source):
    # templates/_macros/ starts with "_", which Babel's default directory filter skips.
    found = {message.id for message in source}
    assert "Please correct the marked fields." in found and "Apple / phone calendar" in found
    assert "Add to your calendar" in found and "Or copy this link into your calendar app" in found


def test_a_new_message_anywhere_in_the_source_is_reported_in_both_languages(tmp_path):
    (tmp_path / "templates" / "_macros").mkdir(parents=True)
    (tmp_path / "templates" / "_macros" / "box.html").write_text('{{ _("A sentence only a macro says") }}')
    (tmp_path / "templates" / "page.html").write_text("{% trans %}A sentence in a trans block{% endtrans %}")
    (tmp_path / "server" / "feature").mkdir(parents=True)
    (tmp_path / "server" / "feature" / "rules.py").write_text(
        'from server.i18n import N_, gettext\nA = N_("A marked code")\nB = gettext("A sentence in code")\n'
    )
    gaps = missing(extract(tmp_path))
    expected = {"A sentence only a macro says", "A sentence in a trans block", "A marked code", "A sentence in code"}
    assert set(gaps["id"]) == expected and set(gaps["en"]) == expected
