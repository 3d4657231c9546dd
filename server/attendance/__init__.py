"""Attendance sheets, rates, early warning, registers and certificates."""

from server import db
from server.attendance import stats

# Enrolment and schedule sit below attendance; their writes reach the kept figures through this keeper.
db.keep_figures("attendance", stats.program_changed)
