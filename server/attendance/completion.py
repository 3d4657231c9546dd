"""Who may have a certificate of completion of a skill workshop: the one rule the certificate and the attendance
tab's certificate link share (below both rates, which fills the tab, and certificates, which prints it)."""

from __future__ import annotations

from typing import Any

# A program in these phases has finished running: whoever is still enrolled and reached the threshold completed it.
FINISHED_PHASES = ("evaluation", "closed")


def gives_certificates(program: dict[str, Any]) -> bool:
    """Only skill workshops give certificates of completion."""
    return program["kind"] == "skill_workshop"


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
