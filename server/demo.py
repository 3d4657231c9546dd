"""Demo data that looks like a small Indonesian NGO: staff of each role and one program of each kind.

Over 450 lines because it is mostly data (names, sessions, attendance patterns) written out to be read; the few
functions only insert it."""

from __future__ import annotations

from datetime import date, time, timedelta

from server import clock
from server.attendance import stats
from server.attendance.tables import Attendance
from server.cases.demo import seed_demo_cases
from server.enrolment.tables import Enrolment, EnrolmentChange, Rsvp
from server.imports.demo import seed_demo_import
from server.people.consent import record_consent
from server.people.links import reissue_personal_links
from server.people.participants import create_participant
from server.people.staff import create_staff
from server.people.tables import Participant, Staff
from server.programs.tables import (
    Goal,
    GoalUpdate,
    Milestone,
    Partner,
    PhaseChange,
    Program,
    ProgramPartner,
    TeamMember,
)
from server.reports import checks_kept
from server.reports.tables import Evaluation
from server.schedule import recurrence
from server.schedule.services import create_series
from server.schedule.tables import ProgramSession
from server.surveys.demo import seed_demo_surveys

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


async def demo_personal_links(names: tuple[str, ...] = ("Sarah Johnson", "Melati")) -> list[tuple[str, str]]:
    """Fresh personal links for a few demo participants: only hashes are stored, so printing a link means
    issuing a new one (the previous link of that person stops working)."""
    rows = (
        await Participant.select(Participant.id, Participant.display_name)
        .where(Participant.display_name.is_in(list(names)) & Participant.anonymised_at.is_null())
        .order_by(Participant.id)
        .run()
    )
    return [(row["display_name"], await reissue_personal_links(None, row["id"])) for row in rows]


