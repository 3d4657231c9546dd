"""Responses get a random public id; anonymous responses lose any submission key that was derived from an invite."""

import secrets

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Boolean, Integer, Varchar
from piccolo.table import Table

ID = "2026-11-30T00:01:41:000000"
VERSION = "1.38.0"
DESCRIPTION = "random response ids and keys for anonymous answers"


class _Survey(Table, tablename="survey"):
    anonymous = Boolean()


class _Response(Table, tablename="response"):
    survey = Integer()
    submission_key = Varchar(length=64)
    public_id = Varchar(length=32)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="gotong", description=DESCRIPTION)

    async def randomise():
        # A submission key made through a personal link was signed with the invite's id, so with the server
        # secret it maps an "anonymous" answer back to a person: replace it with random data (it only guards
        # against double submission, which is over for stored rows). Row by row, so it runs the same on SQLite
        # and PostgreSQL.
        anonymous = {row["id"] for row in await _Survey.select(_Survey.id).where(_Survey.anonymous == True).run()}  # noqa: E712
        rows = await _Response.select(_Response.id, _Response.survey).where(_Response.public_id == "").run()
        for row in rows:
            values = {_Response.public_id: secrets.token_hex(8)}
            if row["survey"] in anonymous:
                values[_Response.submission_key] = "r." + secrets.token_urlsafe(24)
            await _Response.update(values).where(_Response.id == row["id"]).run()

    manager.add_raw(randomise)
    return manager
