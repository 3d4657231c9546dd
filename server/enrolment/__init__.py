"""Enrolment, waitlists, self-registration, RSVPs and the participant's personal page."""
