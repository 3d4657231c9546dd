"""The attendance sheet on a slow link: at most 60 KB on a first visit and 10 KB on a repeat visit (bench/transfer.py
measures the same on the demo seed; docs/performance.md records it)."""

from datetime import UTC, datetime, timedelta

from factories import make_program, make_session

from bench.transfer import GOALS, transfer


async def _sheet_of_ten(facilitator) -> str:
    from server.enrolment.tables import Enrolment
    from server.people.tables import Consent, Participant
    from server.programs.tables import TeamMember

    program = await make_program(slug="batik", title="Kelas Batik")
    await TeamMember(program=program.id, staff=facilitator.id, role="lead").save().run()
    for number in range(10):
        person = Participant(display_name=f"Peserta Nomor {number}")
        await person.save().run()
        since = datetime.now(UTC) - timedelta(days=14)
        await Enrolment(participant=person.id, program=program.id, status="enrolled", enrolled_at=since).save().run()
        await Consent(participant=person.id, purpose="participation", text_version="2026-11").save().run()
    session = await make_session(program, starts_in=-timedelta(minutes=30))
    return f"/manage/programs/batik/sessions/{session.id}/attendance"


async def test_attendance_sheet_fits_the_slow_link_budget(facilitator_client, facilitator):
    url = await _sheet_of_ten(facilitator)
    result = await transfer(facilitator_client, url)
    assert "Peserta Nomor 9" in (await facilitator_client.get(url)).text
    assert len(result.first) >= 4  # the page, Pico, app.css, htmx (and the icon and manifest)
    assert result.first_bytes <= GOALS["first"], result.first
    assert result.repeat_bytes <= GOALS["repeat"], result.repeat


async def test_on_a_repeat_visit_no_fingerprinted_asset_travels_again(facilitator_client, facilitator):
    result = await transfer(facilitator_client, await _sheet_of_ten(facilitator))
    assert all(size == 0 for url, size in result.repeat if url.startswith("/static/"))
