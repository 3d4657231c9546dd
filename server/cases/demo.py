"""Demo case files, made through the services: an open case in crisis with its intake and notes, an open case whose
second assessment shows change and whose open referral to a partner is followed up in a few days, and a case closed
with its goals met whose first follow-up survey was answered."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from server import clock
from server.cases import followups, referrals, services
from server.cases.tables import Case
from server.people.participants import create_participant
from server.people.staff import active_staff
from server.programs.tables import Partner
from server.surveys import services as surveys
from server.web.access import CurrentStaff

# The partner the open demo referral goes to (made by the demo's program planning) and when it is followed up.
DEMO_PARTNER = "Puskesmas Kecamatan Coblong"
REFERRAL_FOLLOW_UP_DAYS = 3

FOLLOW_UP_QUESTIONS = [
    {
        "kind": "likert",
        "text": "Secara umum, bagaimana keadaan Anda sekarang?",
        "code": "now",
        "required": True,
        "options": [],
    },
    {
        "kind": "single",
        "text": "Apakah perubahan yang Anda capai masih bertahan?",
        "code": "lasting",
        "required": True,
        "options": [
            {"value": "yes", "label": "Ya"},
            {"value": "partly", "label": "Sebagian"},
            {"value": "no", "label": "Tidak"},
        ],
    },
    {"kind": "long_text", "text": "Apa yang masih Anda butuhkan?", "code": "needs", "required": False, "options": []},
]


async def _staff(staff_ids: dict[str, int], name: str) -> CurrentStaff:
    staff = await active_staff(staff_ids[name])
    assert staff is not None  # the demo's staff were just created, active
    return staff


async def _person(name: str, email: str = "", *, referral: bool = False) -> int:
    consents = (
        ["participation", "data_collection"] + (["contact"] if email else []) + (["referral"] if referral else [])
    )
    return await create_participant(None, {"display_name": name, "email": email, "preferred_locale": "id"}, consents)


async def _follow_up_survey(organizer: CurrentStaff, opens_on: date) -> dict[str, Any]:
    values = {
        "title": "Tindak lanjut setelah pendampingan",
        "purpose": "follow_up",
        "program": None,
        "intro": "Kami ingin tahu bagaimana keadaan Anda sekarang.",
        "consent_text": "",
        "opens_on": opens_on,
        "closes_on": None,
        "languages": "id",
        "anonymous": False,
    }
    survey = await surveys.get_survey(await surveys.create_survey(organizer, values))
    for question in FOLLOW_UP_QUESTIONS:
        spec = {"help": "", "min_value": None, "max_value": None, "show_if_question": None, "show_if_value": ""}
        await surveys.add_question(survey, {**spec, **question})
    await surveys.set_published(organizer, survey, True)
    return await surveys.get_survey(survey["id"])


async def seed_demo_cases(staff_ids: dict[str, int], today: date | None = None) -> list[int]:
    """Creates the three demo cases once (none when cases exist); returns their ids."""
    if await Case.count().run() > 0:
        return []
    now = clock.now()
    today = today or clock.organisation_today(now)
    organizer, maria, budi, agus = [await _staff(staff_ids, name) for name in ("siti", "maria", "budi", "agus")]

    crisis = await services.open_case(
        organizer,
        await _person("Ibu Wati"),
        case_worker_id=maria.id,
        supervisor_id=organizer.id,
        own_words="Saya ingin anak-anak saya aman dan saya bisa bekerja lagi.",
    )
    await services.record_assessment(
        maria,
        crisis,
        today - timedelta(days=3),
        {
            "family_safety": (1, "Ancaman kekerasan di rumah."),
            "housing": (2, "Menumpang di rumah kakak."),
            "income_work": (2, "Berhenti bekerja sejak bulan lalu."),
            "social_support": (3, "Kakaknya mendukung."),
        },
    )
    await services.add_note(maria, crisis, "home_visit", "Kunjungan rumah bersama kader. Rencana keselamatan dibuat.")
    await services.add_note(maria, crisis, "crisis", "Menelepon malam hari; dihubungkan dengan rumah aman.")
    await services.set_crisis(maria, crisis, True)

    change = await services.open_case(
        organizer,
        await _person("Pak Joko", referral=True),
        case_worker_id=budi.id,
        supervisor_id=organizer.id,
        own_words="Saya ingin punya penghasilan tetap dan berhenti minum.",
    )
    for days_ago, ratings in (
        (60, {"income_work": (1, "Tidak bekerja."), "health": (2, "Minum setiap hari."), "social_support": (2, "")}),
        (
            5,
            {
                "income_work": (3, "Kerja harian di bengkel."),
                "health": (3, "Ikut kelompok."),
                "social_support": (4, ""),
            },
        ),
    ):
        await services.record_assessment(budi, change, today - timedelta(days=days_ago), ratings)
    await services.add_note(budi, change, "counselling", "Sesi konseling ketiga: membahas pemicu dan rencana kerja.")
    # Referred, with his consent to share his details, to the health centre; followed up in three days.
    puskesmas = await Partner.select(Partner.id).where(Partner.name == DEMO_PARTNER).first().run()
    if puskesmas is not None:
        await referrals.refer(
            budi,
            change,
            reason="Pendampingan untuk berhenti minum: konsultasi dokter dan kelompok dukungan.",
            partner_id=puskesmas["id"],
            shares_named_details=True,
            follow_up_on=max(today, clock.organisation_today(now)) + timedelta(days=REFERRAL_FOLLOW_UP_DAYS),
        )

    # Closed seven weeks ago: its first follow-up (one month later) was sent and answered.
    closed_at = now - timedelta(days=49)
    with clock.frozen(now - timedelta(days=150)):
        closed = await services.open_case(
            organizer,
            await _person("Ibu Ratna", "ratna@example.org"),
            case_worker_id=agus.id,
            supervisor_id=organizer.id,
            own_words="Saya ingin anak saya kembali bersekolah.",
        )
        await services.record_assessment(
            agus, closed, clock.organisation_today(), {"education": (1, "Anak putus sekolah."), "income_work": (2, "")}
        )
    with clock.frozen(closed_at):
        await services.record_assessment(
            agus,
            closed,
            clock.organisation_today(),
            {"education": (4, "Anak kembali sekolah."), "income_work": (3, "")},
        )
        await services.close_case(agus, closed, "goals_met")
    survey = await _follow_up_survey(organizer, clock.organisation_today(closed_at))
    sent_at = closed_at + timedelta(days=32)
    await followups.send_due_followups(sent_at)
    invite = next(row for row in await followups.list_followups(closed) if row["status"] == "sent")
    questions = {q["code"]: q["id"] for q in await surveys.list_questions(survey["id"])}
    await surveys.submit_response(
        survey,
        [
            (questions["now"], "", 4.0),
            (questions["lasting"], "yes", None),
            (questions["needs"], "Modal usaha kecil.", None),
        ],
        submission_key="demo-follow-up-1",
        language="id",
        participant_id=invite["participant"],
        now=sent_at + timedelta(days=2),
    )
    await followups.record_answers()
    return [crisis, change, closed]
