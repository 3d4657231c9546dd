"""The template environment's shortcuts (remembered formatting, gettext without the context, dict rows read as
keys) answer exactly what Jinja and Babel would."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from server import i18n
from server.web.templating import make_environment

ENV = make_environment()


def _render(source: str, **context) -> str:
    return ENV.from_string(source).render(**context)


def test_a_remembered_date_follows_the_language_and_the_timezone_of_each_call():
    instant = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)
    same_instant_in_jakarta = instant.astimezone(ZoneInfo("Asia/Jakarta"))
    with i18n.use_locale("en"):
        english = _render("{{ a | datetime }} / {{ b | datetime }}", a=instant, b=same_instant_in_jakarta)
    with i18n.use_locale("id"):
        indonesian = _render("{{ a | datetime }}", a=instant)
    assert english == f"{i18n.format_datetime(instant)} / {i18n.format_datetime(same_instant_in_jakarta)}"
    assert "Dec 1" in english and "Dec 2" in english  # 20:30 UTC is the next morning in Jakarta
    with i18n.use_locale("id"):
        assert indonesian == i18n.format_datetime(instant) and "Des" in indonesian


def test_remembered_numbers_keep_their_digits_and_language():
    with i18n.use_locale("en"):
        assert _render("{{ 1234.5 | number(1) }} {{ 1234.5 | number }} {{ 0.5 | percent }}") == "1,234.5 1,234 50%"
    with i18n.use_locale("id"):
        assert _render("{{ 1234.5 | number(1) }}") == "1.234,5"


def test_gettext_escapes_its_values_and_formats_plurals():
    with i18n.use_locale("en"):
        assert _render('{{ _("Reason: %(reason)s", reason="<b>") }}') == "Reason: &lt;b&gt;"
        page = _render("{% for n in (1, 2) %}{{ ngettext('%(num)s response.', '%(num)s responses.', n) }} {% endfor %}")
    assert page == "1 response. 2 responses. "


def test_a_dict_row_is_read_by_key_and_its_methods_still_win():
    row = {"attended": 3, "items": "a key named items"}
    assert _render("{{ row.attended }} {{ row.items() | list | length }}", row=row) == "3 2"
    assert _render("{{ row.missing is defined }}", row=row) == "False"
