"""Tables for staff accounts, their profiles and the audit log."""
from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns import OnDelete
from piccolo.table import Table


class Staff(Table):
    """A staff member's role and profile; credentials live in Piccolo's BaseUser."""

    user = ForeignKey(references=BaseUser, unique=True, index=True, on_delete=OnDelete.cascade)
    role = Varchar(length=20, default="facilitator")  # admin | organizer | facilitator
    display_name = Varchar(length=120)
    phone = Varchar(length=40, default="")
    locale = Varchar(length=10, default="")
    licence_number = Varchar(length=80, default="")
    licence_expires_on = Date(null=True, default=None)
    # Raised on password change or deactivation so that every other session of this person ends.
    session_version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())


class AuditEvent(Table):
    """Who looked at or changed confidential data, and when."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    actor_label = Varchar(length=120, default="")
    action = Varchar(length=40, index=True)  # view | create | update | delete | erase | login ...
    subject_type = Varchar(length=40, index=True)
    subject_id = Integer(null=True, index=True)
    summary = Text(default="")
    details = JSON(default={})
