"""Demo surveys: a community needs assessment for the clean-water project with ~40 responses across neighbourhoods,
a before/after pair for the parenting workshop with ten people who answered both, and the example XLSForm
(docs/examples/needs_assessment_xlsform.xlsx) imported as a draft through the XLSForm importer."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from server import clock
from server.enrolment.tables import Enrolment
from server.people.consent import record_consent
from server.people.participants import create_participant
from server.people.staff import active_staff
from server.programs.tables import Program
from server.surveys import services as surveys
from server.surveys.tables import Survey
from server.surveys.xlsform.importing import import_survey
from server.surveys.xlsform.reading import read_xlsform

WATER_SLUG = "air-bersih-cibaduyut"
PARENTING_SLUG = "pengasuhan-positif"
EXAMPLE_XLSFORM = Path(__file__).resolve().parents[2] / "docs" / "examples" / "needs_assessment_xlsform.xlsx"

# Per neighbourhood: how many answered, and how hard water is to get there (0 easy … 1 hard).
NEIGHBOURHOODS = {
    "rw01": (9, 0.2),
    "rw02": (8, 0.4),
    "rw03": (7, 0.5),
    "rw04": (7, 0.8),
    "rw05": (6, 0.9),
    "rw06": (3, 0.6),
}
COMMENTS = [
    "Air sumur keruh dan berbau saat musim kemarau.",
    "Kami beli air galon setiap hari, mahal untuk keluarga kami.",
    "Perlu posyandu yang buka di sore hari.",
    "Saluran got sering mampet dan banjir kalau hujan.",
    "Banyak anak muda menganggur, perlu pelatihan kerja.",
    "Lampu jalan di gang kami mati sudah lama.",
    "Warga siap gotong royong kalau ada bahan.",
    "PDAM hanya mengalir malam hari.",
]
PARENTS = [
    "Ibu Rina",
    "Pak Dedi",
    "Ibu Yanti",
    "Ibu Lestari",
    "Pak Hendra",
    "Ibu Nur",
    "Ibu Wulan",
    "Pak Asep",
    "Ibu Dewi",
    "Ibu Siti Aminah",
]


def _program_id(programs: dict[Any, Any], slug: str) -> int | None:
    """The program's id from whatever the demo seeder passes: Program rows, dicts or ids keyed by slug or name."""
    for key, value in programs.items():
        value_slug = getattr(value, "slug", None) or (value.get("slug") if isinstance(value, dict) else None)
        if value_slug == slug or (key == slug and value_slug is None):
            if isinstance(value, int):
                return value
            return getattr(value, "id", None) or (value.get("id") if isinstance(value, dict) else None)
    return None


async def _resolve_program(programs: dict[Any, Any], slug: str) -> int | None:
    found = _program_id(programs, slug)
    if found is not None:
        return found
    row = await Program.select(Program.id).where(Program.slug == slug).first().run()
    return row["id"] if row else None


async def _staff(staff_ids: dict[str, int], *names: str):
    for name in names:
        if name in staff_ids:
            return await active_staff(staff_ids[name])
    return await active_staff(next(iter(staff_ids.values())))


async def _set_dates(survey_id: int, opens_on: date, closes_on: date) -> None:
    await (
        Survey.update(
            {
                Survey.published: True,
                Survey.opens_at: surveys.day_start(opens_on),
                Survey.closes_at: surveys.day_start(closes_on + timedelta(days=1)),
            }
        )
        .where(Survey.id == survey_id)
        .run()
    )


def _answers(questions: dict[str, dict[str, Any]], values: dict[str, Any]) -> list[tuple[int, str, float | None]]:
    rows: list[tuple[int, str, float | None]] = []
    for code, value in values.items():
        question = questions[code]
        if value is None or value == "" or value == []:
            continue
        if question["kind"] == "multiple":
            rows += [(question["id"], item, None) for item in value]
        elif question["kind"] == "ranking":
            rows += [(question["id"], item, float(place)) for place, item in enumerate(value, start=1)]
        elif question["kind"] in ("likert", "rating", "number"):
            rows.append((question["id"], "", float(value)))
        else:
            rows.append((question["id"], str(value), None))
    return rows


