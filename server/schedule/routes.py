"""Staff pages for a program's schedule: series, single sessions, occurrence edits and cancellations."""
from __future__ import annotations

ROUTES: list = []
