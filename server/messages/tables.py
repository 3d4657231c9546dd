"""The outbox: one row for every message Gotong sends or means to send."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.people.tables import Participant, Staff


class OutboxMessage(Table):
    """A message, rendered when it was queued (in the recipient's language, with the privacy policy's wording of that
    moment), and what became of it. The program and session are plain ids: messages sit below programs and schedule,
    and a message's record outlives a deleted session."""

    id: Serial
    participant = ForeignKey(references=Participant, null=True, index=True, on_delete=OnDelete.cascade)
    staff = ForeignKey(references=Staff, null=True, index=True, on_delete=OnDelete.cascade)
    # The address when queued; a participant's message goes to their address at send time.
    address = Varchar(length=200, default="")
    channel = Varchar(length=10, default="email")  # email | sms
    template = Varchar(length=60)
    language = Varchar(length=10, default="id")
    program_id = Integer(null=True, default=None)
    session_id = Integer(null=True, default=None)
    # e.g. "registration:{enrolment}" — the same key is never queued twice, whatever restarts or workers do.
    idempotency_key = Varchar(length=200, unique=True)
    status = Varchar(length=12, default="queued")  # queued | sending | sent | failed | cancelled
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    # While `sending`: the claim holds until then; a worker killed mid-send lets another claim it afterwards.
    lease_until = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    provider_id = Varchar(length=200, default="")
    subject = Varchar(length=300, default="")
    body_text = Text(default="")
    body_html = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class PasswordReset(Table):
    """A one-time password-reset link sent to a staff member by e-mail (server/messages/password_reset.py). Only the
    token's hash is kept: the database or a backup opens no account."""

    id: Serial
    staff = ForeignKey(references=Staff, index=True, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    # Set when the link was used, or when another link of the same person was used (it then opens nothing).
    used_at = Timestamptz(null=True, default=None)
