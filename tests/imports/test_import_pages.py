"""The import pages through the client: the steps, bad input answered next to its field with a 4xx, and who may."""

from factories import make_program
from import_files import GUESSED, choose_columns, csv_bytes, person, rows, run_import, upload, xlsx_bytes

from server.enrolment.tables import Enrolment
from server.imports import uploads
from server.people.participants import create_participant
from server.people.tables import Participant


async def test_a_good_csv_is_uploaded_mapped_previewed_and_imported(organizer_client):
    response = await upload(organizer_client, csv_bytes(rows(4), delimiter=";", bom=True))
    assert response.status_code == 303 and response.headers["location"] == "/participants/import/columns"
    page = await organizer_client.get("/participants/import/columns")
    assert page.status_code == 200
    assert 'value="phone" selected' in page.text and "0812 7000 0001" in page.text  # guess and samples
    preview = await choose_columns(organizer_client, GUESSED)
    assert preview.status_code == 200 and "4 new, 0 possible duplicates, 0 with errors" in preview.text
    assert await Participant.count().run() == 0
    done = await run_import(organizer_client)
    assert done.status_code == 303
    listing = await organizer_client.get(done.headers["location"])
    assert "4 people imported" in listing.text
    assert await Participant.count().run() == 4


async def test_a_good_xlsx_imports_and_enrols_into_a_program(organizer_client):
    program = await make_program(capacity=2, title="Workshop Menjahit")
    body = rows(3)
    body[0][2] = 81270000001  # typed as a number, its leading 0 lost
    await upload(organizer_client, xlsx_bytes(body), "anggota.xlsx")
    preview = await choose_columns(organizer_client, GUESSED, program_id=program.id)
    assert "Workshop Menjahit" in preview.text and "2 places left" in preview.text
    done = await run_import(organizer_client)
    assert done.status_code == 303
    statuses = sorted(row["status"] for row in await Enrolment.select(Enrolment.status).run())
    assert statuses == ["enrolled", "enrolled", "waitlisted"]


async def test_the_upload_after_import_is_gone(organizer_client):
    await upload(organizer_client, csv_bytes(rows(1)))
    await choose_columns(organizer_client, GUESSED)
    assert len(list(uploads.directory().glob("*"))) >= 2
    await run_import(organizer_client)
    again = await organizer_client.get("/participants/import/columns", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/participants/import"


async def test_bad_files_are_refused_next_to_the_file_field_with_a_4xx(organizer_client):
    latin = csv_bytes(rows(1)).decode().replace("Peserta 1", "Añita").encode("cp1252")
    for content, name, message in (
        (latin, "a.csv", "CSV UTF-8"),
        (b"", "a.csv", "This file is empty."),
        (b"%PDF-1.4", "a.pdf", "Choose a CSV file"),
        (csv_bytes(rows(5001)), "a.csv", "more than 5,000 rows"),
        (b"Nama\r\n\r\n,\r\n", "a.csv", "no rows of people"),
    ):
        response = await upload(organizer_client, content, name)
        assert response.status_code == 400, name
        assert 'id="f-file-error"' in response.text and message in response.text
    assert await Participant.count().run() == 0


async def test_a_file_over_the_size_limit_gets_a_clear_error_not_a_crash(organizer_client):
    from server.config import settings

    just_over = b"Nama\n" + b"x" * (settings.import_max_bytes - 4)
    response = await upload(organizer_client, just_over)
    assert response.status_code == 400 and "larger than 5.0 MB" in response.text
    huge = b"Nama\n" + b"x" * (settings.import_max_bytes * 2)
    response = await upload(organizer_client, huge)
    assert response.status_code == 413


async def test_no_file_chosen_is_a_field_error(organizer_client):
    from conftest import post_form

    response = await post_form(organizer_client, "/participants/import", {})
    assert response.status_code == 400 and "Choose a CSV or Excel file" in response.text


async def test_a_formula_cell_is_a_row_error_in_the_preview(organizer_client):
    body = [person(1), ["=CONCAT(A1)", *person(2)[1:]]]
    await upload(organizer_client, xlsx_bytes(body), "rumus.xlsx")
    preview = await choose_columns(organizer_client, GUESSED)
    assert "a formula, not a value" in preview.text and "1 with errors" in preview.text
    refused = await run_import(organizer_client)
    assert refused.status_code == 400 and "Skip this row, or correct the file" in refused.text
    assert await Participant.count().run() == 0
    done = await run_import(organizer_client, {3: "skip"})
    assert done.status_code == 303 and await Participant.count().run() == 1


async def test_bad_column_choices_are_answered_next_to_the_column(organizer_client):
    await upload(organizer_client, csv_bytes(rows(2)))
    no_name = await choose_columns(organizer_client, ["", "legal_name", "phone"])
    assert no_name.status_code == 400 and "the column that holds each person" in no_name.text
    twice = await choose_columns(organizer_client, ["display_name", "display_name"])
    assert twice.status_code == 400 and "already the field of another column" in twice.text
    nonsense = await choose_columns(organizer_client, ["salary", "display_name"], consent_date="kemarin")
    assert nonsense.status_code == 400 and "Choose one of the options." in nonsense.text
    no_program = await choose_columns(organizer_client, GUESSED, program_id=999999)
    assert no_program.status_code == 400 and 'id="f-program_id-error"' in no_program.text


async def test_duplicates_wait_for_a_decision_and_link_to_the_person(organizer_client, organizer):
    existing = await create_participant(organizer, {"display_name": "Peserta 2"}, [])
    await upload(organizer_client, csv_bytes(rows(3)))
    preview = await choose_columns(organizer_client, GUESSED)
    assert f'href="/participants/{existing}"' in preview.text and "same name" in preview.text
    refused = await run_import(organizer_client)
    assert refused.status_code == 400 and "Decide what happens to this row." in refused.text
    assert await Participant.count().run() == 1
    done = await run_import(organizer_client, {3: "import"})
    assert done.status_code == 303 and await Participant.count().run() == 4


async def test_steps_without_an_upload_send_back_to_the_start(organizer_client):
    for response in (
        await organizer_client.get("/participants/import/columns", follow_redirects=False),
        await choose_columns(organizer_client, GUESSED),
        await run_import(organizer_client),
    ):
        assert response.status_code == 303 and response.headers["location"] == "/participants/import"


async def test_facilitators_may_not_import(facilitator_client):
    assert (await facilitator_client.get("/participants/import")).status_code == 403
    response = await upload(facilitator_client, csv_bytes(rows(1)))
    assert response.status_code == 403
    assert await Participant.count().run() == 0


def test_an_upload_is_kept_for_its_uploader_only_and_deleted_once_forgotten():
    token = uploads.keep(b"Nama\nAni\n", "a.csv", staff_id=1)
    assert uploads.load(token, 2) is None
    content, meta = uploads.load(token, 1)
    assert content == b"Nama\nAni\n" and meta["filename"] == "a.csv"
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in uploads.directory().glob(f"{token}.*"))
    uploads.forget(token)
    assert uploads.load(token, 1) is None and not list(uploads.directory().glob(f"{token}.*"))
    assert uploads.load("../../etc/passwd", 1) is None
