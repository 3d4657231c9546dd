"""The single place that decides what a viewer may see of a program: its real or neutral title."""
from __future__ import annotations

from typing import Any, Mapping


def displayed_title(program: Mapping[str, Any], *, real: bool) -> str:
    """A discreet program shows its neutral title everywhere except to staff (`real=True`)."""
    if program.get("discreet") and not real:
        return program.get("public_title") or ""
    return program.get("title") or ""
