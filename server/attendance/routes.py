"""Routes of the attendance feature."""
from __future__ import annotations

ROUTES: list = []
