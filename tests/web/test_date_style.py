"""One date style (server/i18n.py): the medium date and the short time in the reader's language, never the
numeric short form that reads as another day in the other language."""

from datetime import UTC, datetime

from server import i18n
from server.audit import AuditEvent

NOON_IN_JAKARTA = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
# CLDR puts a narrow no-break space (U+202F) before AM/PM.


def test_every_named_style_avoids_the_numeric_short_form():
    for language, medium, moment in (
        ("id", "1 Des 2026", "1 Des 2026 12.00"),
        ("en", "Dec 1, 2026", "Dec 1, 2026, 12:00\u202fPM"),
    ):
        with i18n.use_locale(language):
            assert i18n.format_date(NOON_IN_JAKARTA, "short", "Asia/Jakarta") == medium
            assert i18n.format_date(NOON_IN_JAKARTA.date()) == medium
            assert i18n.format_datetime(NOON_IN_JAKARTA, "Asia/Jakarta", "short") == moment
            assert i18n.format_datetime(NOON_IN_JAKARTA, "Asia/Jakarta") == moment


def test_machine_patterns_stay_as_asked():
    assert i18n.format_datetime(NOON_IN_JAKARTA, "Asia/Jakarta", "yyyy-MM-dd HH:mm") == "2026-12-01 12:00"


async def test_audit_log_shows_moments_in_the_shared_style_in_both_languages(admin_client):
    await AuditEvent.insert(
        AuditEvent(at=NOON_IN_JAKARTA, action="view", subject_type="participant", subject_id=1, summary="seen")
    ).run()
    admin_client.cookies.set("gotong_lang", "id")
    indonesian = (await admin_client.get("/admin/audit")).text
    admin_client.cookies.set("gotong_lang", "en")
    english = (await admin_client.get("/admin/audit")).text
    assert "<td>1 Des 2026 12.00</td>" in indonesian and "1/12/26" not in indonesian
    assert "<td>Dec 1, 2026, 12:00\u202fPM</td>" in english and "12/1/26" not in english
