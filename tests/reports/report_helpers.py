"""Builders for report tests: a workshop whose every figure is computed by hand in the docstring of `workshop_fixture`,
and bulk builders for query-count tests. Reuses the attendance and survey test helpers."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

_TESTS = Path(__file__).resolve().parent.parent
for folder in ("attendance", "surveys"):
    if str(_TESTS / folder) not in sys.path:
        sys.path.insert(0, str(_TESTS / folder))

from attendance_helpers import NOW, enrol, mark, program_row, session_at  # noqa: E402
from factories import keep_figures, make_program  # noqa: E402

WEEK = timedelta(weeks=1)


@dataclass
class Workshop:
    program: Any
    row: dict
    sessions: dict[str, dict] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)


async def workshop_fixture(now: datetime = NOW, **program_values) -> Workshop:
    """A skill workshop around `now` (the fixed clock NOW for rule tests, the real clock for pages), all people
    enrolled ten weeks before it.

    Sessions: s1 held (-6 w), s2 held (-5 w), s3 cancelled (-4 w), s4 held (-3 w, one guest), s5 scheduled (-2 w) with
    no attendance taken, s6 scheduled (+1 w), s7 cancelled (+2 w).
      planned (not cancelled, future included) = s1 s2 s4 s5 s6 = 5; held = 3; cancelled = 2; to come = 1;
      not taken = 1.
    People (present/late attend; excused leaves the count; unmarked on a held session is absent):
      Ani   enrolled          s1 present, s2 present, s4 late          3/3 = 100 %  -> 75–100
      Budi  completed (-1 d)  s1 present, s2 absent,  s4 present       2/3 =  67 %  -> 50–75
      Citra withdrawn (-4 w)  s1 absent,  s2 present (left before s4)  1/2 =  50 %  -> 50–75
      Dewi  enrolled, erased  s1 absent,  s2 excused, s4 absent        0/2 =   0 %  ->  0–25
      Eko   enrolled at -3.5 w                      s4 present          1/1 = 100 %  -> 75–100
      Hadi  enrolled          s1 late, s2 and s4 unmarked              1/3 =  33 %  -> 25–50
      Fitri waitlisted; Gita withdrew before joining (no enrolled_at): neither took part.
      took part 6, still enrolled 4 (Ani Dewi Eko Hadi), completed 1, withdrew 1, retained 5 (5/6), anonymised 1.
      overall: attended 8, absent 6 -> 8/14.
    Per session: s1 3 of 5 came (3/5 = 60 %); s2 2 came, 1 excused, 2 absent (2/4 = 50 %); s4 3 of 5 came (60 %),
    1 guest.
    Goals: 0 -> 10 now 10 (reached), 50 -> 20 now 35 (half way), 0 -> 5 not measured.
    """
    from server.enrolment.tables import Enrolment
    from server.people.tables import Participant
    from server.programs.tables import Goal

    values = dict(slug="menjahit", title="Kelas Menjahit", kind="skill_workshop", phase="implementation")
    values.update(program_values)
    program = await make_program(**values)
    w = Workshop(program=program, row=await program_row(program))
    start = now - 6 * WEEK
    for name, offset, status in (
        ("s1", 0, "held"),
        ("s2", 1, "held"),
        ("s3", 2, "cancelled"),
        ("s4", 3, "held"),
        ("s5", 4, "scheduled"),
        ("s6", 7, "scheduled"),
        ("s7", 8, "cancelled"),
    ):
        w.sessions[name] = await session_at(program, start + offset * WEEK, status=status, topic=f"Topik {name}")
    joined = now - 10 * WEEK
    w.people["Ani"] = await enrol(program, "Ani", joined)
    w.people["Budi"] = await enrol(program, "Budi", joined, status="completed", ended_at=now - timedelta(days=1))
    w.people["Citra"] = await enrol(program, "Citra", joined, status="withdrawn", ended_at=now - 4 * WEEK)
    w.people["Dewi"] = await enrol(program, "Dewi", joined)
    w.people["Eko"] = await enrol(program, "Eko", now - 3 * WEEK - timedelta(days=3))
    w.people["Hadi"] = await enrol(program, "Hadi", joined)
    for name, status in (("Fitri", "waitlisted"), ("Gita", "withdrawn")):
        person = Participant(display_name=name)
        await person.save().run()
        await Enrolment(participant=person.id, program=program.id, status=status).save().run()
        await keep_figures(program.id)
        w.people[name] = person.id
    s1, s2, s4 = w.sessions["s1"], w.sessions["s2"], w.sessions["s4"]
    for session, marks in (
        (s1, {"Ani": "present", "Budi": "present", "Citra": "absent", "Dewi": "absent", "Hadi": "late"}),
        (s2, {"Ani": "present", "Budi": "absent", "Citra": "present", "Dewi": "excused"}),
        (s4, {"Ani": "late", "Budi": "present", "Dewi": "absent", "Eko": "present"}),
    ):
        for name, status in marks.items():
            await mark(session, w.people[name], status)
    await mark(s4, None, "present", guest_label="Tamu")
    # Dewi asked to be erased: her marks stay as anonymous counts.
    await (
        Participant.update(
            {Participant.display_name: f"#{w.people['Dewi']}", Participant.anonymised_at: now - 2 * WEEK}
        )
        .where(Participant.id == w.people["Dewi"])
        .run()
    )
    await Goal.insert(
        Goal(
            program=program.id,
            statement="Peserta bisa menjahit baju",
            baseline=0.0,
            target=10.0,
            current_value=10.0,
            position=0,
        ),
        Goal(
            program=program.id,
            statement="Biaya per peserta turun",
            baseline=50.0,
            target=20.0,
            current_value=35.0,
            position=1,
        ),
        Goal(program=program.id, statement="Peserta membuka usaha", baseline=0.0, target=5.0, position=2),
    ).run()
    await keep_figures(program.id)
    return w


async def bulk_program(slug: str, sessions: int, people: int, now: datetime, **values) -> Any:
    """A program with `sessions` held sessions in the past and `people` members who all came, in few statements."""
    from factories import make_session

    from server.attendance.tables import Attendance
    from server.enrolment.tables import Enrolment
    from server.people.tables import Consent, Participant
    from server.schedule.services import new_uid
    from server.schedule.tables import ProgramSession

    program = await make_program(slug=slug, title=f"Program {slug}", **values)
    first = now - timedelta(days=sessions + 1)
    await ProgramSession.insert(
        *[
            ProgramSession(
                program=program.id,
                uid=new_uid(),
                status="held",
                starts_at=first + timedelta(days=n),
                ends_at=first + timedelta(days=n, hours=1),
                topic=f"Topik {n}",
            )
            for n in range(sessions)
        ]
    ).run()
    # A past session with no attendance, a future one and a cancelled one, whatever the size.
    await make_session(program, starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=4))
    await make_session(program, starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=1))
    await make_session(
        program, starts_at=now - timedelta(hours=30), ends_at=now - timedelta(hours=29), status="cancelled"
    )
    await Participant.insert(
        *[
            Participant(display_name=f"{slug} peserta {n}", phone=f"0812{n:08d}", phone_digits=f"0812{n:08d}")
            for n in range(people)
        ]
    ).run()
    ids = [
        row["id"]
        for row in await Participant.select(Participant.id)
        .where(Participant.display_name.like(f"{slug} peserta %"))
        .run()
    ]
    await Enrolment.insert(
        *[
            Enrolment(participant=pid, program=program.id, status="enrolled", enrolled_at=first - timedelta(days=1))
            for pid in ids
        ]
    ).run()
    await Consent.insert(
        *[Consent(participant=pid, purpose="participation", text_version="2026-11") for pid in ids[: len(ids) // 2]]
    ).run()
    session_ids = [
        row["id"]
        for row in await ProgramSession.select(ProgramSession.id)
        .where((ProgramSession.program == program.id) & (ProgramSession.status == "held"))
        .run()
    ]
    rows = [Attendance(session=sid, participant=pid, status="present") for sid in session_ids for pid in ids]
    for start in range(0, len(rows), 200):
        await Attendance.insert(*rows[start : start + 200]).run()
    await keep_figures(program.id)
    return program


class page_queries:
    """The SQL statements a block runs, as tests/querycount.count_queries counts them, leaving out the session
    store's own reads and writes (framework machinery around every request, not the page's work). The statements are
    kept so that a failing comparison shows what differed."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __enter__(self) -> page_queries:
        from piccolo.engine import engine_finder

        self._class = type(engine_finder())
        self._original = self._class.run_querystring
        original, statements = self._original, self.statements

        async def counting(engine, querystring, in_pool=True):
            text = str(querystring)
            if '"stored_value"' not in text:
                statements.append(text)
            return await original(engine, querystring, in_pool=in_pool)

        self._class.run_querystring = counting
        return self

    def __exit__(self, *exc: object) -> None:
        self._class.run_querystring = self._original

    @property
    def count(self) -> int:
        return len(self.statements)


def query_difference(few: page_queries, many: page_queries) -> str:
    """The statements of two runs side by side, for an assertion message."""
    lines = [f"{few.count} vs {many.count} statements"]
    for name, run in (("few", few), ("many", many)):
        lines += [f"--- {name}"] + [" ".join(statement.split())[:160] for statement in run.statements]
    return "\n".join(lines)
