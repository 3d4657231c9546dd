"""The audit log's details are kept as a message and its parameters and shown in the reader's language; events
recorded before that still show their stored sentence."""

from server.audit import AuditEvent
from server.people.consent import withdraw_consent
from server.people.participants import create_participant


async def _log(client, language: str) -> str:
    client.cookies.set("gotong_lang", language)
    page = await client.get("/admin/audit")
    assert page.status_code == 200
    return page.text


async def test_audit_details_are_shown_in_the_readers_language(admin_client, admin):
    details = {"display_name": "Dewi", "phone": "", "email": "", "preferred_locale": "id"}
    person = await create_participant(admin, details, ["participation"])
    await withdraw_consent(person, "participation", actor=admin)
    indonesian = await _log(admin_client, "id")
    english = await _log(admin_client, "en")
    assert "persetujuan ditarik: Keikutsertaan" in indonesian and "peserta ditambahkan" in indonesian
    assert "consent withdrawn: Taking part" in english and "participant created" in english
    assert "Keikutsertaan" not in english


async def test_the_stored_summary_stays_an_english_sentence(admin):
    details = {"display_name": "Dewi", "phone": "", "email": "", "preferred_locale": "id"}
    person = await create_participant(admin, details, ["participation"])
    await withdraw_consent(person, "participation", actor=admin)
    summaries = await AuditEvent.select(AuditEvent.summary).where(AuditEvent.action == "consent").output(as_list=True)
    assert "consent withdrawn: Taking part" in summaries


async def test_events_recorded_before_details_were_kept_still_show(admin_client, db):
    await AuditEvent.insert(
        AuditEvent(action="consent", subject_type="participant", subject_id=1, summary="consent given: participation"),
        AuditEvent(action="create", subject_type="participant", subject_id=1, summary="participant created"),
        AuditEvent(action="update", subject_type="staff", subject_id=1, summary="role=admin active=True 100%"),
    ).run()
    indonesian = await _log(admin_client, "id")
    assert "consent given: participation" in indonesian and "role=admin active=True 100%" in indonesian
    assert "peserta ditambahkan" in indonesian  # an old sentence that is a catalog message is translated
