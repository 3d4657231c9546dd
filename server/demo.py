"""Demo data that looks like a small Indonesian NGO: staff of each role and one program of each kind."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from server.people.services import create_staff
from server.people.tables import Staff
from server.programs.tables import Program, TeamMember
from server.schedule import recurrence
from server.schedule.services import create_series

DEMO_PASSWORD = "gotong-demo"
DEMO_LOGINS = [
    ("admin", DEMO_PASSWORD, "admin"),
    ("siti", DEMO_PASSWORD, "organizer"),
    ("budi", DEMO_PASSWORD, "facilitator"),
    ("maria", DEMO_PASSWORD, "facilitator"),
    ("agus", DEMO_PASSWORD, "facilitator"),
]
_STAFF = {
    "admin": ("Dewi Lestari", "dewi@yayasan-gotong.example", "admin"),
    "siti": ("Siti Rahmawati", "siti@yayasan-gotong.example", "organizer"),
    "budi": ("Budi Santoso", "budi@yayasan-gotong.example", "facilitator"),
    "maria": ("Maria Ulfa", "maria@yayasan-gotong.example", "facilitator"),
    "agus": ("Agus Pratama", "agus@yayasan-gotong.example", "facilitator"),
}


def _next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


async def seed_demo(today: date | None = None) -> bool:
    """Loads the demo organisation once; returns False when the database already has staff."""
    if await Staff.count().run() > 0:
        return False
    today = today or date.today()
    staff_ids = {}
    for username, (name, email, role) in _STAFF.items():
        staff_ids[username] = await create_staff(
            username=username, email=email, password=DEMO_PASSWORD, display_name=name, role=role,
            locale="en" if username == "maria" else "",
        )

    support = Program(
        slug="kelompok-selasa-sore",
        kind="support_group",
        title="Kelompok Dukungan Sebaya ODHIV",
        public_title="Kelompok Selasa Sore",
        discreet=True,
        summary="Kelompok dukungan sebaya yang rahasia dan aman. / A confidential, safe peer support group.",
        visibility="public",
        phase="implementation",
        timezone="Asia/Jakarta",
        default_location="Ruang Teratai, Puskesmas Kecamatan Coblong, Bandung",
        capacity=12,
        enrolment_mode="approval",
        starts_on=today - timedelta(days=42),
    )
    workshop = Program(
        slug="pengasuhan-positif",
        kind="skill_workshop",
        title="Pelatihan Pengasuhan Positif",
        summary="Delapan sesi tentang pengasuhan tanpa kekerasan untuk orang tua. / Eight sessions on non-violent parenting.",
        description="Untuk orang tua dan pengasuh anak usia 0–12 tahun. Setiap sesi membahas satu topik praktis.",
        visibility="public",
        phase="implementation",
        timezone="Asia/Jakarta",
        default_location="Balai RW 05, Kelurahan Sukaluyu, Bandung",
        default_online_link="https://meet.example.org/pengasuhan-positif",
        capacity=20,
        enrolment_mode="open",
        starts_on=today - timedelta(days=14),
    )
    water = Program(
        slug="air-bersih-cibaduyut",
        kind="community_project",
        title="Air Bersih untuk Kampung Cibaduyut",
        summary="Warga, puskesmas dan PDAM bersama membangun akses air bersih. / Residents, the clinic and the water utility building clean water access together.",
        visibility="public",
        phase="planning",
        timezone="Asia/Jakarta",
        default_location="Aula Kelurahan Cibaduyut",
        enrolment_mode="open",
        area="Kelurahan Cibaduyut, Bandung",
        starts_on=today,
    )
    stress = Program(
        slug="kelola-stres-relawan",
        kind="skill_workshop",
        title="Manajemen Stres untuk Relawan",
        summary="Internal workshop for volunteers.",
        visibility="private",
        phase="planning",
        timezone="Asia/Jakarta",
        default_location="Kantor Yayasan, Jl. Dago 101",
        capacity=15,
        enrolment_mode="approval",
    )
    for program in (support, workshop, water, stress):
        await program.save().run()

    await TeamMember.insert(
        TeamMember(program=support.id, staff=staff_ids["maria"], role="lead"),
        TeamMember(program=support.id, staff=staff_ids["siti"], role="organizer"),
        TeamMember(program=workshop.id, staff=staff_ids["budi"], role="lead"),
        TeamMember(program=workshop.id, staff=staff_ids["agus"], role="co_facilitator"),
        TeamMember(program=workshop.id, staff=staff_ids["siti"], role="organizer"),
        TeamMember(program=water.id, staff=staff_ids["siti"], role="organizer"),
        TeamMember(program=water.id, staff=staff_ids["agus"], role="lead"),
        TeamMember(program=stress.id, staff=staff_ids["maria"], role="lead"),
    ).run()

    tuesday = _next_weekday(today - timedelta(days=42), 1)
    await create_series(
        program_id=support.id,
        rrule=recurrence.build_rrule(frequency="weekly", first_day=tuesday, weekdays=["TU"], count=20),
        local_start=recurrence.local_datetime(tuesday, time(16, 0)),
        duration_minutes=90,
        timezone_name="Asia/Jakarta",
        location=support.default_location,
    )
    saturday = _next_weekday(today - timedelta(days=14), 5)
    await create_series(
        program_id=workshop.id,
        rrule=recurrence.build_rrule(frequency="weekly", first_day=saturday, weekdays=["SA"], count=8),
        local_start=recurrence.local_datetime(saturday, time(9, 0)),
        duration_minutes=120,
        timezone_name="Asia/Jakarta",
        location=workshop.default_location,
        online_link=workshop.default_online_link,
    )
    first_of_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    second_thursday = _next_weekday(first_of_month, 3) + timedelta(days=7)
    await create_series(
        program_id=water.id,
        rrule=recurrence.build_rrule(frequency="monthly_weekday", first_day=second_thursday, count=6),
        local_start=recurrence.local_datetime(second_thursday, time(19, 0)),
        duration_minutes=120,
        timezone_name="Asia/Jakarta",
        topic="Musyawarah warga / Community meeting",
        location=water.default_location,
    )
    return True
