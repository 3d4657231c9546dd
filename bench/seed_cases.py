"""Case files and "who was served" answers for the large organisation (bench/reports.py seeds them after
seed_large): 2 % of the participants have a case, held by the bench organizer, a second case worker (some under the
organizer's supervision) or nobody the organizer may see, with two assessments, a plan, notes, referrals in every
status and, for closed cases, follow-up checks. Bulk inserts, as seed_large: a few seconds at scale 1."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from seed_large import _insert

CASE_SHARE = 50  # one participant in 50 has a case
NOTES_PER_CASE = 12
# The case the bench opens (the organizer's first): a long file, more notes than the page shows.
LONG_CASE_NOTES = 400
PARTNERS = 20
DOMAINS = (
    "income_work",
    "housing",
    "health",
    "mental_health",
    "family_safety",
    "education",
    "legal_documents",
    "social_support",
)
NOTE_KINDS = ("contact", "home_visit", "phone", "counselling", "progress", "crisis")
REFERRAL_STATUSES = ("sent", "accepted", "declined", "completed", "no_response")
OUTCOMES = ("goals_met", "partly_met", "not_met", "moved_away", "declined_services")
NOTE_TEXT = (
    "Ibu datang ke kantor bersama anaknya. Kami membicarakan pekerjaan, sewa rumah dan jadwal kontrol ke puskesmas. "
    "Dia ingin mencoba lagi melamar di pabrik garmen dekat rumah."
)


async def seed_profiles() -> None:
    """The optional "about you" answers of most participants (about one in seven answered nothing), so that the
    breakdowns have every group: gender, year of birth, Washington Group code and area."""
    from piccolo.engine import engine_finder

    await engine_finder().run_ddl(
        """
        UPDATE participant SET
            gender = CASE id % 7 WHEN 0 THEN '' WHEN 1 THEN 'male' WHEN 2 THEN 'male' WHEN 3 THEN 'another'
                                 ELSE 'female' END,
            birth_year = CASE WHEN id % 7 = 0 THEN NULL ELSE 1940 + id % 70 END,
            disability = CASE WHEN id % 7 = 0 THEN '' WHEN id % 9 = 0 THEN '113111' ELSE '111111' END,
            area = CASE WHEN id % 7 = 0 THEN '' ELSE 'Kelurahan ' || (id % 40) END
        """
    )


async def seed_cases(organizer_id: int, other_worker_id: int) -> None:
    """Cases for one participant in CASE_SHARE. A third are the organizer's own, a third the other worker's under
    the organizer's supervision, a third the other worker's alone (on no list of the organizer's)."""
    from server.cases.followup_tables import FollowUp
    from server.cases.plan_tables import CaseGoal, CaseStep, PlanAgreement
    from server.cases.referral_tables import Referral
    from server.cases.tables import Case, CaseAssessment, CaseNote, CaseRating
    from server.people.tables import Participant
    from server.programs.tables import Partner, Program

    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date()
    participants = [row["id"] for row in await Participant.select(Participant.id).order_by(Participant.id).run()]
    people = participants[::CASE_SHARE]
    programs = [row["id"] for row in await Program.select(Program.id).order_by(Program.id).run()]
    await _insert(Partner, [Partner(name=f"Mitra {n}", phone=f"021{n:07d}") for n in range(PARTNERS)])
    partners = [row["id"] for row in await Partner.select(Partner.id).order_by(Partner.id).run()][-PARTNERS:]

    cases = []
    for n, pid in enumerate(people):
        opened = now - timedelta(days=20 + (n * 7) % 340)
        closed = n % 4 == 3
        cases.append(
            Case(
                participant=pid,
                case_worker=organizer_id if n % 3 == 0 else other_worker_id,
                supervisor=organizer_id if n % 3 == 1 else None,
                status="closed" if closed else "open",
                crisis=not closed and n % 10 == 0,
                own_words="Saya ingin anak-anak tetap sekolah dan punya penghasilan tetap.",
                opened_at=opened,
                opened_by=organizer_id,
                closed_at=opened + timedelta(days=15) if closed else None,
                closed_by=organizer_id if closed else None,
                outcome=OUTCOMES[n % len(OUTCOMES)] if closed else "",
                updated_at=opened,
            )
        )
    await _insert(Case, cases)
    rows = await Case.select(Case.id, Case.opened_at, Case.closed_at).order_by(Case.id).run()
    rows = rows[-len(people) :]

    assessments = []
    for row in rows:
        opened = _day(row["opened_at"])
        for day in (opened, min(today, opened + timedelta(days=10))):
            assessments.append(
                CaseAssessment(case=row["id"], assessed_on=day, recorded_by=organizer_id, recorded_at=now)
            )
    await _insert(CaseAssessment, assessments)
    assessment_ids = [r["id"] for r in await CaseAssessment.select(CaseAssessment.id).order_by(CaseAssessment.id).run()]
    await _insert(
        CaseRating,
        [
            CaseRating(assessment=aid, domain=domain, rating=1 + (aid + d) % 5, note="Catatan singkat.")
            for aid in assessment_ids[-len(assessments) :]
            for d, domain in enumerate(DOMAINS)
        ],
    )

    notes = []
    for n, row in enumerate(rows):
        count = LONG_CASE_NOTES if n == 0 else NOTES_PER_CASE
        opened = row["opened_at"]
        for k in range(count):
            notes.append(
                CaseNote(
                    case=row["id"],
                    written_at=opened + timedelta(hours=6 * k),
                    author=organizer_id,
                    kind=NOTE_KINDS[k % len(NOTE_KINDS)],
                    text=NOTE_TEXT,
                )
            )
    await _insert(CaseNote, notes)

    goals = [
        CaseGoal(
            case=row["id"],
            text=f"Tujuan {g + 1}: penghasilan tetap",
            status=("open", "open", "achieved", "dropped")[(n + g) % 4],
            target_date=today + timedelta(days=30 * (g + 1)),
            position=g,
            created_at=row["opened_at"],
            changed_at=row["opened_at"],
        )
        for n, row in enumerate(rows)
        for g in range(3)
    ]
    await _insert(CaseGoal, goals)
    goal_ids = [r["id"] for r in await CaseGoal.select(CaseGoal.id).order_by(CaseGoal.id).run()][-len(goals) :]
    await _insert(
        CaseStep,
        [
            CaseStep(
                goal=gid,
                text=f"Langkah {s + 1}",
                who=("person", "case_worker")[s],
                due_on=today + timedelta(days=7 * (s + 1)),
                done_at=now if (gid + s) % 3 == 0 else None,
            )
            for gid in goal_ids
            for s in range(2)
        ],
    )
    await _insert(
        PlanAgreement,
        [
            PlanAgreement(case=row["id"], agreed_on=_day(row["opened_at"]), recorded_by=organizer_id)
            for row in rows
            if row["id"] % 5
        ],
    )

    referrals = []
    for n, row in enumerate(rows):
        for r in range(2):
            status = REFERRAL_STATUSES[(n + r) % len(REFERRAL_STATUSES)]
            to_program = (n + r) % 4 == 0
            referrals.append(
                Referral(
                    case=row["id"],
                    partner=None if to_program else partners[(n + r) % len(partners)],
                    program=programs[(n * 7 + r) % len(programs)] if to_program else None,
                    reason="Butuh pendampingan hukum untuk akta kelahiran anak.",
                    shares_named_details=r == 0,
                    status=status,
                    follow_up_on=today + timedelta(days=(n % 30) - 10),
                    created_by=organizer_id,
                    created_at=row["opened_at"],
                    updated_at=row["opened_at"],
                    closed_at=None if status in ("sent", "accepted") else now,
                )
            )
    await _insert(Referral, referrals)

    follow_ups = []
    for row in rows:
        if row["closed_at"] is None:
            continue
        closed_on = _day(row["closed_at"])
        for months in (1, 3, 6):
            due = closed_on + timedelta(days=30 * months)
            past = due <= today
            follow_ups.append(
                FollowUp(
                    case=row["id"],
                    due_on=due,
                    status="skipped" if past else "planned",
                    skip_reason="no_contact" if past else "",
                )
            )
    await _insert(FollowUp, follow_ups)


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value
