"""Pagination of long lists: reading `?page=` without ever failing, and the `Page` a list template shows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from litestar import Request

T = TypeVar("T")

PARAMETER = "page"
DEFAULT_SIZE = 50
LAST = 10**9


def requested_page(raw: str | None) -> int:
    """The page number asked for, 1 when it is missing, not a number or below 1; a number past the last page is
    clamped once the total is known."""
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit():
        return 1
    # A number this long is past any last page; not converting it keeps int() cheap on hostile input.
    if len(text) > 9:
        return LAST
    return max(1, int(text))


def page_number(requested: int, total: int, size: int) -> int:
    """The page to show: the one asked for, within the first and the last page (an empty list has one page)."""
    return min(max(1, requested), page_count(total, size))


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with what its navigation needs; `url(n)` keeps every other query parameter."""

    items: list[T]
    number: int
    size: int
    total: int
    kept: tuple[tuple[str, str], ...] = field(default=())
    # The query parameter holding this list's page number (a page with several lists gives each its own).
    parameter: str = PARAMETER

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_item(self) -> int:
        """1-based position of the first item shown (0 on an empty list)."""
        return self.offset + 1 if self.items else 0

    @property
    def last_item(self) -> int:
        return self.offset + len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def url(self, number: int) -> str:
        """The query string of page `number`, with the filters of this page kept (page 1 needs no parameter)."""
        params = list(self.kept) + ([(self.parameter, str(number))] if number > 1 else [])
        return "?" + urlencode(params)


def kept_parameters(query: Iterable[tuple[str, Any]], parameter: str = PARAMETER) -> tuple[tuple[str, str], ...]:
    """Every query parameter but the page number, in their order (a filter may repeat)."""
    return tuple((key, str(value)) for key, value in query if key != parameter)


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list a request asks for, and the parameters its links keep."""

    number: int = 1
    size: int = DEFAULT_SIZE
    kept: tuple[tuple[str, str], ...] = ()
    parameter: str = PARAMETER

    @classmethod
    def of(cls, request: Request, size: int = DEFAULT_SIZE, parameter: str = PARAMETER) -> PageRequest:
        query = request.query_params
        kept = kept_parameters(query.multi_items(), parameter)
        return cls(requested_page(query.get(parameter)), size, kept, parameter)

    def page(self, items: list[T], number: int, total: int) -> Page[T]:
        """The page shown, once the list's service has chosen its number within the total."""
        return Page(items, number, self.size, total, self.kept, self.parameter)


async def paginate(
    wanted: PageRequest,
    *,
    count: Callable[[], Awaitable[int]],
    fetch: Callable[[int, int], Awaitable[list[T]]],
) -> Page[T]:
    """The page of a list that was asked for: one COUNT, then `fetch(limit, offset)` for that page only, so the
    number of queries does not grow with the list."""
    total = await count()
    number = page_number(wanted.number, total, wanted.size)
    items = await fetch(wanted.size, (number - 1) * wanted.size)
    return wanted.page(items, number, total)


async def paginate_counted(wanted: PageRequest, fetch: Callable[[int, int], Awaitable[tuple[list[T], int]]]) -> Page[T]:
    """The page asked for of a list whose service returns a page and the list's total together (`fetch(limit,
    offset)` -> (items, total)), one query where paginate needs two. A page past the last one is fetched again as
    the last (only a hand-edited link asks for one)."""
    items, total = await fetch(wanted.size, (wanted.number - 1) * wanted.size)
    number = page_number(wanted.number, total, wanted.size)
    if number != wanted.number:
        items, total = await fetch(wanted.size, (number - 1) * wanted.size)
    return wanted.page(items, number, total)


async def paginate_capped(
    wanted: PageRequest, shown: int, fetch: Callable[[int, int, int], Awaitable[tuple[list[T], int]]]
) -> tuple[Page[T], bool]:
    """The page asked for of a list that shows only its first `shown` items (past them the page says "more than …"),
    and whether the list holds more. `fetch(limit, offset, up_to)` -> (items, total counted up to `up_to`): counting
    stops one past what is shown, so it costs the same however long the list, and the pager ends at the last shown
    page."""
    counted = 0

    async def within(limit: int, offset: int) -> tuple[list[T], int]:
        nonlocal counted
        items, counted = await fetch(min(limit, shown - offset), offset, shown + 1)
        return items, min(counted, shown)

    page = await paginate_counted(wanted, within)
    return page, counted > shown


def page_of(wanted: PageRequest, items: list[T]) -> Page[T]:
    """The page asked for of a list already in memory (a short list that a service builds whole)."""
    number = page_number(wanted.number, len(items), wanted.size)
    start = (number - 1) * wanted.size
    return wanted.page(items[start : start + wanted.size], number, len(items))
