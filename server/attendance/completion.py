"""Who completed a program, and so who may have a certificate of completion of a skill workshop: the one rule the
certificate, the attendance tab's certificate link and the reports' "completed" share (below rates, which fills the
tab, certificates, which prints it, and reports, which count it — in Python here, and as SQL for the reports)."""

from __future__ import annotations

from typing import Any

# A program in these phases has finished running: whoever is still enrolled and reached the threshold completed it.
FINISHED_PHASES = ("evaluation", "closed")


def gives_certificates(program: dict[str, Any]) -> bool:
    """Only skill workshops give certificates of completion."""
    return program["kind"] == "skill_workshop"


def has_completed(program: dict[str, Any], status: str, met_threshold: bool) -> bool:
    """Whether the person completed the program: staff marked their enrolment completed, or the program is a skill
    workshop that has finished and the person, still enrolled, reached its completion threshold (the certificate's
    rule below, for any program: only a workshop completes by attendance)."""
    if status == "completed":
        return True
    return (
        gives_certificates(program) and status == "enrolled" and program["phase"] in FINISHED_PHASES and met_threshold
    )


def completed_sql(e: str = "e", p: str = "p", f: str = "f") -> str:
    """has_completed as an SQL condition on an enrolment aliased `e`, its program `p` and the person's attendance
    figures `f` in it (columns attended and absent, as server/attendance/rates.py's `figures`; NULL when none). The
    threshold is compared in whole numbers: attended / (attended + absent) >= threshold percent."""
    attended, absent = f"COALESCE({f}.attended, 0)", f"COALESCE({f}.absent, 0)"
    return (
        f"({e}.status = 'completed' OR ({e}.status = 'enrolled' AND {finished_workshops_sql(p)} "
        f"AND {attended} + {absent} > 0 "
        f"AND {attended} * 100 >= COALESCE({p}.completion_threshold, 0) * ({attended} + {absent})))"
    )


def finished_workshops_sql(p: str = "p") -> str:
    """SQL condition on a program aliased `p`: a workshop that has finished (its members may complete it by
    attendance, so their figures are needed)."""
    phases = ", ".join(f"'{phase}'" for phase in FINISHED_PHASES)
    return f"{p}.kind = 'skill_workshop' AND {p}.phase IN ({phases})"


def certificate_refusal(program: dict[str, Any], status: str, met_threshold: bool) -> str | None:
    """Why this person may not have a certificate (a refusal code), or None when they may.

    A certificate says the person completed the workshop, so it needs the fact, not a forecast: either staff
    marked their enrolment completed, or the program has finished (evaluation or closed) and the person, still
    enrolled, reached the completion threshold. A good rate after 2 of 8 sessions of a running workshop is not
    completion."""
    if not gives_certificates(program):
        return "not_a_workshop"
    if status == "completed":
        return None
    if status != "enrolled":
        return "not_member"
    if program["phase"] not in FINISHED_PHASES:
        return "still_running"
    if not met_threshold:
        return "below_threshold"
    return None


def certificate_due(program: dict[str, Any], status: str, met_threshold: bool) -> bool:
    """Whether the person may have a certificate (the attendance tab shows its link exactly then)."""
    return certificate_refusal(program, status, met_threshold) is None
