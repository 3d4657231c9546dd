"""The API keys table: what a partner system may read, stored only as a hash of the key."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.people.tables import Staff


class ApiKey(Table, tablename="api_key"):
    """One key of the read API. The key itself is shown once when it is made: only its visible prefix (to find the
    row) and the SHA-256 of the whole key are kept, so a copy of the database opens nothing."""

    id: Serial
    name = Varchar(length=100)
    scopes = Varchar(length=60, default="")  # comma-separated: programs, reports
    program_ids = Text(default="")  # comma-separated program ids; empty means every program
    prefix = Varchar(length=16, unique=True, index=True)
    key_hash = Varchar(length=64)
    created_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
