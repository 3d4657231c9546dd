"""Every message in the code and templates is translated in both catalogs."""
from server.web.catalogs import missing


def test_indonesian_and_english_catalogs_are_complete():
    gaps = missing()
    assert not gaps, {locale: ids[:20] for locale, ids in gaps.items()}
