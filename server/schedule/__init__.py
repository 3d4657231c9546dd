"""Series, recurrence, program sessions and conflicts."""

# The phase rule (in programs, below) must know what phases ask of the schedule wherever sessions exist: every
# import of this feature, its tables included, declares it.
from server.schedule import phases as phases
