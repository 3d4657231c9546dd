"""What the API answers, as typed shapes: the OpenAPI document is generated from them, so a field that is not
declared here cannot leave (and tests/api walk the document for personal-looking names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class ProgramOut:
    id: int
    slug: str | None  # None for a discreet program: an address can spell the real title
    title: str  # the neutral public title for a discreet program
    kind: str
    phase: str
    visibility: str
    discreet: bool
    timezone: str
    capacity: int | None
    enrolment_mode: str
    starts_on: date | None
    ends_on: date | None
    area: str


@dataclass
class ProgramPage:
    items: list[ProgramOut]
    next_cursor: int | None


@dataclass
class SessionOut:
    id: int
    program_id: int
    status: str
    starts_at: datetime
    ends_at: datetime
    topic: str  # empty for a discreet program


@dataclass
class SessionPage:
    items: list[SessionOut]
    next_cursor: int | None


@dataclass
class SessionCounts:
    planned: int
    held: int
    cancelled: int
    upcoming: int
    not_taken: int


# A count is null where it was left out for the small-group rule (see ProgramFigures.hidden).
@dataclass
class EnrolmentCounts:
    took_part: int | None
    still_enrolled: int | None
    completed: int | None
    withdrawn: int | None
    left_before_start: int | None
    waitlisted: int | None
    retention: float | None
    completion: float | None


@dataclass
class AttendanceCounts:
    """Summed over the sessions that count (held, or with attendance taken) up to now, from the kept figures."""

    sessions: int
    member_places: int | None
    attended: int | None
    excused: int | None
    absent: int | None
    unmarked: int | None
    guests: int | None
    rate: float | None


@dataclass
class ProgramFigures:
    """For a discreet program, counts of fewer people than minimum_group are null, and so are the counts and shares
    that would give them away; `hidden` names each one ("enrolment.withdrawn"). Other programs' counts are whole."""

    program_id: int
    sessions: SessionCounts
    enrolment: EnrolmentCounts
    attendance: AttendanceCounts
    minimum_group: int
    hidden: list[str] = field(default_factory=list)


@dataclass
class SurveyOut:
    id: int
    program_id: int | None
    title: str  # a discreet program's surveys are never listed: their wording can name what it is about
    purpose: str
    anonymous: bool
    published: bool


@dataclass
class SurveyPage:
    items: list[SurveyOut]
    next_cursor: int | None


@dataclass
class ChoiceCount:
    value: str
    label: str
    count: int
    share: float


@dataclass
class RankedChoice:
    value: str
    label: str
    mean_rank: float | None
    first: int
    count: int


@dataclass
class QuestionResult:
    id: int
    code: str
    kind: str
    text: str
    hidden: bool  # too few answers to show anything (the small-group rule)
    answered: int | None
    choices: list[ChoiceCount] = field(default_factory=list)
    ranking: list[RankedChoice] = field(default_factory=list)
    mean: float | None = None
    median: float | None = None


@dataclass
class SurveyResults:
    survey_id: int
    responses: int
    minimum_group: int
    hidden: str | None  # "too_few": fewer responses than minimum_group, so nothing is shown
    questions: list[QuestionResult]


@dataclass
class DataChecks:
    """Open problems per data check, counted (never listed) over the programs the key may read."""

    no_attendance: int
    no_consent: int
    duplicates: int
    contact_without_consent: int
    ended_in_implementation: int
    goals_without_value: int
    total: int
