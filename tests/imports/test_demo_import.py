"""The demo organisation's imported spreadsheet goes through the importer: people, paper consents, enrolments."""

from server.audit import AuditEvent
from server.demo import seed_demo
from server.enrolment.tables import Enrolment
from server.people.tables import Consent, Participant
from server.programs.tables import Program


async def test_seed_demo_imports_one_spreadsheet_of_participants(db):
    assert await seed_demo()
    event = await AuditEvent.select().where(AuditEvent.action == "import").first().run()
    assert "demo_participants.csv" in event["summary"] and "11 new, 1 skipped" in event["summary"]
    water = await Program.select(Program.id).where(Program.slug == "air-bersih-cibaduyut").first().run()
    enrolled = await Enrolment.count().where(Enrolment.program == water["id"]).run()
    assert enrolled == 11
    euis = (
        await Participant.select(Participant.id, Participant.area)
        .where(Participant.display_name == "Euis")
        .first()
        .run()
    )
    assert euis["area"] == "Kelurahan Cibaduyut"
    assert await Consent.count().where((Consent.participant == euis["id"]) & (Consent.source == "paper")).run() == 3
