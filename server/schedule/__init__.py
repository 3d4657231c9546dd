"""Series, recurrence, program sessions and conflicts."""
