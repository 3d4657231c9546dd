"""Tables for staff accounts, their profiles and the audit log."""

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, Date, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Staff(Table):
    """A staff member's role and profile; credentials live in Piccolo's BaseUser."""

    id: Serial
    user = ForeignKey(references=BaseUser, unique=True, index=True, on_delete=OnDelete.cascade)
    role = Varchar(length=20, default="facilitator")  # admin | organizer | facilitator
    display_name = Varchar(length=120)
    phone = Varchar(length=40, default="")
    locale = Varchar(length=10, default="")
    licence_number = Varchar(length=80, default="")
    licence_expires_on = Date(null=True, default=None)
    # Raised on password change or deactivation so that every other session of this person ends.
    session_version = Integer(default=1)
    # The staff member chose to see real titles and notes of discreet programs in their calendar feed.
    feed_real_details = Boolean(default=False)
    # The staff member asked for a daily e-mail listing the people who stopped coming (server/notices/digest.py).
    warning_digest = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Participant(Table):
    """A person taking part. The display name (often a pseudonym) is all that co-participants ever see."""

    id: Serial
    display_name = Varchar(length=120)
    legal_name = Varchar(length=200, default="")
    phone = Varchar(length=40, default="")
    # Digits only, for spotting duplicates whatever the spacing or +62/0 prefix.
    phone_digits = Varchar(length=20, default="", index=True)
    email = Varchar(length=200, default="", index=True)
    preferred_locale = Varchar(length=10, default="id")
    notes = Text(default="")
    # "About you" (server/people/profile.py): optional, kept only under consent to data collection, for reports
    # broken down by who was served. The disability answers are one code of six digits, one per Washington Group
    # question, so that a new answer scale never needs a column change.
    gender = Varchar(length=20, default="")  # female | male | another | unsaid; "" when not recorded
    birth_year = Integer(null=True, default=None)
    disability = Varchar(length=6, default="")
    area = Varchar(length=120, default="")
    # Set when an admin erased the person's identity; attendance stays as anonymous counts.
    anonymised_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Consent(Table):
    """One consent given for one purpose under one version of the consent text; withdrawing keeps the record."""

    id: Serial
    participant = ForeignKey(references=Participant, index=True, on_delete=OnDelete.cascade)
    purpose = Varchar(length=30)  # participation | data_collection | contact
    text_version = Varchar(length=20)
    given_at = Timestamptz(default=TimestamptzNow())
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)  # None: the person themself
    source = Varchar(length=30, default="staff")  # staff | self_registration | personal_page
    withdrawn_at = Timestamptz(null=True, default=None)


class AccessToken(Table):
    """Secret, revocable links: a participant's personal page and calendar feeds of participants and staff."""

    id: Serial
    token = Varchar(length=64, unique=True, index=True)
    kind = Varchar(length=30)  # participant_page | participant_feed | staff_feed
    participant = ForeignKey(references=Participant, null=True, index=True, on_delete=OnDelete.cascade)
    staff = ForeignKey(references=Staff, null=True, index=True, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
