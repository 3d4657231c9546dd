"""Tables for surveys, their questions, invitations, responses and answers."""

from piccolo.columns import JSON, Boolean, Float, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.people.tables import Participant, Staff
from server.programs.tables import Program


class Survey(Table):
    id: Serial
    title = Varchar(length=200)
    purpose = Varchar(length=30)  # needs_assessment | pre | post | session_feedback | follow_up
    program = ForeignKey(references=Program, null=True, index=True, on_delete=OnDelete.set_null)
    intro = Text(default="")
    consent_text = Text(default="")
    opens_at = Timestamptz(null=True, default=None)
    closes_at = Timestamptz(null=True, default=None)
    languages = Varchar(length=20, default="id,en")
    anonymous = Boolean(default=False)
    published = Boolean(default=False)
    # The public answering link /s/{token}.
    token = Varchar(length=64, unique=True, index=True)
    created_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    details = JSON(default={})
    # A bilingual survey's texts in its second language: {"en": {"title", "intro", "consent_text"}}. The columns
    # above hold the first (primary) language, which results, exports and codebooks use.
    translations = JSON(default={})


class Question(Table):
    id: Serial
    survey = ForeignKey(references=Survey, index=True, on_delete=OnDelete.cascade)
    position = Integer(default=0)
    # single | multiple | likert | rating | number | short_text | long_text | ranking
    kind = Varchar(length=20)
    text = Text()
    help = Text(default="")
    required = Boolean(default=False)
    # Choices as [{"value": "...", "label": "..."}]; values never change once answers exist.
    options = JSON(default=[])
    min_value = Float(null=True, default=None)
    max_value = Float(null=True, default=None)
    # Pre and post questions with the same code are compared with each other.
    code = Varchar(length=60, default="")
    show_if_question = Integer(null=True, default=None)
    show_if_value = Varchar(length=200, default="")
    # The question in a bilingual survey's second language: {"en": {"text", "help", "options": {value: label}}};
    # what is missing falls back to the primary text above.
    translations = JSON(default={})


class SurveyInvite(Table):
    """A personal answering link, so that one person's pre and post answers pair up without their name."""

    id: Serial
    survey = ForeignKey(references=Survey, index=True, on_delete=OnDelete.cascade)
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    token = Varchar(length=64, unique=True, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    used_at = Timestamptz(null=True, default=None)
    # The link sent by message (server/surveys/services/invitations.py) is a second, random one, so that the
    # personal page's derived link and the sent one both work: its hash, when it was sent, and when the one
    # reminder (which reissues it) went out. Indexed, not unique: SQLite cannot add a unique column, and two
    # random 256-bit tokens do not collide.
    sent_token = Varchar(length=64, null=True, default=None, index=True)
    sent_at = Timestamptz(null=True, default=None, index=True)
    reminded_at = Timestamptz(null=True, default=None)


class Response(Table):
    id: Serial
    survey = ForeignKey(references=Survey, index=True, on_delete=OnDelete.cascade)
    # Null for anonymous surveys: nothing that identifies the person is kept with the answers.
    participant = ForeignKey(references=Participant, null=True, index=True, on_delete=OnDelete.set_null)
    program = ForeignKey(references=Program, null=True, index=True, on_delete=OnDelete.set_null)
    submitted_at = Timestamptz(default=TimestamptzNow(), index=True)
    # A random key carried by the form, so that a double submission stores one response.
    submission_key = Varchar(length=64, unique=True)
    entered_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)  # paper forms typed in
    language = Varchar(length=10, default="")
    # A random name for the response in exports: the serial id would reveal the order of submission, which can
    # be matched with who answered when.
    public_id = Varchar(length=32, default="")


class Answer(Table):
    """One value: a chosen option, a number, a text, or one option's place in a ranking (value_number)."""

    id: Serial
    response = ForeignKey(references=Response, index=True, on_delete=OnDelete.cascade)
    question = ForeignKey(references=Question, index=True, on_delete=OnDelete.cascade)
    value_text = Text(default="")
    value_number = Float(null=True, default=None)
