"""Reading `?page=` never fails, and a page knows its neighbours and keeps the list's filters in its links."""

import pytest

from server.web.pagination import Page, PageRequest, page_number, page_of, paginate_capped, requested_page


@pytest.mark.parametrize(
    ("raw", "asked"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("-1", 1),
        ("0", 1),
        ("2.5", 1),
        ("٣", 1),
        (" 3 ", 3),
        ("7", 7),
        ("9" * 5000, 10**9),
    ],
)
def test_requested_page_is_a_positive_number_whatever_is_typed(raw, asked):
    assert requested_page(raw) == asked


@pytest.mark.parametrize(("asked", "total", "shown"), [(1, 0, 1), (5, 0, 1), (3, 50, 3), (4, 50, 3), (10**9, 52, 4)])
def test_page_number_is_clamped_to_the_last_page(asked, total, shown):
    assert page_number(asked, total, 17) == shown


def test_page_links_keep_the_filters_and_drop_the_page_number_on_page_one():
    page = Page(items=[1], number=2, size=1, total=3, kept=(("q", "bunga mawar"), ("kind", "a"), ("kind", "b")))
    assert page.has_prev and page.has_next and page.pages == 3
    assert page.url(3) == "?q=bunga+mawar&kind=a&kind=b&page=3"
    assert page.url(1) == "?q=bunga+mawar&kind=a&kind=b"


def test_page_of_a_list_in_memory():
    page = page_of(PageRequest(number=99, size=4), list(range(10)))
    assert list(page) == [8, 9] and page.number == 3 and (page.first_item, page.last_item) == (9, 10)


async def test_a_capped_list_counts_one_past_what_it_shows_and_ends_at_the_last_shown_page():
    items = list(range(30))
    asked = []

    async def fetch(limit, offset, up_to):
        asked.append(up_to)
        return items[offset : offset + max(limit, 0)], min(len(items), up_to)

    page, more = await paginate_capped(PageRequest(number=9, size=4), 10, fetch)
    assert more and set(asked) == {11}
    assert page.number == 3 and page.total == 10 and list(page) == [8, 9]  # clamped, and cut at the tenth item
    page, more = await paginate_capped(PageRequest(number=1, size=4), 50, fetch)
    assert not more and page.total == 30 and list(page) == [0, 1, 2, 3]
