"""The rules of surveys, one module per part: questionnaires (survey records, dates, access, templates), questions
(building), answering (links, submission keys, storing responses) and invites (personal links). Callers outside
the feature import from here."""

from __future__ import annotations

from server.surveys.kinds import LIKERT, MAX_OPTIONS, MAX_RANKING_OPTIONS, MAX_TEXT, NAMES, RATING_MAX
from server.surveys.services.answering import (
    already_answered,
    check_submission_key,
    entry_participants,
    new_submission_key,
    submission_context,
    submission_stored,
    submit_response,
    survey_by_token,
)
from server.surveys.services.invites import invite_by_token, invite_language, invite_link, open_surveys_for_participant
from server.surveys.services.questionnaires import (
    DEFAULT_CONSENT,
    LANGUAGE_CHOICES,
    PRIVACY_STATEMENT,
    PURPOSES,
    availability,
    create_from_template,
    create_survey,
    day_start,
    get_survey,
    list_surveys,
    local_day,
    privacy_statement,
    program_choices,
    public_url,
    response_counts,
    set_published,
    status,
    survey_for_staff,
    update_survey,
)
from server.surveys.services.questions import (
    add_question,
    answer_counts,
    delete_question,
    duplicate_question,
    get_question,
    list_questions,
    move_question,
    option_value,
    question_choices,
    update_question,
)

# The kinds a question may have, in the builder's order (the registry in server.surveys.kinds holds them).
KINDS = NAMES

__all__ = [
    "DEFAULT_CONSENT",
    "KINDS",
    "LANGUAGE_CHOICES",
    "LIKERT",
    "MAX_OPTIONS",
    "MAX_RANKING_OPTIONS",
    "MAX_TEXT",
    "PRIVACY_STATEMENT",
    "PURPOSES",
    "RATING_MAX",
    "add_question",
    "already_answered",
    "answer_counts",
    "availability",
    "check_submission_key",
    "create_from_template",
    "create_survey",
    "day_start",
    "delete_question",
    "duplicate_question",
    "entry_participants",
    "get_question",
    "get_survey",
    "invite_by_token",
    "invite_language",
    "invite_link",
    "list_questions",
    "list_surveys",
    "local_day",
    "move_question",
    "new_submission_key",
    "open_surveys_for_participant",
    "option_value",
    "privacy_statement",
    "program_choices",
    "public_url",
    "question_choices",
    "response_counts",
    "set_published",
    "status",
    "submission_context",
    "submission_stored",
    "submit_response",
    "survey_by_token",
    "survey_for_staff",
    "update_question",
    "update_survey",
]
