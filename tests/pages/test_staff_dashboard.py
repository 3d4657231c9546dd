"""The staff dashboard shows what needs attention: early warnings, waitlist promotions, licences, data problems."""

from datetime import UTC, timedelta

from conftest import sign_in
from factories import keep_figures, make_program, make_staff


async def test_dashboard_shows_early_warning_promotion_and_licence(client, db):
    from datetime import datetime

    from factories import make_session

    from server.attendance.tables import Attendance
    from server.enrolment.tables import Enrolment, EnrolmentChange
    from server.people.consent import record_consent
    from server.people.participants import create_participant
    from server.programs.tables import TeamMember
    from server.schedule.tables import ProgramSession

    facilitator = await make_staff(username="dash1", display_name="Dina")
    program = await make_program(slug="kelas-dash", title="Kelas Dasbor", requires_licence=True)
    await TeamMember.insert(TeamMember(program=program.id, staff=facilitator.id, role="lead")).run()
    pid = await create_participant(None, {"display_name": "Joni Jarang"})
    await record_consent(pid, "participation", actor=None)
    enrolment = Enrolment(
        participant=pid, program=program.id, status="enrolled", enrolled_at=datetime.now(UTC) - timedelta(days=30)
    )
    await enrolment.save().run()
    for days in (3, 2):
        session = await make_session(program, starts_in=timedelta(days=-days))
        await ProgramSession.update({ProgramSession.status: "held"}).where(ProgramSession.id == session.id).run()
        await Attendance.insert(Attendance(session=session.id, participant=pid, status="absent")).run()
        await keep_figures(program.id)
    promoted = await create_participant(None, {"display_name": "Rina Naik"})
    moved = Enrolment(participant=promoted, program=program.id, status="enrolled")
    await moved.save().run()
    await EnrolmentChange.insert(
        EnrolmentChange(
            enrolment=moved.id,
            program=program.id,
            from_status="waitlisted",
            to_status="enrolled",
            automatic="promotion",
        )
    ).run()
    await sign_in(client, "dash1")
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "Joni Jarang missed the last 2 sessions of Kelas Dasbor" in page.text
    assert "Rina Naik moved up from the waitlist" in page.text
    assert "Dina has no licence recorded" in page.text
    assert "open data problem" in page.text
