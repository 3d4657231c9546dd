"""The OpenAPI document: valid JSON, OpenAPI 3.1, every endpoint and only the API, and no personal field names."""

from __future__ import annotations

import re

import pytest
from api_helpers import bearer, make_key
from report_helpers import workshop_fixture
from survey_helpers import NEEDS_QUESTIONS, make_survey, respond

from server import clock
from server.api import auth, docs

ENDPOINTS = {
    "/api/v1/programs",
    "/api/v1/programs/{program_id}",
    "/api/v1/programs/{program_id}/sessions",
    "/api/v1/programs/{program_id}/figures",
    "/api/v1/surveys",
    "/api/v1/surveys/{survey_id}/results",
    "/api/v1/data-checks",
}
# Field names that would carry a person's identity, contact or staff's notes, or a secret.
PERSONAL = re.compile(
    r"(^|_)(name|legal_name|display_name|phone|email|e_mail|notes?|token|address|birth|participant|"
    r"contact|location|online_link|cancel_reason|answer_text|texts?)($|_)",
    re.IGNORECASE,
)


@pytest.fixture(autouse=True)
def _fresh_limiter():
    auth.limiter.reset()


async def _schema(client) -> dict:
    response = await client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/")
    return response.json()


async def test_schema_is_openapi_3_1_with_every_endpoint_and_nothing_else(client):
    schema = await _schema(client)
    assert schema["openapi"].startswith("3.1")
    assert set(schema["paths"]) == ENDPOINTS
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            assert operation["security"], path
    assert {"BearerKey", "HeaderKey"} <= set(schema["components"]["securitySchemes"])


def _property_names(node, found: set[str]) -> None:
    """Every property name in the document, except counts (an integer named after what it counts)."""
    if isinstance(node, dict):
        for name, child in node.get("properties", {}).items():
            if child.get("type") != "integer":
                found.add(name)
            _property_names(child, found)
        for key, child in node.items():
            if key != "properties":
                _property_names(child, found)
    elif isinstance(node, list):
        for child in node:
            _property_names(child, found)


async def test_no_personal_field_names_in_any_response_shape(client):
    schema = await _schema(client)
    names: set[str] = set()
    _property_names(schema, names)
    assert {"title", "topic", "mean"} <= names  # the walk reaches the shapes
    # "text" of a question is the questionnaire's wording, written by staff for every respondent.
    offending = sorted(name for name in names - {"text"} if PERSONAL.search(name))
    assert offending == []


async def test_docs_page_is_plain_html_without_external_scripts(client):
    response = await client.get("/api/schema")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/api/v1/programs/{program_id}/figures" in response.text
    assert "<script" not in response.text
    assert "set-cookie" not in response.headers


async def test_no_response_carries_a_seeded_name_or_contact(client, admin, settings):
    w = await workshop_fixture(now=clock.now())
    survey = await make_survey(admin, questions=NEEDS_QUESTIONS, program=w.program.id)
    for _ in range(settings.min_group_size):
        await respond(survey, {"rw": "rw01", "clean": 3, "note": "Ani sering terlambat"}, program_id=w.program.id)
    _, key = await make_key(admin)
    schema = await _schema(client)
    ids = {"program_id": w.program.id, "survey_id": survey["id"]}
    seeded = [name for name in w.people if len(name) > 3] + ["Ani ", "Tamu", "Peserta bisa", "@example"]
    for path in schema["paths"]:
        url = path.format(**ids)
        response = await client.get(url, headers=bearer(key))
        assert response.status_code == 200, url
        for word in seeded:
            assert word not in response.text, (url, word)


async def test_docs_load_without_a_key_and_any_cache_may_keep_them_a_while(client):
    for url in ("/api/schema", "/api/schema/openapi.json"):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == docs.DOCS_CACHE_CONTROL, url
    assert "no-store" in (await client.get("/api/schema/nowhere")).headers["cache-control"]


async def test_docs_page_has_a_route_name_the_key_page_links_by(client, admin_client):
    assert client.app.route_reverse(docs.DOCS_ROUTE) == "/api/schema"
    page = await admin_client.get("/admin/api-keys/")
    assert 'href="/api/schema"' in page.text
