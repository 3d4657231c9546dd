"""One organisation "today": around midnight in Asia/Jakarta (UTC+7) the licence rule gives the same answer on
the dashboard, the program's team page and the organisation report, whatever the server's or UTC's date is."""

from datetime import UTC, date, datetime

import pytest
from factories import make_program, make_staff

from server import clock
from server.people.tables import Staff
from server.programs.tables import TeamMember

# 00:30 on 2 December in Jakarta is still 1 December in UTC.
JUST_AFTER_MIDNIGHT_IN_JAKARTA = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
JUST_BEFORE_MIDNIGHT_IN_JAKARTA = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)


async def _facilitator_with_licence_until(day: date):
    program = await make_program(slug="berlisensi", title="Konseling Berlisensi", requires_licence=True)
    facilitator = await make_staff(display_name="Fasilitator Wulan")
    await (
        Staff.update({Staff.licence_number: "SIP-123", Staff.licence_expires_on: day})
        .where(Staff.id == facilitator.id)
        .run()
    )
    await TeamMember.insert(TeamMember(program=program.id, staff=facilitator.id, role="lead")).run()
    return program


async def _pages(client):
    return {
        "dashboard": (await client.get("/dashboard")).text,
        "team": (await client.get("/manage/programs/berlisensi/team")).text,
        "report": (await client.get("/reports")).text,
    }


@pytest.mark.parametrize(
    ("at", "expired"),
    [(JUST_BEFORE_MIDNIGHT_IN_JAKARTA, False), (JUST_AFTER_MIDNIGHT_IN_JAKARTA, True)],
    ids=["23:30 in Jakarta", "00:30 in Jakarta"],
)
async def test_a_licence_expires_at_midnight_where_the_organisation_is_on_every_page(admin_client, at, expired):
    assert clock.today("Asia/Jakarta", at) == date(2026, 12, 1 if not expired else 2)
    await _facilitator_with_licence_until(date(2026, 12, 1))
    with clock.frozen(at):
        pages = await _pages(admin_client)
    assert ("Fasilitator Wulan's licence has expired" in pages["dashboard"]) is expired
    assert ("Licence expired" in pages["team"]) is expired
    assert ("Licence expired" in pages["report"]) is expired
    assert ("Licence expires soon" in pages["report"]) is not expired
