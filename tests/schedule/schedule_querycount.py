"""Counting the SQL statements a block of code runs, to prove a page's query count does not grow with its data."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from piccolo.engine import engine_finder


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextlib.asynccontextmanager
async def count_queries() -> AsyncIterator[QueryLog]:
    """Every statement Piccolo sends through the engine (every table shares it) while the block runs."""
    engine = engine_finder()
    # Engines use __slots__, so the method is wrapped on the class, counting only this engine's statements.
    engine_class = type(engine)
    original = engine_class.run_querystring
    own = "run_querystring" in engine_class.__dict__
    log = QueryLog()

    async def counting(self, querystring, *args, **kwargs):
        if self is engine:
            log.statements.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    engine_class.run_querystring = counting
    try:
        yield log
    finally:
        if own:
            engine_class.run_querystring = original
        else:
            del engine_class.run_querystring  # the inherited method shows through again
