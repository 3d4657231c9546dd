"""Site-wide routes that belong to no feature: the health check."""

from __future__ import annotations

from litestar import MediaType, Response, get

from server.db import engine
from server.web.access import PUBLIC


@get("/healthz", opt={**PUBLIC, "skip_session": True}, name="healthz", media_type=MediaType.JSON, cache=False)
async def healthz() -> Response:
    try:
        await engine().run_ddl("SELECT 1")
        database = "ok"
    except Exception as error:  # the check must answer even when the database is down
        database = f"error: {type(error).__name__}"
    status = 200 if database == "ok" else 503
    return Response(content={"app": "ok", "database": database}, status_code=status, media_type=MediaType.JSON)


ROUTES = [healthz]
