"""Evaluation reports, the dashboard, data checks and exports."""

from server import db
from server.reports import checks_kept

# Writers sit below reports; their writes reach the data checks' kept counts through these keepers.
db.keep_figures("data_checks", checks_kept.program_changed, marks=checks_kept.marks_changed)
db.keep_person_figures("data_checks", checks_kept.participant_changed, many=checks_kept.participants_changed)
