"""Attendance sheets, rates, early warning, registers and certificates."""

from server import db
from server.attendance import refresh, served, stats
from server.messages import jobs

# Enrolment and schedule sit below attendance; their writes reach the kept figures through this keeper.
db.keep_figures("attendance", stats.program_changed, marks=stats.marks_changed)
# A person's answers (gender, year of birth, disability, area) group the people served in the kept breakdowns.
db.keep_person_figures("served groups", served.answer_changed, many=served.answers_changed)
# Time makes kept figures stale too (a session starts and becomes countable): every delivery loop refreshes them.
jobs.every("attendance figures", refresh.INTERVAL, refresh.refresh_job)
