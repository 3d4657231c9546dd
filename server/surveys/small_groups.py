"""The small-group rule of survey results: which groups of responses are too small to describe, and which others
must be hidden with them so that totals cannot reveal them (the whole rule is described in results.py)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from server.config import settings

# Kept for callers outside this feature; read min_group_size() instead, which follows the setting.
SMALL_GROUP = settings.min_group_size

Key = TypeVar("Key", bound=Hashable)


def min_group_size(value: int | None = None) -> int:
    """The configured smallest group whose results may be shown (an app passes its own settings' value)."""
    return settings.min_group_size if value is None else value


def suppressed_groups(sizes: Mapping[Key, int], minimum: int, already: Iterable[Key] = ()) -> set[Key]:
    """The groups of a partition whose figures must be hidden, when the total over all groups is shown too.

    Every group of 1 to minimum - 1 is hidden (and the ones in `already`). Then, as long as the hidden groups
    together hold 1 to minimum - 1 members — so that the total minus the shown groups would reveal them — the
    smallest shown group is hidden as well. Empty groups are never hidden: there is nothing in them to reveal.
    """
    hidden = {key for key in already if key in sizes} | {key for key, size in sizes.items() if 0 < size < minimum}
    hidden_total = sum(sizes[key] for key in hidden)
    candidates = sorted(
        (key for key, size in sizes.items() if key not in hidden and size > 0), key=lambda key: sizes[key]
    )
    while 0 < hidden_total < minimum and candidates:
        key = candidates.pop(0)
        hidden.add(key)
        hidden_total += sizes[key]
    return hidden


def too_small(size: int, minimum: int) -> bool:
    return 0 < size < minimum