def _scale(rng: random.Random, centre: float, spread: float = 1.0, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, round(rng.gauss(centre, spread))))


async def _seed_needs_assessment(staff_ids: dict[str, int], water_id: int, today: date, rng: random.Random) -> int:
    organizer = await _staff(staff_ids, "siti", "admin")
    [survey_id] = await surveys.create_from_template(
        organizer, "needs_assessment", program_id=water_id, languages="id,en"
    )
    await _set_dates(survey_id, today - timedelta(days=21), today + timedelta(days=14))
    survey = await surveys.get_survey(survey_id)
    questions = {q["code"]: q for q in await surveys.list_questions(survey_id)}
    typist = staff_ids.get("agus")
    now = clock.now()
    number = 0
    for neighbourhood, (count, hardship) in NEIGHBOURHOODS.items():
        for _ in range(count):
            number += 1
            unmet = rng.random() < 0.2 + 0.3 * hardship
            water = rng.choices(
                ["piped", "well", "refill", "river_spring", "other"],
                weights=[6 - 5 * hardship, 2 + 3 * hardship, 3, hardship * 2, 0.3],
            )[0]
            # Water and housing weigh more where water is hard to get; health comes next almost everywhere.
            weights = {
                "housing": 2 + 4 * hardship,
                "health": 2.5,
                "livelihood": 2,
                "education": 1.2,
                "safety": 0.8,
                "social_ties": 0.6,
            }
            ranking = []
            remaining = dict(weights)
            while remaining:
                choice = rng.choices(list(remaining), weights=list(remaining.values()))[0]
                ranking.append(choice)
                remaining.pop(choice)
            values = {
                "neighbourhood": neighbourhood,
                "household_size": rng.randint(2, 8),
                "health_access": _scale(rng, 3.6 - hardship),
                "health_unmet": "yes" if unmet else "no",
                "health_barrier": rng.choice(["cost", "distance", "waiting", "documents"]) if unmet else None,
                "education_access": _scale(rng, 4.0),
                "livelihood_income": _scale(rng, 2.6),
                "livelihood_source": rng.choices(
                    ["daily_wage", "small_business", "employed", "remittances", "assistance", "farming_fishing"],
                    weights=[5, 4, 3, 1, 1, 0.5],
                )[0],
                "housing_condition": _scale(rng, 3.4 - hardship),
                "water_source": water,
                "safety_night": _scale(rng, 3.2),
                "social_support": _scale(rng, 3.9, 0.8),
                "social_participation": "yes" if rng.random() < 0.6 else "no",
                "vulnerable_groups": sorted(
                    rng.sample(
                        ["older_people", "disability", "children_youth", "women_heads", "sick", "newcomers"],
                        k=rng.randint(1, 3),
                    )
                ),
                "priority_needs": ranking,
                "willingness": _scale(rng, 7.0, 2.0, 0, 10),
                "comments": rng.choice(COMMENTS) if rng.random() < 0.3 else "",
            }
            await surveys.submit_response(
                survey,
                _answers(questions, values),
                submission_key=f"demo-needs-{number}",
                language="id",
                entered_by=typist if number % 4 == 0 else None,  # a quarter came in on paper at the RW meetings
                now=now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 10)),
            )
    return survey_id


async def _parents(workshop_id: int, today: date) -> list[int]:
    """The workshop's enrolled participants, topped up with demo parents so that ten people answer both surveys."""
    rows = (
        await Enrolment.select(Enrolment.participant)
        .where((Enrolment.program == workshop_id) & Enrolment.status.is_in(["enrolled", "completed"]))
        .order_by(Enrolment.id)
        .run()
    )
    found = [row["participant"] for row in rows][:10]
    started = datetime.combine(today - timedelta(days=16), datetime.min.time(), UTC)
    for name in PARENTS[len(found) : 10]:
        participant_id = await create_participant(None, {"display_name": name, "preferred_locale": "id"})
        for purpose in ("participation", "data_collection"):
            await record_consent(participant_id, purpose, actor=None)
        await Enrolment.insert(
            Enrolment(
                participant=participant_id,
                program=workshop_id,
                status="enrolled",
                requested_at=started,
                enrolled_at=started,
            )
        ).run()
        found.append(participant_id)
    return found


