"""The single place that decides what a viewer may see of a program: its real or neutral title, and which fields."""
from __future__ import annotations

from typing import Any, Mapping

# What a member of the public (or a participant) may see of a program; nothing else leaves this module.
PUBLIC_FIELDS = (
    "id", "slug", "kind", "summary", "default_location", "default_online_link", "enrolment_mode", "phase",
    "timezone", "capacity", "starts_on", "ends_on", "visibility", "area",
)


def displayed_title(program: Mapping[str, Any], *, real: bool) -> str:
    """A discreet program shows its neutral title everywhere except to staff (`real=True`)."""
    if program.get("discreet") and not real:
        return program.get("public_title") or ""
    return program.get("title") or ""


def public_view(program: Mapping[str, Any]) -> dict[str, Any]:
    """A program row reduced to what the public may see. A discreet program also hides its description,
    which was written for staff and could name the group's subject."""
    view = {key: program[key] for key in PUBLIC_FIELDS if key in program}
    view["title"] = displayed_title(program, real=False)
    view["discreet"] = bool(program.get("discreet"))
    if not program.get("discreet"):
        view["description"] = program.get("description", "")
    else:
        view["description"] = ""
        view["summary"] = ""
    return view
