"""Date questions: an answer is one calendar date, stored as its ISO text (yyyy-mm-dd). Results give the earliest
and latest date and the count of answers per month, months with too few answers hidden as small groups."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from server.i18n import N_
from server.i18n import gettext as _
from server.surveys.kinds.base import AnswerInput, AnswerValue, QuestionKind, ResultData, short_text
from server.surveys.small_groups import suppressed_groups
from server.web.forms import Date, Invalid

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _enter_a_date() -> str:
    return _("Enter a date as YYYY-MM-DD.")


class DateKind(QuestionKind):
    name = "date"
    label = N_("Date")
    # The answers are counted per stored date; summarise() folds them into months.
    counted = True

    def parse(self, question: dict[str, Any], form: AnswerInput, name: str) -> list[AnswerValue]:
        text = short_text(form, name, _enter_a_date())
        if not text:
            return []
        # Only the form <input type="date"> sends: 2026-03-05, never 20260305 or a week date.
        if not ISO_DATE.match(text):
            raise Invalid(_enter_a_date())
        return [(question["id"], Date().parse(text).isoformat(), None)]

    def summarise(self, item: dict[str, Any], question: dict[str, Any], answered: int, data: ResultData) -> None:
        """Counts per month. A month of 1 to minimum - 1 answers is hidden, and more months with it until the hidden
        ones cannot be worked out from the total (small_groups.suppressed_groups); the earliest or latest date is
        shown only when its month is, since it would otherwise say that someone answered in a hidden month."""
        dates: list[tuple[date, int]] = []
        for (qid, text, _number), count in data.counts.items():
            if qid != question["id"] or not ISO_DATE.match(text):
                continue
            try:
                dates.append((date.fromisoformat(text), count))
            except ValueError:
                continue
        dates.sort()
        sizes: dict[date, int] = {}
        for day, count in dates:
            month = day.replace(day=1)
            sizes[month] = sizes.get(month, 0) + count
        hidden = suppressed_groups(sizes, data.minimum)
        item["months"] = [
            {
                "month": month,
                "count": None if month in hidden else size,
                "share": None if month in hidden or not answered else size / answered,
                "hidden": month in hidden,
            }
            for month, size in sorted(sizes.items())
        ]
        earliest = dates[0][0] if dates else None
        latest = dates[-1][0] if dates else None
        item["earliest"] = earliest if earliest and earliest.replace(day=1) not in hidden else None
        item["latest"] = latest if latest and latest.replace(day=1) not in hidden else None

    def codebook_values(self, question: dict[str, Any]) -> str:
        return "yyyy-mm-dd"
