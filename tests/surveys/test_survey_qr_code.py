"""A published survey's staff page shows a QR code (inline SVG, drawn on the server) of its public link."""

from __future__ import annotations

from conftest import sign_in
from survey_helpers import make_survey

from server.surveys import services as surveys
from server.web import qr


async def test_published_survey_page_shows_a_qr_code_of_its_public_link(client, organizer, monkeypatch):
    drawn: list[str] = []
    real_make = qr.segno.make
    monkeypatch.setattr(qr.segno, "make", lambda content, *a, **k: drawn.append(content) or real_make(content, *a, **k))
    survey = await make_survey(organizer)
    await sign_in(client, organizer.username)
    page = await client.get(f"/surveys/{survey['id']}")
    assert page.status_code == 200
    assert 'class="qr-code"' in page.text
    assert drawn == [surveys.public_url(survey)]


async def test_draft_survey_has_no_qr_code(client, organizer):
    survey = await make_survey(organizer, published=False)
    await sign_in(client, organizer.username)
    page = await client.get(f"/surveys/{survey['id']}")
    assert 'class="qr-code"' not in page.text
