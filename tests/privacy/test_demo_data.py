"""The demo data keeps the privacy rules that the forms and services enforce: it is written straight into the tables,
so nothing else would notice when a rule tightens and the demo (shown to new organisations, and the browser tests'
server) quietly breaks it."""

from piccolo.columns import Text, Varchar

from server.demo import seed_demo
from server.people.consent import active_consents
from server.people.tables import Participant
from server.piccolo_app import APP_CONFIG
from server.programs.services import address_leak
from server.programs.tables import Program
from server.web.forms import MULTI_LINE_FORBIDDEN_RE, SINGLE_LINE_FORBIDDEN_RE


async def test_demo_discreet_programs_have_addresses_that_do_not_spell_their_real_title(db):
    assert await seed_demo()
    discreet = await Program.select(Program.slug, Program.title).where(Program.discreet == True).run()  # noqa: E712
    assert discreet, "the demo shows a discreet group"
    leaks = {row["slug"]: address_leak(row["slug"], row["title"]) for row in discreet}
    assert leaks == dict.fromkeys(leaks)


async def test_demo_participants_with_phone_or_email_consent_to_be_contacted(db):
    assert await seed_demo()
    people = await Participant.select(
        Participant.id, Participant.display_name, Participant.phone, Participant.email
    ).run()
    consents = await active_consents([row["id"] for row in people])
    with_contact = [row for row in people if row["phone"] or row["email"]]
    assert with_contact, "the demo shows contact details somewhere"
    assert [row["display_name"] for row in with_contact if "contact" not in consents[row["id"]]] == []


async def test_demo_text_has_no_control_characters(db):
    assert await seed_demo()
    found = []
    for table in APP_CONFIG.table_classes:
        columns = [c for c in table._meta.columns if isinstance(c, (Varchar, Text))]
        for row in await table.select(*columns).run():
            for column in columns:
                value = row[column._meta.name] or ""
                forbidden = MULTI_LINE_FORBIDDEN_RE if isinstance(column, Text) else SINGLE_LINE_FORBIDDEN_RE
                if forbidden.search(value):
                    found.append((table._meta.tablename, column._meta.name, value[:40]))
    assert found == []
