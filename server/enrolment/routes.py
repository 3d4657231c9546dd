"""Routes of the enrolment feature."""
from __future__ import annotations

ROUTES: list = []
