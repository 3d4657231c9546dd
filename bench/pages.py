"""The pages of issue 13's table and issue 16's case files and breakdowns, on the large organisation seeded by
bench/reports.py (seed_reports): which addresses `make bench` measures and bench/explain.py explains, and the
attendance mark it posts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

# The program whose report, attendance tab and sheet are measured (67 sessions, about 33 members).
SLUG = "program-12"
# The account bench/reports.py signs in as (an organizer, case worker of some cases).
ORGANIZER = "bench-organizer"


async def targets() -> dict[str, Any]:
    """The program's id, its latest held session (the sheet), one member of it (the mark) and the case the bench
    organizer opens (their first: the long one, bench/seed_cases.py)."""
    from server.cases.tables import Case
    from server.enrolment.tables import Enrolment
    from server.programs.tables import Program
    from server.schedule.tables import ProgramSession

    program = await Program.select(Program.id).where(Program.slug == SLUG).first().run()
    session = (
        await ProgramSession.select(ProgramSession.id)
        .where(
            (ProgramSession.program == program["id"])
            & (ProgramSession.status == "held")
            & (ProgramSession.starts_at < datetime.now(UTC))
        )
        .order_by(ProgramSession.starts_at, ascending=False)
        .first()
        .run()
    )
    member = (
        await Enrolment.select(Enrolment.participant)
        .where((Enrolment.program == program["id"]) & (Enrolment.status == "enrolled"))
        .order_by(Enrolment.participant)
        .first()
        .run()
    )
    case = (
        await Case.select(Case.id)
        .where(Case.case_worker.user.username == ORGANIZER)  # type: ignore[union-attr]
        .order_by(Case.id)
        .first()
        .run()
    )
    return {
        "program": program["id"],
        "session": session["id"],
        "participant": member["participant"],
        "case": case["id"],
    }


def pages(found: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, path) of every GET measured, in the order of the issue's table, home last."""
    program = f"/manage/programs/{SLUG}"
    return [
        ("staff /dashboard", "/dashboard"),
        ("whole agenda /agenda", "/agenda"),
        ("early warnings", "/early-warnings"),
        ("/reports", "/reports"),
        ("catalogue /programs", "/programs"),
        ("/reports/checks", "/reports/checks"),
        ("program report", f"{program}/report"),
        ("staff program list", "/manage/programs"),
        ("attendance tab", f"{program}/attendance"),
        ("attendance sheet", f"{program}/sessions/{found['session']}/attendance"),
        ("participants list", "/participants"),
        ("case list /cases", "/cases"),
        ("case page (400 notes)", f"/cases/{found['case']}"),
        ("open referrals", "/cases/referrals"),
        ("who was served CSV", "/reports/breakdowns.csv"),
        ("program who was served CSV", f"{program}/report/breakdowns.csv"),
        ("home /", "/"),
    ]


def mark_path(found: dict[str, Any]) -> str:
    """The htmx POST that marks one member on the sheet (status in the body)."""
    return f"/manage/programs/{SLUG}/sessions/{found['session']}/attendance/{found['participant']}"
