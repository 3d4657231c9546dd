"""A key-value table behind Litestar's stores, so sessions and rate limits are shared by every worker."""

from piccolo.columns import Bytea, Serial, Timestamptz, Varchar
from piccolo.table import Table


class StoredValue(Table):
    id: Serial
    key = Varchar(length=300, unique=True, index=True)
    value = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)
