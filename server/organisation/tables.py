"""The one-row table of the organisation's settings."""

from piccolo.columns import Bytea, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class OrganisationSettings(Table):
    """The organisation's name, logo, contact details and defaults. At most one row; a value left empty (or
    NULL) falls back to the server's settings from the environment."""

    id: Serial
    name = Varchar(length=200, default="")
    short_name = Varchar(length=60, default="")
    email = Varchar(length=200, default="")
    phone = Varchar(length=40, default="")
    address = Text(default="")
    default_locale = Varchar(length=10, default="")
    default_timezone = Varchar(length=64, default="")
    absence_warning_streak = Integer(null=True, default=None)
    offer_hours = Integer(null=True, default=None)
    # The logo's bytes live in the database: a backup carries them, and no file on disk needs its own mode.
    logo = Bytea(null=True, default=None)
    logo_type = Varchar(length=20, default="")
    # Raised with each new logo: its address carries it, so that a browser may keep one for a year.
    logo_version = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())
