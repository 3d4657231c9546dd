"""Helpers for survey tests: surveys with questions of each kind, and responses stored through the service."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from server.surveys import services as surveys
from server.surveys.tables import Survey

_keys = itertools.count(1)
NEIGHBOURHOODS = [{"value": f"rw0{n}", "label": f"RW 0{n}"} for n in range(1, 4)]
NEEDS = [{"value": v, "label": v.title()} for v in ("water", "health", "school")]


async def make_survey(actor, *, questions=(), published=True, **values) -> dict:
    base = {
        "title": "Survei Kebutuhan Warga",
        "purpose": "needs_assessment",
        "program": None,
        "intro": "Halo warga.",
        "consent_text": "Jawaban Anda rahasia.",
        "opens_on": None,
        "closes_on": None,
        "languages": "id,en",
        "anonymous": True,
    }
    base.update(values)
    survey_id = await surveys.create_survey(actor, base)
    survey = await surveys.get_survey(survey_id)
    for question in questions:
        spec = {
            "kind": "single",
            "text": "?",
            "help": "",
            "required": False,
            "options": [],
            "min_value": None,
            "max_value": None,
            "code": "",
            "show_if_question": None,
            "show_if_value": "",
        }
        spec.update(question)
        await surveys.add_question(survey, spec)
    if published:
        await Survey.update({Survey.published: True}).where(Survey.id == survey_id).run()
    return await surveys.get_survey(survey_id)


async def question_ids(survey) -> dict[str, int]:
    """Question ids by code."""
    return {q["code"]: q["id"] for q in await surveys.list_questions(survey["id"])}


async def respond(survey, answers: dict, *, participant_id=None, at: datetime | None = None, program_id=None) -> None:
    """Store one response; answers maps a question code to a value, a list (multiple) or {option: place} (ranking)."""
    ids = {q["code"]: q for q in await surveys.list_questions(survey["id"])}
    rows = []
    for code, value in answers.items():
        question = ids[code]
        if question["kind"] == "multiple":
            rows += [(question["id"], v, None) for v in value]
        elif question["kind"] == "ranking":
            rows += [(question["id"], v, float(place)) for v, place in value.items()]
        elif question["kind"] in ("likert", "rating", "number"):
            rows.append((question["id"], "", float(value)))
        else:
            rows.append((question["id"], value, None))
    created = await surveys.submit_response(
        survey,
        rows,
        submission_key=f"test-{next(_keys)}",
        participant_id=participant_id,
        program_id=program_id,
        now=at or datetime.now(UTC),
    )
    assert created


NEEDS_QUESTIONS = [
    {"code": "rw", "kind": "single", "text": "Tinggal di RW mana?", "required": True, "options": NEIGHBOURHOODS},
    {"code": "clean", "kind": "likert", "text": "Air bersih mudah didapat.", "required": True},
    {
        "code": "helps",
        "kind": "multiple",
        "text": "Siapa yang perlu dibantu?",
        "options": [{"value": "elderly", "label": "Lansia"}, {"value": "kids", "label": "Anak"}],
    },
    {"code": "score", "kind": "rating", "text": "Nilai lingkungan Anda"},
    {"code": "people", "kind": "number", "text": "Jumlah orang di rumah", "min_value": 1, "max_value": 30},
    {"code": "needs", "kind": "ranking", "text": "Urutkan kebutuhan", "options": NEEDS},
    {"code": "note", "kind": "long_text", "text": "Catatan lain"},
]


async def make_person(display_name: str = "Wati", **values) -> int:
    from server.people.participants import create_participant

    base = {"display_name": display_name, "phone": "", "email": "", "preferred_locale": "id"}
    base.update(values)
    return await create_participant(None, base)
