"""The privacy policy: what each kind of viewer may see of a program, a session and a person, per channel.

One table, decided once. Pages, feeds, exports, printed paper, messages and log lines ask `may_see` (or the
`*_view` helpers that reduce a row to what may be shown) instead of deciding for themselves. The table is data:
change a cell here and every output follows; tests/privacy/test_policy.py checks every cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# --- viewers ---------------------------------------------------------------------------------------------------
PUBLIC = "public"  # anyone, signed in or not, with no link to the program
MEMBER = "member"  # a participant enrolled in this program (their personal page and feed)
OUTSIDER = "outsider"  # a participant with a personal link, but not enrolled in this program
SELF = "self"  # the person themself, reading their own record
TEAM = "team"  # staff on the program's team (or who registered the person)
ORGANIZER = "organizer"  # organizers plan every program but are not on this one's team
STAFF = "staff"  # any other staff member
ADMIN = "admin"
VIEWERS = (PUBLIC, MEMBER, OUTSIDER, SELF, TEAM, ORGANIZER, STAFF, ADMIN)
STAFF_VIEWERS = (TEAM, ORGANIZER, STAFF, ADMIN)

# --- channels --------------------------------------------------------------------------------------------------
PAGE = "page"  # an HTML page in the browser
FEED = "feed"  # an iCalendar feed: it is copied into whatever calendar service the reader uses
EXPORT = "export"  # a CSV or JSON download
PRINT = "print"  # paper that leaves the office: registers, certificates, printed reports
MESSAGE = "message"  # an e-mail or text message (later features)
LOG = "log"  # server logs and the audit log's free-text summary
CHANNELS = (PAGE, FEED, EXPORT, PRINT, MESSAGE, LOG)

# --- fields ----------------------------------------------------------------------------------------------------
TITLE = "title"  # a program's real title (otherwise its neutral public title)
DESCRIPTION = "description"  # a program's description and summary (written for staff, may name the subject)
PLACE = "place"  # the exact location of a program or session (otherwise only the program's area)
ONLINE_LINK = "online_link"  # the online meeting room
CANCEL_REASON = "cancel_reason"  # why a session was cancelled (free text staff wrote; may be personal)
CONTACT = "contact"  # a person's phone, e-mail and legal name
NOTES = "notes"  # staff notes on a person, a session or an assessment
FIELDS = (TITLE, DESCRIPTION, PLACE, ONLINE_LINK, CANCEL_REASON, CONTACT, NOTES)

# --- cells -----------------------------------------------------------------------------------------------------
YES = "yes"  # always
NO = "no"  # never
OPEN = "open"  # unless the program is discreet
SHARED = "shared"  # unless the program keeps its place to enrolled participants
OPEN_SHARED = "open+shared"  # neither discreet nor keeping its place to participants
OPT_IN = "opt-in"  # for a discreet program only if the viewer chose to see real details there (staff feeds)

# Rows: field, then viewer; columns: the CHANNELS in order.
#                  page         feed         export       print        message      log
POLICY: dict[str, dict[str, tuple[str, str, str, str, str, str]]] = {
    TITLE: {
        PUBLIC: (OPEN, OPEN, OPEN, OPEN, OPEN, OPEN),
        MEMBER: (OPEN, OPEN, OPEN, OPEN, OPEN, OPEN),
        OUTSIDER: (OPEN, OPEN, OPEN, OPEN, OPEN, OPEN),
        SELF: (OPEN, OPEN, OPEN, OPEN, OPEN, OPEN),
        TEAM: (YES, OPT_IN, YES, OPEN, YES, OPEN),
        ORGANIZER: (YES, OPT_IN, YES, OPEN, YES, OPEN),
        STAFF: (OPEN, OPEN, OPEN, OPEN, OPEN, OPEN),
        ADMIN: (YES, OPT_IN, YES, OPEN, YES, OPEN),
    },
    DESCRIPTION: {
        PUBLIC: (OPEN, OPEN, OPEN, OPEN, OPEN, NO),
        MEMBER: (OPEN, OPEN, OPEN, OPEN, OPEN, NO),
        OUTSIDER: (OPEN, OPEN, OPEN, OPEN, OPEN, NO),
        SELF: (OPEN, OPEN, OPEN, OPEN, OPEN, NO),
        TEAM: (YES, OPT_IN, YES, OPEN, YES, NO),
        ORGANIZER: (YES, OPT_IN, YES, OPEN, YES, NO),
        STAFF: (OPEN, OPEN, OPEN, OPEN, OPEN, NO),
        ADMIN: (YES, OPT_IN, YES, OPEN, YES, NO),
    },
    PLACE: {
        PUBLIC: (SHARED, SHARED, SHARED, SHARED, SHARED, NO),
        MEMBER: (YES, YES, YES, YES, YES, NO),
        OUTSIDER: (SHARED, SHARED, SHARED, SHARED, SHARED, NO),
        SELF: (YES, YES, YES, YES, YES, NO),
        TEAM: (YES, YES, YES, YES, YES, NO),
        ORGANIZER: (YES, YES, YES, YES, YES, NO),
        STAFF: (YES, YES, YES, YES, YES, NO),
        ADMIN: (YES, YES, YES, YES, YES, NO),
    },
    ONLINE_LINK: {
        PUBLIC: (OPEN_SHARED, OPEN_SHARED, OPEN_SHARED, OPEN_SHARED, OPEN_SHARED, NO),
        MEMBER: (YES, YES, YES, YES, YES, NO),
        OUTSIDER: (OPEN_SHARED, OPEN_SHARED, OPEN_SHARED, OPEN_SHARED, OPEN_SHARED, NO),
        SELF: (YES, YES, YES, YES, YES, NO),
        TEAM: (YES, YES, YES, YES, YES, NO),
        ORGANIZER: (YES, YES, YES, YES, YES, NO),
        STAFF: (YES, YES, YES, YES, YES, NO),
        ADMIN: (YES, YES, YES, YES, YES, NO),
    },
    # A message is read in a notification preview or on a shared phone, and the reason is free text staff wrote
    # that may name what a discreet program is about: members read it there only for an ordinary program.
    CANCEL_REASON: {
        PUBLIC: (NO, NO, NO, NO, NO, NO),
        MEMBER: (YES, YES, YES, NO, OPEN, NO),
        OUTSIDER: (NO, NO, NO, NO, NO, NO),
        SELF: (YES, YES, YES, NO, OPEN, NO),
        TEAM: (YES, YES, YES, NO, YES, NO),
        ORGANIZER: (YES, YES, YES, NO, YES, NO),
        STAFF: (YES, YES, YES, NO, YES, NO),
        ADMIN: (YES, YES, YES, NO, YES, NO),
    },
    CONTACT: {
        PUBLIC: (NO, NO, NO, NO, NO, NO),
        MEMBER: (NO, NO, NO, NO, NO, NO),
        OUTSIDER: (NO, NO, NO, NO, NO, NO),
        SELF: (YES, NO, YES, NO, YES, NO),
        TEAM: (YES, NO, YES, YES, YES, NO),
        ORGANIZER: (NO, NO, NO, NO, NO, NO),
        STAFF: (NO, NO, NO, NO, NO, NO),
        ADMIN: (YES, NO, YES, YES, YES, NO),
    },
    NOTES: {
        PUBLIC: (NO, NO, NO, NO, NO, NO),
        MEMBER: (NO, NO, NO, NO, NO, NO),
        OUTSIDER: (NO, NO, NO, NO, NO, NO),
        SELF: (NO, NO, NO, NO, NO, NO),
        TEAM: (YES, OPT_IN, YES, NO, NO, NO),
        ORGANIZER: (NO, NO, NO, NO, NO, NO),
        STAFF: (NO, NO, NO, NO, NO, NO),
        ADMIN: (YES, OPT_IN, YES, NO, NO, NO),
    },
}


@dataclass(frozen=True)
class Viewer:
    """Who is looking. `real_details` is a staff member's own choice to see real titles and notes of discreet
    programs in their calendar feed (which goes to their calendar provider)."""

    role: str
    real_details: bool = False

    def __post_init__(self) -> None:
        if self.role not in VIEWERS:
            raise ValueError(f"unknown viewer {self.role!r}")

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_VIEWERS


ANYONE = Viewer(PUBLIC)


def staff_viewer(staff: Any, *, on_team: bool, real_details: bool = False) -> Viewer:
    """A signed-in staff member (anything with `is_admin` and `is_organizer`) as a viewer of one program or person.
    `on_team`: a member of the program's team (for a person: the team of one of their programs, or who registered
    them)."""
    if staff.is_admin:
        role = ADMIN
    elif on_team:
        role = TEAM
    elif staff.is_organizer:
        role = ORGANIZER
    else:
        role = STAFF
    return Viewer(role, real_details=real_details)


def participant_viewer(*, enrolled: bool) -> Viewer:
    return Viewer(MEMBER if enrolled else OUTSIDER)


def _flag(program: Mapping[str, Any] | None, name: str) -> bool:
    if program is None:
        return False
    return bool(program.get(name, program.get(f"program_{name}", False)))


def may_see(viewer: Viewer | str, channel: str, field: str, *, program: Mapping[str, Any] | None = None) -> bool:
    """Whether `viewer` may see `field` through `channel`. `program` (a row with `discreet` and `place_members_only`,
    or the same keys prefixed `program_`) decides the conditional cells; without it the program counts as ordinary."""
    if isinstance(viewer, str):
        viewer = Viewer(viewer)
    cell = POLICY[field][viewer.role][CHANNELS.index(channel)]
    discreet = _flag(program, "discreet")
    shared = not _flag(program, "place_members_only")
    if cell == YES:
        return True
    if cell == NO:
        return False
    if cell == OPEN:
        return not discreet
    if cell == SHARED:
        return shared
    if cell == OPEN_SHARED:
        return shared and not discreet
    if cell == OPT_IN:
        return not discreet or viewer.real_details
    raise ValueError(f"unknown cell {cell!r}")


def title(program: Mapping[str, Any], viewer: Viewer | str, channel: str) -> str:
    """The real title, or the neutral public title where the viewer may not see the real one."""
    real = program.get("title", program.get("program_title")) or ""
    if may_see(viewer, channel, TITLE, program=program):
        return real
    return program.get("public_title", program.get("program_public_title")) or ""


def public_title(program: Mapping[str, Any]) -> str:
    """What anyone may read: the title as the public sees it on a page."""
    return title(program, ANYONE, PAGE)


# Keys of a program row that belong to each field; anything not listed here is not personal or sensitive.
PROGRAM_KEYS = {
    DESCRIPTION: ("description", "summary"),
    PLACE: ("default_location",),
    ONLINE_LINK: ("default_online_link",),
    NOTES: ("assessment_notes",),
}
SESSION_KEYS = {
    PLACE: ("location",),
    ONLINE_LINK: ("online_link",),
    CANCEL_REASON: ("cancel_reason",),
    NOTES: ("notes",),
}
PERSON_KEYS = {
    CONTACT: ("legal_name", "phone", "phone_digits", "email"),
    NOTES: ("notes",),
}
# What of a program row may leave for anyone but staff: nothing else does.
PUBLIC_PROGRAM_KEYS = (
    "id",
    "slug",
    "kind",
    "title",
    "summary",
    "description",
    "default_location",
    "default_online_link",
    "enrolment_mode",
    "phase",
    "timezone",
    "capacity",
    "starts_on",
    "ends_on",
    "visibility",
    "area",
    "discreet",
    "place_members_only",
)


def _blank(row: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in row:
            row[key] = ""


def program_view(program: Mapping[str, Any], viewer: Viewer | str, channel: str) -> dict[str, Any]:
    """A program row as `viewer` may see it: the right title, forbidden fields emptied. Viewers who are not staff
    get only the public keys (the real title never reaches their template, not even unused)."""
    if isinstance(viewer, str):
        viewer = Viewer(viewer)
    row = dict(program) if viewer.is_staff else {key: program[key] for key in PUBLIC_PROGRAM_KEYS if key in program}
    row["title"] = title(program, viewer, channel)
    row["discreet"] = _flag(program, "discreet")
    row["place_members_only"] = _flag(program, "place_members_only")
    if not viewer.is_staff:
        row.pop("public_title", None)
    for field, keys in PROGRAM_KEYS.items():
        if not may_see(viewer, channel, field, program=program):
            _blank(row, keys)
    row["place_shown"] = may_see(viewer, channel, PLACE, program=program)
    return row


def session_view(
    session: Mapping[str, Any], program: Mapping[str, Any], viewer: Viewer | str, channel: str
) -> dict[str, Any]:
    """A session row as `viewer` may see it (place, online link, cancellation reason, notes), decided by its program."""
    row = dict(session)
    for field, keys in SESSION_KEYS.items():
        if not may_see(viewer, channel, field, program=program):
            _blank(row, keys)
    return row


def person_view(person: Mapping[str, Any], viewer: Viewer | str, channel: str) -> dict[str, Any]:
    """A participant row as `viewer` may see it: contact details and notes emptied where not allowed."""
    row = dict(person)
    for field, keys in PERSON_KEYS.items():
        if not may_see(viewer, channel, field):
            _blank(row, keys)
    return row


def may_see_case(staff: Any, case: Mapping[str, Any]) -> bool:
    """Whether a staff member may see a case file (anything, even that it exists): its case worker, its supervisor
    and administrators — nobody else. Being on the team of a program the person attends, or organizing every
    program, does not open it: a case holds what the person told one worker in confidence. `case` is a row with
    `case_worker` and `supervisor` (staff ids or None)."""
    if staff is None:
        return False
    if staff.is_admin:
        return True
    return staff.id is not None and staff.id in (case.get("case_worker"), case.get("supervisor"))


def table() -> list[tuple[str, str, str, str]]:
    """Every cell as (field, viewer, channel, rule): for the documentation and the table test."""
    return [
        (field, viewer, channel, POLICY[field][viewer][index])
        for field in FIELDS
        for viewer in VIEWERS
        for index, channel in enumerate(CHANNELS)
    ]
