"""Seeds a large organisation for benchmarks: 300 programs, 20,000 sessions, 5,000 participants, each times
BENCH_SCALE (default 1; 10 gives issue 13's 3,000 programs, 201,000 sessions and 50,000 participants)."""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import uuid
from datetime import UTC, datetime, timedelta

SCALE = max(1, int(os.environ.get("BENCH_SCALE", "1")))
PROGRAMS = 300 * SCALE
SESSIONS_PER_PROGRAM = 67  # 20,100 sessions at scale 1
PARTICIPANTS = 5000 * SCALE
BATCH = 400


async def _insert(table, rows) -> None:
    for start in range(0, len(rows), BATCH):
        await table.insert(*rows[start : start + BATCH]).run()


async def seed(seed_value: int = 7) -> dict[str, str]:
    """Returns the personal feed token of a participant with about 250 events in the feed window."""
    from server.enrolment.tables import Enrolment
    from server.people.tables import AccessToken, Participant
    from server.people.tokens import token_hash
    from server.programs.tables import Program
    from server.schedule.tables import ProgramSession

    rng = random.Random(seed_value)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    kinds = ["support_group", "skill_workshop", "community_project"]
    await _insert(
        Program,
        [
            Program(
                slug=f"program-{n}",
                kind=kinds[n % 3],
                title=f"Program {n}",
                public_title=f"Kelompok {n}",
                discreet=n % 5 == 0,
                visibility="public" if n % 4 else "private",
                phase="implementation",
                timezone="Asia/Jakarta",
                enrolment_mode="open",
                capacity=30,
            )
            for n in range(PROGRAMS)
        ],
    )
    program_ids = [row["id"] for row in await Program.select(Program.id).order_by(Program.id).run()]
    sessions = []
    for index, program_id in enumerate(program_ids):
        # Spread each program over two years around now, weekly, so most sessions fall outside any feed window.
        first = now - timedelta(days=400) + timedelta(hours=index)
        for week in range(SESSIONS_PER_PROGRAM):
            starts = first + timedelta(days=11 * week)
            sessions.append(
                ProgramSession(
                    program=program_id,
                    uid=f"{uuid.uuid4()}@gotong",
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=90),
                    original_start=starts,
                    topic=f"Topik {week}",
                    location="Balai Warga",
                    status="cancelled" if week % 17 == 0 else "scheduled",
                )
            )
    await _insert(ProgramSession, sessions)
    await _insert(
        Participant,
        [
            Participant(display_name=f"Peserta {n}", phone=f"0812{n:08d}", phone_digits=f"0812{n:08d}")
            for n in range(PARTICIPANTS)
        ],
    )
    participant_ids = [row["id"] for row in await Participant.select(Participant.id).order_by(Participant.id).run()]
    enrolments = []
    for pid in participant_ids:
        for program_id in rng.sample(program_ids, 2):
            enrolments.append(Enrolment(participant=pid, program=program_id, status="enrolled"))
    # The benchmark's participant follows 5 programs: about 250 events in the 15-month feed window.
    star = participant_ids[0]
    taken = {e.program for e in enrolments if e.participant == star}
    for program_id in program_ids[10:15]:
        if program_id not in taken:
            enrolments.append(Enrolment(participant=star, program=program_id, status="enrolled"))
    await _insert(Enrolment, enrolments)
    token = secrets.token_urlsafe(32)
    await AccessToken.insert(AccessToken(token=token_hash(token), kind="participant_feed", participant=star)).run()
    return {"feed_token": token}


if __name__ == "__main__":
    print(asyncio.run(seed()))
