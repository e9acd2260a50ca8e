"""The disclosure gate: every published count, and every figure derived from one, passes here.

A table goes in with its true counts and comes out as a ``Protected`` table: hidden cells are
``NA`` in ``frame`` and carry a GSS symbol in ``status``. Counts from 1 to the threshold minus one
are hidden (primary suppression); extra cells are hidden until an exact interval audit by linear
programming shows that no hidden cell can be narrowed, from what is shown and from the totals a
reader knows, to an interval narrower than the threshold (``suppression_audit``). Rates,
percentages, ratios and intervals on a row with a hidden count are hidden too, since a rate and
a population give the count back. Sentences format counts through ``DisclosurePolicy.count_text``
or ``Protected.text`` so that no count reaches prose without passing the same rule.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from sv_assessment.analysis.gate_problem import finish, merge, prepare, rounded_values, solve
from sv_assessment.analysis.protected import (
    CONFIDENTIAL,
    LOW,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    SYMBOLS,
    Protected,
    assemble,
    published_cells,
)
from sv_assessment.analysis.rounding import round_nearest
from sv_assessment.analysis.suppression_audit import PROTECTION_RULES, AuditRule
from sv_assessment.config import AssessmentConfig

__all__ = [
    "CONFIDENTIAL",
    "LOW",
    "NOT_APPLICABLE",
    "NOT_AVAILABLE",
    "SYMBOLS",
    "DisclosureError",
    "DisclosurePolicy",
    "Gate",
    "Protected",
    "gate_for",
    "protect_table",
    "protect_tables",
    "published_cells",
    "yearly_relations",
]


class DisclosureError(ValueError):
    """Something would publish a count (or a figure derived from one) that did not pass."""


@dataclass(frozen=True)
class DisclosurePolicy:
    """The config's ``disclosure`` section: what is hidden and how hidden cells are protected."""

    threshold: int = 5
    show_zeros: bool = True
    protection: str = "range"
    # Shown counts rounded to a multiple of this (controlled rounding, analysis/rounding.py);
    # 0 for exact counts.
    rounding: int = 0

    def __post_init__(self) -> None:
        if self.threshold < 2:
            raise ValueError(
                f"disclosure threshold must be at least 2 (counts from 1 to threshold - 1 are "
                f"hidden), got {self.threshold}"
            )
        if self.rounding == 1 or self.rounding < 0:
            raise ValueError(
                f"disclosure rounding must be 0 (off) or at least 2, got {self.rounding}"
            )
        if self.protection not in PROTECTION_RULES:
            raise ValueError(f"disclosure protection must be one of {PROTECTION_RULES}")

    @classmethod
    def from_config(cls, config: AssessmentConfig) -> DisclosurePolicy:
        return cls(config.minimum_count, config.show_zeros, config.protection, config.rounding)

    @property
    def audit(self) -> AuditRule:
        return AuditRule(self.threshold, self.protection, 1.0 if self.show_zeros else 0.0)

    def is_small(self, values: np.ndarray) -> np.ndarray:
        """Counts that are hidden for their own sake (primary suppression)."""
        with np.errstate(invalid="ignore"):
            small = (values >= 1) & (values < self.threshold)
            return small if self.show_zeros else small | (values == 0)

    def count_text(self, count: float | None) -> str:
        """A count as a sentence may show it: '1,234' (rounded to the nearest multiple of
        ``rounding`` if set), or [c] when it is small."""
        if count is None or pd.isna(count):
            return CONFIDENTIAL
        if self.is_small(np.array([float(count)]))[0]:
            return CONFIDENTIAL
        if self.rounding:
            count = round_nearest(np.array([float(count)]), self.rounding)[0]
        return f"{round(float(count)):,}"

    def count_phrase(self, count: float | None, singular: str, plural: str | None = None) -> str:
        """A count and what it counts, as a sentence may say it: '132 offences', '1 offence',
        or 'fewer than 5 offences' when the count is small (never the count itself)."""
        many = plural or singular + "s"
        if count is None or pd.isna(count):
            return f"an unpublished number of {many}"
        if self.is_small(np.array([float(count)]))[0]:
            return f"fewer than {self.threshold} {many}"
        if self.rounding:
            count = round_nearest(np.array([float(count)]), self.rounding)[0]
        number = round(float(count))
        return f"{number:,} {singular if number == 1 else many}"


