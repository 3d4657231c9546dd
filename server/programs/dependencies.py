"""The program a staff page is about, loaded once: a controller under /manage/programs/{slug} sets
`dependencies = MANAGED_PROGRAM` and its handlers take `program: dict[str, Any]`."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from server.programs.services.access import program_for_staff


async def provide_managed_program(request: Request, slug: FromPath[str]) -> dict[str, Any]:
    """The program at `{slug}` if the signed-in staff member may manage it: unknown → 404, someone else's → 403,
    an old address → redirect (decided in `program_for_staff`, answered by the app's error handlers)."""
    return await program_for_staff(request.user, slug)


MANAGED_PROGRAM = {"program": Provide(provide_managed_program)}
# What a handler's `program` parameter is declared as, so Litestar knows it is this dependency, not a query value.
ManagedProgram = NamedDependency[dict[str, Any]]
