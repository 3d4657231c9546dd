"""Priority ranking: each option gets a different place from 1 (first) to the number of options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.i18n import N_
from server.i18n import gettext as _
from server.surveys.kinds.base import AnswerInput, AnswerValue, CellCounts, ResultData, choices_text
from server.surveys.kinds.choice import OptionKind
from server.web.forms import Invalid

MAX_RANKING_OPTIONS = 10


def _mean_rank(by_rank: Mapping[float, int]) -> float | None:
    ranked = sum(by_rank.values())
    return sum(rank * n for rank, n in by_rank.items()) / ranked if ranked else None


class Ranking(OptionKind):
    """One Answer per option: value_text the option, value_number its place."""

    name = "ranking"
    label = N_("Priority ranking")
    max_options = MAX_RANKING_OPTIONS

    def parse(self, question: dict[str, Any], form: AnswerInput, name: str) -> list[AnswerValue]:
        allowed = [value for value, _label in question["choices"]]
        raw = {value: form.text(f"{name}-{value}") for value in allowed}
        if not any(raw.values()):
            return []
        ranks = {}
        for value, text in raw.items():
            if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= len(allowed):
                raise Invalid(_("Give each option a different number from 1 to %(n)s.", n=len(allowed)))
            ranks[value] = int(text)
        if len(set(ranks.values())) != len(allowed):
            raise Invalid(_("Give each option a different number from 1 to %(n)s.", n=len(allowed)))
        return [(question["id"], value, float(rank)) for value, rank in sorted(ranks.items(), key=lambda item: item[1])]

    def summarise(self, item: dict[str, Any], question: dict[str, Any], answered: int, data: ResultData) -> None:
        qid = question["id"]
        places = len(question["choices"])
        ranking = []
        for value, label in question["choices"]:
            by_rank = {
                rank: n for (q, text, rank), n in data.counts.items() if q == qid and text == value and rank is not None
            }
            mean_rank = _mean_rank(by_rank)
            ranking.append(
                {
                    "value": value,
                    "label": label,
                    "mean_rank": mean_rank,
                    "first": by_rank.get(1.0, 0),
                    "count": sum(by_rank.values()),
                    # For the chart: 1 for an option everyone put first, 0 for one everyone put last.
                    "score": (places - mean_rank) / (places - 1) if mean_rank is not None and places > 1 else 0.0,
                }
            )
        ranking.sort(key=lambda row: (row["mean_rank"] is None, row["mean_rank"] or 0, -row["first"], row["label"]))
        item["ranking"] = ranking

    def crosstab(
        self,
        question: dict[str, Any],
        columns: list[Any],
        hidden: set[Any],
        counts: Mapping[Any, CellCounts],
        answered: Mapping[Any, int],
    ) -> tuple[str, list[dict[str, Any]]] | None:
        rows = []
        for value, label in question["choices"]:
            cells: list[dict[str, Any] | None] = []
            for column in columns:
                if column in hidden:
                    cells.append(None)
                    continue
                found = counts.get(column, {})
                cells.append(
                    {
                        "mean_rank": _mean_rank(
                            {rank: n for (text, rank), n in found.items() if text == value and rank is not None}
                        )
                    }
                )
            rows.append({"label": label, "cells": cells})
        return "rank", rows

    def export_cell(self, values: list[tuple[str, float | None]]) -> str:
        return ">".join(text for text, _n in sorted(values, key=lambda v: v[1] or 0))

    def codebook_values(self, question: dict[str, Any]) -> str:
        return choices_text(question) + " " + _("(listed from first to last place, separated by >)")