def protect_table(
    frame: pd.DataFrame,
    count_columns: Sequence[Hashable],
    policy: DisclosurePolicy,
    row_total_column: Hashable | None = None,
    column_total_row: Hashable | None = None,
    derived_columns: Sequence[Hashable] = (),
    row_sums_known: bool = False,
    column_sums_known: bool = False,
    grand_total_known: bool = True,
    relations: Sequence[tuple[Sequence[tuple[int, Hashable]], tuple | dict | None]] = (),
    not_applicable: Sequence[Hashable] = (),
    register: dict | None = None,
    measure: str | None = None,
    row_keys: Sequence[Hashable] = (),
    column_keys: dict | None = None,
    totals_by: Sequence[Hashable] = (),
    rederive: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> Protected:
    """Primary and exact secondary suppression of a count table, and its derived columns.

    The reader is assumed to know the table's grand total (published elsewhere, e.g. the area's
    total in a headline) unless ``grand_total_known`` is False, and each row's or column's
    total where ``row_sums_known`` or ``column_sums_known`` says it is published elsewhere (a
    district's total in another table is a margin too); in a long table, ``totals_by`` names
    label columns whose every group's total is published elsewhere (e.g. ``["year"]`` in a
    district-by-year table, the area's total each year). ``row_total_column`` and
    ``column_total_row`` (an index label) are margins published in the table itself;
    ``relations`` adds others, each ((row, column) parts, (row, column) total) by row position,
    or with a total published elsewhere: None, or what it counts (e.g. ``{"year": "2024"}``,
    linking it to the yearly table's cell under the same ``measure``).
    A missing count (NA in the input) is shown as [x], or [z] in ``not_applicable`` columns;
    ``derived_columns`` (rates, percentages, ratios, intervals) are hidden on any row where a
    count is hidden. With a ``measure`` (and ``row_keys``, ``column_keys``) naming what each
    cell counts, ``register`` holds every count decided in an earlier table (shown or hidden):
    a cell shown there is known to the reader and stays shown here, a cell hidden there stays
    hidden here, and a total published there is known here only if it was shown. This table's
    decisions are added to it. The input frame is not modified.
    Under the policy's ``rounding``, shown counts are then rounded (controlled rounding: the
    table's totals still add up, ``analysis/rounding.py``); ``rederive`` works the derived
    columns out again from the rounded counts, and without it they are hidden.
    """
    counts = list(count_columns)
    if row_total_column is not None and row_total_column not in counts:
        counts.append(row_total_column)
    if frame.empty or not counts:
        shape = (len(frame), len(counts))
        return assemble(
            frame,
            counts,
            derived_columns,
            not_applicable,
            np.zeros(shape),
            np.zeros(0, bool),
            np.zeros(shape, int),
        )
    problem = prepare(
        frame, counts, policy.is_small, row_total_column, column_total_row, derived_columns,
        row_sums_known, column_sums_known, grand_total_known, relations, not_applicable,
        register, measure, row_keys, column_keys, totals_by, rederive,
    )  # fmt: skip
    hidden = solve(problem, policy.audit)
    rounded = rounded_values(problem, hidden, policy.rounding, register)
    return finish(problem, hidden, register, rounded if policy.rounding else None)


def protect_tables(
    tables: Sequence[tuple[pd.DataFrame, Sequence[Hashable], dict]],
    policy: DisclosurePolicy,
    register: dict | None = None,
) -> list[Protected]:
    """Several tables that share cells and totals, protected as one: each is (frame, count
    columns, ``protect_table``'s options), and their cells are named (``measure``, ``row_keys``,
    ``column_keys``) so that a cell two of them show is one cell, and every table's totals
    bound the hidden cells of all. The audit then covers what a reader can work out from all
    of them at once, not only from each in turn (which a register alone does not)."""
    problems = []
    for frame, count_columns, options in tables:
        options = dict(options)
        counts = list(count_columns)
        total = options.get("row_total_column")
        if total is not None and total not in counts:
            counts.append(total)
        if frame.empty or not counts:
            raise ValueError("a table protected with others must have rows and count columns")
        problems.append(
            prepare(
                frame,
                counts,
                policy.is_small,
                total,
                options.get("column_total_row"),
                options.get("derived_columns", ()),
                options.get("row_sums_known", False),
                options.get("column_sums_known", False),
                options.get("grand_total_known", True),
                options.get("relations", ()),
                options.get("not_applicable", ()),
                register,
                options.get("measure"),
                options.get("row_keys", ()),
                options.get("column_keys"),
                options.get("totals_by", ()),
                options.get("rederive"),
            )  # fmt: skip
        )
    merged, maps = merge(problems)
    hidden = solve(merged, policy.audit)
    rounded = rounded_values(merged, hidden, policy.rounding, register) if policy.rounding else None
    return [
        finish(p, hidden[m], register, None if rounded is None else rounded[m])
        for p, m in zip(problems, maps, strict=True)
    ]


class Gate(Protocol):
    """What chapter code protects a table with: ``Chapter.protect`` under the pipeline (it
    keeps a cell shown or hidden the same in every table of the chapter), or ``gate_for``."""

    def __call__(
        self, frame: pd.DataFrame, count_columns: Sequence[Hashable], **options
    ) -> Protected: ...


def gate_for(policy: DisclosurePolicy) -> Gate:
    """A gate with its own register: the tables it protects, in turn, hold to each other.
    Its ``together`` protects several tables as one (``protect_tables``)."""
    register: dict = {}

    def protect(frame: pd.DataFrame, count_columns: Sequence[Hashable], **options) -> Protected:
        return protect_table(frame, count_columns, policy, register=register, **options)

    def together(tables: Sequence[tuple]) -> list[Protected]:
        return protect_tables(tables, policy, register)

    protect.together = together  # type: ignore[attr-defined]
    return protect


def yearly_relations(months: Sequence[str], columns: Sequence[Hashable]) -> list:
    """For a table of months ('2024-01', ...): each year's months add up to that year's total,
    which a yearly table publishes. As ``protect_table(relations=...)``."""
    years: dict[str, list[int]] = {}
    for row, month in enumerate(months):
        years.setdefault(str(month)[:4], []).append(row)
    return [
        ([(r, c) for r in rows], {"year": year}) for year, rows in years.items() for c in columns
    ]