async def _seed_prepost(
    staff_ids: dict[str, int], workshop_id: int, today: date, rng: random.Random
) -> tuple[int, int]:
    facilitator = await _staff(staff_ids, "budi", "siti", "admin")
    pre_id, post_id = await surveys.create_from_template(
        facilitator, "wellbeing_pair", program_id=workshop_id, languages="id,en"
    )
    await _set_dates(pre_id, today - timedelta(days=16), today - timedelta(days=12))
    await _set_dates(post_id, today - timedelta(days=1), today + timedelta(days=14))
    pre, post = await surveys.get_survey(pre_id), await surveys.get_survey(post_id)
    pre_questions = {q["code"]: q for q in await surveys.list_questions(pre_id)}
    post_questions = {q["code"]: q for q in await surveys.list_questions(post_id)}
    scales = [code for code, q in pre_questions.items() if q["kind"] in ("likert", "rating") and code in post_questions]
    now = clock.now()
    hopes = ["Lebih sabar menghadapi anak.", "Belajar cara menegur tanpa memukul.", "Bertemu orang tua lain.", ""]
    useful = [
        "Latihan memberi pujian.",
        "Cara menenangkan diri sebelum menegur anak.",
        "Berbagi cerita dengan orang tua lain.",
        "",
    ]
    for index, participant_id in enumerate(await _parents(workshop_id, today)):
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for code in scales:
            top = 10 if pre_questions[code]["kind"] == "rating" else 5
            start = _scale(rng, top * 0.5, top * 0.15, 0 if top == 10 else 1, top)
            # Most improve a little, some stay the same, one or two slip back.
            step = rng.choices([-1, 0, 1, 2], weights=[1, 3, 5, 2])[0] * (2 if top == 10 else 1)
            before[code], after[code] = start, max(0 if top == 10 else 1, min(top, start + step))
        before["hopes"] = rng.choice(hopes)
        after["most_useful"] = rng.choice(useful)
        after["recommend"] = rng.choices(["yes", "maybe", "no"], weights=[7, 2, 1])[0]
        await surveys.submit_response(
            pre,
            _answers(pre_questions, before),
            submission_key=f"demo-pre-{index}",
            language="id",
            participant_id=participant_id,
            now=now - timedelta(days=15, hours=rng.randint(0, 30)),
        )
        await surveys.submit_response(
            post,
            _answers(post_questions, after),
            submission_key=f"demo-post-{index}",
            language="id",
            participant_id=participant_id,
            now=now - timedelta(hours=rng.randint(1, 20)),
        )
    return pre_id, post_id


async def _seed_imported_assessment(staff_ids: dict[str, int], water_id: int) -> int:
    """The example KoBoToolbox-shaped form, imported as an organizer would at /surveys/import: a draft with its
    report of the rows Gotong did not take (metadata, GPS, a condition it cannot express)."""
    actor = await _staff(staff_ids, "siti")
    assert actor is not None
    values = {"purpose": "needs_assessment", "program": water_id, "anonymous": True}
    survey_id, _notes = await import_survey(
        actor, read_xlsform(EXAMPLE_XLSFORM.read_bytes()), EXAMPLE_XLSFORM.name, values
    )
    return survey_id


async def seed_demo_surveys(
    staff_ids: dict[str, int], programs: dict[Any, Any], today: date | None = None
) -> dict[str, int]:
    """Creates the demo surveys once; returns their ids by name (empty when surveys already exist or programs are
    missing)."""
    if await Survey.count().run() > 0:
        return {}
    today = today or clock.organisation_today()
    rng = random.Random(2026)
    created: dict[str, int] = {}
    water_id = await _resolve_program(programs, WATER_SLUG)
    if water_id is not None:
        created["needs_assessment"] = await _seed_needs_assessment(staff_ids, water_id, today, rng)
        created["imported_assessment"] = await _seed_imported_assessment(staff_ids, water_id)
    workshop_id = await _resolve_program(programs, PARENTING_SLUG)
    if workshop_id is not None:
        created["pre"], created["post"] = await _seed_prepost(staff_ids, workshop_id, today, rng)
    return created
