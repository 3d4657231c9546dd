"""Staff pages for participants: registry, consent, duplicates, audit log and erasure."""
from __future__ import annotations

ROUTES: list = []
