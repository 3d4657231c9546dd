"""The individual level: one person's case file — intake and assessment, a plan agreed with them, confidential case
notes, closure with an outcome."""

from datetime import timedelta

from server.cases.followups import send_due_followups
from server.messages import jobs

# Follow-up invitations after a case closes: idempotent (each check is claimed once), so every loop may run it.
jobs.every("case_followups", timedelta(hours=1), send_due_followups)
