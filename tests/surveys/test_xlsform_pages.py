"""XLSForm pages through the HTTP client: the import page and its report, bad files next to the field, the XLSForm
and KoBoToolbox-layout downloads on a survey's page, and who may reach them."""

from conftest import csrf_token, sign_in
from factories import make_program, make_staff
from survey_helpers import NEEDS_QUESTIONS, make_survey, respond
from xlsform_files import EXAMPLE, pyxform_xml, xlsx

from server.audit import AuditEvent
from server.surveys.tables import Survey

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _upload(client, content: bytes, name: str = "form.xlsx", **fields):
    data = {"purpose": "needs_assessment", "anonymous": "on", **fields}
    return await client.post(
        "/surveys/import",
        data=data,
        files={"file": (name, content, XLSX)},
        headers={"x-csrftoken": await csrf_token(client)},
        follow_redirects=False,
    )


async def test_import_page_offers_the_upload_form(facilitator_client):
    page = await facilitator_client.get("/surveys/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'name="file"' in page.text
    listing = await facilitator_client.get("/surveys")
    assert "/surveys/import" in listing.text


async def test_importing_the_example_leads_to_the_survey_with_its_report(facilitator_client):
    response = await _upload(facilitator_client, EXAMPLE.read_bytes(), EXAMPLE.name)
    assert response.status_code == 303, response.text[:500]
    survey = await Survey.select().first().run()
    assert response.headers["location"].endswith(f"/surveys/{survey['id']}")
    page = await facilitator_client.get(response.headers["location"])
    assert "Kajian Kebutuhan Warga" in page.text
    assert EXAMPLE.name in page.text
    assert "location" in page.text and "is not a question type Gotong has" in page.text
    # The note and the date question are imported, so they are no line of the report.
    assert "arrival_date" not in page.text
    assert f"/surveys/{survey['id']}/xlsform.xlsx" in page.text
    assert f"/surveys/{survey['id']}/responses-kobo.csv" in page.text
    assert await AuditEvent.exists().where(AuditEvent.summary.like("%imported from the XLSForm%")).run()


async def test_the_report_is_in_indonesian_for_an_indonesian_reader(facilitator_client):
    response = await _upload(facilitator_client, EXAMPLE.read_bytes(), EXAMPLE.name)
    page = await facilitator_client.get(response.headers["location"], headers={"Accept-Language": "id"})
    assert "is not a question type Gotong has" not in page.text
    assert "bukan jenis pertanyaan yang dimiliki Gotong" in page.text


async def test_a_file_that_is_not_xlsx_is_refused_next_to_the_field_and_nothing_saved(facilitator_client):
    response = await _upload(facilitator_client, b"type,name,label\ntext,a,A\n", "form.csv")
    assert response.status_code == 400
    assert 'id="f-file-error"' in response.text and "not an Excel workbook" in response.text
    assert await Survey.count().run() == 0


async def test_an_unknown_choice_list_is_refused_and_nothing_saved(facilitator_client):
    content = xlsx([["type", "name", "label"], ["select_one nope", "q", "Q?"]], [["list_name", "name", "label"]])
    response = await _upload(facilitator_client, content)
    assert response.status_code == 400 and "nope" in response.text
    assert await Survey.count().run() == 0


async def test_a_form_with_nothing_to_import_shows_why_row_by_row(facilitator_client):
    content = xlsx([["type", "name", "label"], ["geopoint", "where", "Di mana?"], ["image", "photo", "Foto?"]])
    response = await _upload(facilitator_client, content)
    assert response.status_code == 400
    assert "geopoint" in response.text and "image" in response.text
    assert await Survey.count().run() == 0


async def test_no_file_chosen_is_a_field_error(facilitator_client):
    response = await facilitator_client.post(
        "/surveys/import",
        data={"purpose": "needs_assessment"},
        headers={"x-csrftoken": await csrf_token(facilitator_client)},
        follow_redirects=False,
    )
    assert response.status_code == 400 and 'id="f-file-error"' in response.text


async def test_import_into_a_program_one_does_not_manage_is_refused(facilitator_client):
    program = await make_program(slug="lain")
    response = await _upload(facilitator_client, EXAMPLE.read_bytes(), program=str(program.id))
    assert response.status_code == 400
    assert await Survey.count().run() == 0


async def test_the_survey_downloads_as_an_xlsform_pyxform_converts(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS)
    response = await organizer_client.get(f"/surveys/{survey['id']}/xlsform.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(XLSX)
    assert "attachment" in response.headers["content-disposition"]
    assert "Survei Kebutuhan Warga" in pyxform_xml(response.content)


async def test_kobo_layout_download_is_csv_and_refused_for_too_few_responses(organizer_client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS)
    for _number in range(2):
        await respond(survey, {"rw": "rw01", "helps": ["kids"]})
    refused = await organizer_client.get(f"/surveys/{survey['id']}/responses-kobo.csv")
    assert refused.status_code == 409
    for _number in range(3):
        await respond(survey, {"rw": "rw01", "helps": ["kids"]})
    response = await organizer_client.get(f"/surveys/{survey['id']}/responses-kobo.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text.lstrip("\ufeff").startswith("rw,clean,helps,helps/elderly,helps/kids,")


async def test_outsiders_cannot_download_another_programs_survey(client, organizer):
    program = await make_program(slug="air")
    survey = await make_survey(organizer, title="Rahasia Program Air", program=program.id, questions=NEEDS_QUESTIONS)
    outsider = await make_staff("facilitator", username="luar")
    await sign_in(client, outsider.username)
    for url in ("xlsform.xlsx", "responses-kobo.csv"):
        response = await client.get(f"/surveys/{survey['id']}/{url}")
        assert response.status_code in (403, 404), url
        assert b"Rahasia" not in response.content


async def test_signed_out_visitors_are_sent_to_sign_in(client, organizer):
    survey = await make_survey(organizer, questions=NEEDS_QUESTIONS)
    for url in (
        "/surveys/import",
        f"/surveys/{survey['id']}/xlsform.xlsx",
        f"/surveys/{survey['id']}/responses-kobo.csv",
    ):
        response = await client.get(url, follow_redirects=False)
        assert response.status_code in (303, 401), url
