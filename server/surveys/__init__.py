"""Questionnaires: building, answering, results and pre/post comparison."""

from datetime import timedelta

from server.messages import jobs
from server.surveys.services.invitations import send_survey_reminders

# Reminders of survey invitations: idempotent (each invite is claimed once), so every delivery loop may run it.
jobs.every("survey_reminders", timedelta(hours=1), send_survey_reminders)
