"""Every message in the code and templates is translated in both catalogs."""

from server.web.catalogs import extract, missing


def test_indonesian_and_english_catalogs_are_complete():
    gaps = missing()
    assert not gaps, {locale: ids[:20] for locale, ids in gaps.items()}


def test_messages_of_the_shared_macros_are_extracted():
    # templates/_macros/ starts with "_", which Babel's default directory filter skips.
    found = {message.id for message in extract()}
    assert "Please correct the marked fields." in found and "Apple / phone calendar" in found