async def seed_demo(today: date | None = None) -> bool:
    """Loads the demo organisation once; returns False when the database already has staff."""
    if await Staff.count().run() > 0:
        return False
    today = today or date.today()
    staff_ids = {}
    for username, (name, email, role) in _STAFF.items():
        staff_ids[username] = await create_staff(
            username=username,
            email=email,
            password=DEMO_PASSWORD,
            display_name=name,
            role=role,
            locale="en" if username == "maria" else "",
        )

    support = Program(
        slug="kelompok-selasa-sore",
        kind="support_group",
        title="Kelompok Dukungan Sebaya ODHIV",
        public_title="Kelompok Selasa Sore",
        discreet=True,
        place_members_only=True,
        summary="Kelompok dukungan sebaya yang rahasia dan aman. / A confidential, safe peer support group.",
        visibility="public",
        phase="implementation",
        timezone="Asia/Jakarta",
        default_location="Ruang Teratai, Puskesmas Kecamatan Coblong, Bandung",
        capacity=8,
        enrolment_mode="approval",
        starts_on=today - timedelta(days=42),
    )
    workshop = Program(
        slug="pengasuhan-positif",
        kind="skill_workshop",
        title="Pelatihan Pengasuhan Positif",
        summary=(
            "Delapan sesi tentang pengasuhan tanpa kekerasan untuk orang tua. / "
            "Eight sessions on non-violent parenting."
        ),
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
        summary=(
            "Warga, puskesmas dan PDAM bersama membangun akses air bersih. / "
            "Residents, the clinic and the water utility building clean water access together."
        ),
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

    await _seed_planning(today, staff_ids, support, workshop, water)

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
    await _seed_people(staff_ids, support, workshop)
    await _seed_finished_workshop(today, staff_ids)
    await seed_demo_surveys(staff_ids, {"air-bersih-cibaduyut": water, "pengasuhan-positif": workshop}, today)
    await seed_demo_cases(staff_ids, today)
    await seed_demo_import(staff_ids["siti"], water.id, today)
    # The demo writes marks and enrolments directly, not through the services that keep the figures.
    await stats.rebuild_all()
    await checks_kept.rebuild_all()
    return True


async def _seed_planning(
    today: date, staff_ids: dict[str, int], support: Program, workshop: Program, water: Program
) -> None:
    """Assessment notes, goals with history, partners and milestones, so each tab shows real content."""
    await (
        Program.update(
            {
                Program.assessment_notes: (
                    "Asesmen Agustus: 14 dari 20 orang tua di RW 05 masih memakai hukuman fisik; "
                    "mereka meminta cara lain yang praktis."
                )
            }
        )
        .where(Program.id == workshop.id)
        .run()
    )
    await (
        Program.update(
            {
                Program.assessment_notes: (
                    "Survei 120 KK: 62% membeli air jeriken; sumur dangkal tercemar bakteri E. coli (uji Puskesmas)."
                )
            }
        )
        .where(Program.id == water.id)
        .run()
    )
    await (
        Program.update(
            {Program.assessment_notes: "Rujukan dari Puskesmas: 11 orang meminta dukungan sebaya setelah diagnosis."}
        )
        .where(Program.id == support.id)
        .run()
    )
    for program, steps in (
        (support, ["planning", "implementation"]),
        (workshop, ["planning", "implementation"]),
        (water, ["planning"]),
    ):
        previous = "assessment"
        for step in steps:
            await PhaseChange.insert(
                PhaseChange(program=program.id, from_phase=previous, to_phase=step, changed_by=staff_ids["siti"])
            ).run()
            previous = step

    parenting = Goal(
        program=workshop.id,
        statement="Orang tua memakai disiplin positif di rumah",
        indicator="Peserta yang melaporkan tanpa hukuman fisik minggu lalu",
        unit="%",
        baseline=30.0,
        target=80.0,
        current_value=55.0,
        due_on=today + timedelta(days=60),
    )
    attendance = Goal(
        program=workshop.id,
        statement="Peserta menyelesaikan pelatihan",
        indicator="Peserta dengan kehadiran minimal 75%",
        unit="orang",
        baseline=0.0,
        target=16.0,
        due_on=today + timedelta(days=45),
        position=1,
    )
    wellbeing = Goal(
        program=support.id,
        statement="Anggota merasa didukung",
        indicator="Skor rata-rata dukungan sosial (1–5)",
        unit="skor",
        baseline=2.4,
        target=4.0,
        current_value=3.1,
        due_on=today + timedelta(days=90),
    )
    access = Goal(
        program=water.id,
        statement="Rumah tangga punya akses air bersih",
        indicator="KK tersambung ke jaringan air bersih",
        unit="KK",
        baseline=0.0,
        target=120.0,
        due_on=today + timedelta(days=300),
    )
    for goal in (parenting, attendance, wellbeing, access):
        await goal.save().run()
    await GoalUpdate.insert(
        GoalUpdate(goal=parenting.id, value=42.0, note="Setelah sesi 2", recorded_by=staff_ids["budi"]),
        GoalUpdate(goal=parenting.id, value=55.0, note="Setelah sesi 3", recorded_by=staff_ids["budi"]),
        GoalUpdate(goal=wellbeing.id, value=3.1, note="Survei bulan kedua", recorded_by=staff_ids["maria"]),
    ).run()

    puskesmas = Partner(
        name="Puskesmas Kecamatan Coblong",
        contact_name="dr. Ratna Wulandari",
        phone="022 250 1234",
        email="puskesmas.coblong@example.id",
    )
    pdam = Partner(
        name="PDAM Tirtawening",
        contact_name="Ir. Hendra Gunawan",
        phone="022 420 0000",
        website="https://pdam.example.id",
    )
    karang_taruna = Partner(name="Karang Taruna Cibaduyut", contact_name="Rizky Ramadhan", phone="0812 2233 4455")
    for partner in (puskesmas, pdam, karang_taruna):
        await partner.save().run()
    await ProgramPartner.insert(
        ProgramPartner(program=support.id, partner=puskesmas.id, role="Rujukan dan ruang pertemuan"),
        ProgramPartner(program=water.id, partner=pdam.id, role="Desain jaringan dan sambungan"),
        ProgramPartner(program=water.id, partner=karang_taruna.id, role="Relawan survei dan kerja bakti"),
        ProgramPartner(program=water.id, partner=puskesmas.id, role="Uji kualitas air"),
    ).run()

    await Milestone.insert(
        Milestone(
            program=water.id,
            title="Survei sumber air dan pemetaan rumah tangga",
            due_on=today - timedelta(days=20),
            owner="Karang Taruna",
            status="done",
        ),
        Milestone(
            program=water.id,
            title="Musyawarah warga: pilih lokasi tandon",
            due_on=today + timedelta(days=14),
            owner="Agus Pratama",
            status="in_progress",
        ),
        Milestone(
            program=water.id,
            title="Perjanjian kerja sama dengan PDAM",
            due_on=today + timedelta(days=45),
            owner="Siti Rahmawati",
            status="planned",
        ),
        Milestone(
            program=water.id,
            title="Pembangunan tandon dan jaringan pipa",
            due_on=today + timedelta(days=150),
            owner="PDAM Tirtawening",
            status="planned",
        ),
        Milestone(
            program=water.id,
            title="Izin lahan dari kelurahan",
            due_on=today + timedelta(days=7),
            owner="Siti Rahmawati",
            status="blocked",
            note="Menunggu tanda tangan lurah",
        ),
    ).run()


SUPPORT_MEMBERS = ["Melati", "Anggrek", "Kenanga", "Teratai", "Kamboja", "Cempaka", "Dahlia", "Flamboyan"]
SUPPORT_WAITLIST = ["Mawar", "Seruni"]
WORKSHOP_MEMBERS = [
    "Ibu Sri Wahyuni",
    "Pak Joko Susilo",
    "Ibu Rina Marlina",
    "Ibu Yuli Astuti",
    "Pak Dedi Kurniawan",
    "Ibu Nur Hasanah",
    "Ibu Ani Suryani",
    "Pak Hendra Wijaya",
    "Ibu Lilis Suryati",
    "Ibu Tuti Alawiyah",
    "Ibu Eka Putri",
    "Pak Ahmad Fauzi",
    "Ibu Wulan Sari",
    "Sarah Johnson",
]
# Who has stopped coming lately (the early warning should show them).
DRIFTING = {"Kamboja", "Pak Dedi Kurniawan"}


async def _seed_people(staff_ids: dict[str, int], support: Program, workshop: Program) -> None:
    """Participants with consent, enrolments, a waitlist, attendance for past sessions and RSVPs (personal goals are
    in the demo cases' plans, server/cases/demo.py)."""
    now = clock.now()
    for program, members, waitlist, facilitator in (
        (support, SUPPORT_MEMBERS, SUPPORT_WAITLIST, staff_ids["maria"]),
        (workshop, WORKSHOP_MEMBERS, [], staff_ids["budi"]),
    ):
        sessions = (
            await ProgramSession.select()
            .where(ProgramSession.program == program.id)
            .order_by(ProgramSession.starts_at)
            .run()
        )
        past = [s for s in sessions if s["ends_at"] < now]
        upcoming = [s for s in sessions if s["starts_at"] > now][:3]
        first_start = sessions[0]["starts_at"]
        for index, name in enumerate(members + waitlist):
            number = 3400_0000 + program.id * 1000 + index
            contact = bool(index % 4)  # one in four declined to be contacted, so no phone number is kept
            pid = await create_participant(
                None,
                {
                    "display_name": name,
                    "phone": f"0812 {number // 10000:04d} {number % 10000:04d}" if contact else "",
                    "preferred_locale": "en" if name == "Sarah Johnson" else "id",
                    "notes": "Dirujuk oleh Puskesmas." if program is support and index % 3 == 0 else "",
                },
                ("participation", "data_collection") + (("contact",) if contact else ()),
            )
            waiting = name in waitlist
            enrolment = Enrolment(
                participant=pid,
                program=program.id,
                status="waitlisted" if waiting else "enrolled",
                requested_at=first_start - timedelta(days=7 - index * 0.1),
                enrolled_at=None if waiting else first_start - timedelta(days=7),
            )
            await enrolment.save().run()
            await EnrolmentChange.insert(
                EnrolmentChange(
                    enrolment=enrolment.id, program=program.id, to_status=enrolment.status, changed_by=facilitator
                )
            ).run()
            if waiting:
                continue
            marks = []
            for position, session in enumerate(past):
                recent = position >= len(past) - 2
                if name in DRIFTING and recent:
                    status = "absent"
                elif (index + position) % 9 == 4:
                    status = "excused"
                elif (index + position) % 7 == 3:
                    status = "late"
                elif (index * 3 + position) % 11 == 5:
                    status = "absent"
                else:
                    status = "present"
                marks.append(
                    Attendance(
                        session=session["id"],
                        participant=pid,
                        status=status,
                        recorded_by=facilitator,
                        recorded_at=session["ends_at"],
                    )
                )
            if marks:
                await Attendance.insert(*marks).run()
            for position, session in enumerate(upcoming):
                await Rsvp.insert(
                    Rsvp(
                        session=session["id"],
                        participant=pid,
                        response="not_going" if (index + position) % 5 == 0 else "going",
                    )
                ).run()
        for session in past:
            await ProgramSession.update({ProgramSession.status: "held"}).where(ProgramSession.id == session["id"]).run()


SEWING_MEMBERS = [
    "Ibu Aminah",
    "Ibu Ratna Dewi",
    "Ibu Sulastri",
    "Ibu Kartini",
    "Ibu Nining",
    "Ibu Wati",
    "Ibu Ijah",
    "Ibu Yanti",
]


async def _seed_finished_workshop(today: date, staff_ids: dict[str, int]) -> None:
    """A workshop that has finished and is in evaluation, with a full report: goals met or not, attendance,
    completions, one withdrawal and the facilitator's written evaluation."""
    start = _next_weekday(today - timedelta(days=70), 2)
    sewing = Program(
        slug="menjahit-usaha-rumahan",
        kind="skill_workshop",
        title="Menjahit untuk Usaha Rumahan",
        summary="Enam sesi menjahit dasar dan menghitung harga jual. / Six sessions of basic sewing and pricing.",
        visibility="public",
        phase="evaluation",
        timezone="Asia/Jakarta",
        default_location="Rumah Produksi RW 03, Cibaduyut",
        capacity=10,
        enrolment_mode="closed",
        starts_on=start,
        ends_on=start + timedelta(days=35),
        completion_threshold=75,
        assessment_notes=(
            "Ibu-ibu RW 03 ingin penghasilan tambahan dari rumah; 9 dari 12 belum bisa memakai mesin jahit."
        ),
    )
    await sewing.save().run()
    await TeamMember.insert(
        TeamMember(program=sewing.id, staff=staff_ids["budi"], role="lead"),
        TeamMember(program=sewing.id, staff=staff_ids["siti"], role="organizer"),
    ).run()
    await Goal.insert(
        Goal(
            program=sewing.id,
            statement="Peserta bisa menjahit produk sendiri",
            indicator="Peserta yang menyelesaikan tas kain",
            unit="orang",
            baseline=0.0,
            target=7.0,
            current_value=6.0,
            due_on=start + timedelta(days=35),
        ),
        Goal(
            program=sewing.id,
            statement="Peserta mulai menjual hasil jahitan",
            indicator="Peserta dengan penjualan pertama",
            unit="orang",
            baseline=0.0,
            target=4.0,
            current_value=2.0,
            due_on=start + timedelta(days=60),
            position=1,
        ),
    ).run()
    await create_series(
        program_id=sewing.id,
        rrule=recurrence.build_rrule(frequency="weekly", first_day=start, weekdays=["WE"], count=6),
        local_start=recurrence.local_datetime(start, time(13, 0)),
        duration_minutes=150,
        timezone_name="Asia/Jakarta",
        location=sewing.default_location,
    )
    sessions = (
        await ProgramSession.select()
        .where(ProgramSession.program == sewing.id)
        .order_by(ProgramSession.starts_at)
        .run()
    )
    await ProgramSession.update({ProgramSession.status: "held"}).where(ProgramSession.program == sewing.id).run()
    enrolled_at = sessions[0]["starts_at"] - timedelta(days=5)
    for index, name in enumerate(SEWING_MEMBERS):
        pid = await create_participant(None, {"display_name": name, "preferred_locale": "id"})
        for purpose in ("participation", "data_collection", "contact"):
            await record_consent(pid, purpose, actor=None)
        withdrew = index == 7
        ended = sessions[2]["ends_at"] + timedelta(days=1) if withdrew else sessions[-1]["ends_at"] + timedelta(days=1)
        status = "withdrawn" if withdrew else ("completed" if index < 6 else "enrolled")
        await Enrolment.insert(
            Enrolment(
                participant=pid,
                program=sewing.id,
                status=status,
                enrolled_at=enrolled_at,
                ended_at=ended if status != "enrolled" else None,
                reason="Pindah ke luar kota" if withdrew else "",
            )
        ).run()
        marks = []
        for position, session in enumerate(sessions):
            if withdrew and position > 2:
                break
            present = (index + position) % 6 != 5 and not (index == 6 and position % 2)
            marks.append(
                Attendance(
                    session=session["id"],
                    participant=pid,
                    status="present" if present else "absent",
                    recorded_by=staff_ids["budi"],
                    recorded_at=session["ends_at"],
                )
            )
        await Attendance.insert(*marks).run()
    await Evaluation.insert(
        Evaluation(
            program=sewing.id,
            written_by=staff_ids["budi"],
            text=(
                "Enam dari delapan peserta menyelesaikan pelatihan dan membuat tas kain sendiri; "
                "dua sudah menjual hasilnya di pasar RW. Kehadiran tinggi (rata-rata di atas 80 persen). "
                "Satu peserta pindah kota. Untuk angkatan berikut: tambahkan sesi "
                "tentang pemasaran daring dan pinjaman mesin jahit bergilir."
            ),
        )
    ).run()
