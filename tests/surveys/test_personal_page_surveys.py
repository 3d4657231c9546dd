"""The personal page links a participant to the open surveys of their programs."""

from factories import make_program


async def test_personal_page_lists_open_surveys_with_a_personal_link(client, db):
    from server.enrolment.tables import Enrolment
    from server.people.links import reissue_personal_links
    from server.people.participants import create_participant
    from server.people.tokens import new_token
    from server.surveys.tables import Question, Survey

    program = await make_program(slug="kelas")
    pid = await create_participant(None, {"display_name": "Ayu"})
    await Enrolment.insert(Enrolment(participant=pid, program=program.id, status="enrolled")).run()
    survey = Survey(title="Survei Awal Kelas", purpose="pre", program=program.id, published=True, token=new_token())
    await survey.save().run()
    await Question.insert(Question(survey=survey.id, kind="short_text", text="Harapan Anda?")).run()
    page = await client.get(f"/my/{await reissue_personal_links(None, pid)}")
    assert "Survei Awal Kelas" in page.text and f"/s/{survey.token}/i/" in page.text
