"""The rules for program sessions, one module per part (reading, adding, occurrence edits, series edits, conflicts,
agenda, public reads); the package offers every public rule under one name, `from server.schedule import services`."""

from server.schedule.services.adding import add_series, add_session, create_series
from server.schedule.services.agenda import AGENDA_DAYS, staff_agenda_page
from server.schedule.services.conflicts import Conflict, conflicts_for, visible_conflicts
from server.schedule.services.details import Details, Repeat, check_link, check_times
from server.schedule.services.occurrences import cancel_occurrence, edit_occurrence, move_occurrence, restore_occurrence
from server.schedule.services.public import (
    next_public_session_by_program,
    programs_with_upcoming_sessions,
    public_program_sessions,
    upcoming_counts,
    upcoming_public_sessions,
    upcoming_sessions_for_program,
)
from server.schedule.services.series_edits import edit_following, edit_series
from server.schedule.services.sessions import (
    STATUSES,
    attendance_due,
    get_series,
    get_session,
    new_uid,
    program_schedule,
)

__all__ = [
    "AGENDA_DAYS",
    "STATUSES",
    "Conflict",
    "Details",
    "Repeat",
    "add_series",
    "add_session",
    "attendance_due",
    "cancel_occurrence",
    "check_link",
    "check_times",
    "conflicts_for",
    "create_series",
    "edit_following",
    "edit_occurrence",
    "edit_series",
    "get_series",
    "get_session",
    "move_occurrence",
    "new_uid",
    "next_public_session_by_program",
    "program_schedule",
    "programs_with_upcoming_sessions",
    "public_program_sessions",
    "restore_occurrence",
    "staff_agenda_page",
    "upcoming_counts",
    "upcoming_public_sessions",
    "upcoming_sessions_for_program",
    "visible_conflicts",
]
