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

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

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
from sv_assessment.analysis.suppression_audit import (
    PROTECTION_RULES,
    AuditRule,
    UnprotectableError,
    choose_hidden,
)
from sv_assessment.analysis.table_margins import cell_keys, table_relations
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

    def __post_init__(self) -> None:
        if self.threshold < 2:
            raise ValueError(
                f"disclosure threshold must be at least 2 (counts from 1 to threshold - 1 are "
                f"hidden), got {self.threshold}"
            )
        if self.protection not in PROTECTION_RULES:
            raise ValueError(f"disclosure protection must be one of {PROTECTION_RULES}")

    @classmethod
    def from_config(cls, config: AssessmentConfig) -> DisclosurePolicy:
        return cls(config.minimum_count, config.show_zeros, config.protection)

    @property
    def audit(self) -> AuditRule:
        return AuditRule(self.threshold, self.protection, 1.0 if self.show_zeros else 0.0)

    def is_small(self, values: np.ndarray) -> np.ndarray:
        """Counts that are hidden for their own sake (primary suppression)."""
        with np.errstate(invalid="ignore"):
            small = (values >= 1) & (values < self.threshold)
            return small if self.show_zeros else small | (values == 0)

    def count_text(self, count: float | None) -> str:
        """A count as a sentence may show it: '1,234', or [c] when it is small."""
        if count is None or pd.isna(count):
            return CONFIDENTIAL
        if self.is_small(np.array([float(count)]))[0]:
            return CONFIDENTIAL
        return f"{round(float(count)):,}"

    def count_phrase(self, count: float | None, singular: str, plural: str | None = None) -> str:
        """A count and what it counts, as a sentence may say it: '132 offences', '1 offence',
        or 'fewer than 5 offences' when the count is small (never the count itself)."""
        many = plural or singular + "s"
        if count is None or pd.isna(count):
            return f"an unpublished number of {many}"
        if self.is_small(np.array([float(count)]))[0]:
            return f"fewer than {self.threshold} {many}"
        number = round(float(count))
        return f"{number:,} {singular if number == 1 else many}"


def _numeric(frame: pd.DataFrame, columns: Sequence[Hashable]) -> np.ndarray:
    if not columns:
        return np.zeros((len(frame), 0))
    numeric = frame[list(columns)].apply(pd.to_numeric, errors="coerce")
    return numeric.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


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
    values = _numeric(frame, counts)
    total_column = counts.index(row_total_column) if row_total_column is not None else None
    total_row = None
    if column_total_row is not None:
        matches = np.flatnonzero(frame.index == column_total_row)
        if len(matches) != 1:
            raise ValueError(f"index label {column_total_row!r} must occur exactly once")
        total_row = int(matches[0])
    positions = {c: i for i, c in enumerate(counts)}
    extra, named = [], {}
    for parts, total in relations:
        cells = [(r, positions[c]) for r, c in parts]
        if isinstance(total, dict):  # a total published elsewhere, named by what it counts
            named[tuple(r * len(counts) + c for r, c in cells)] = total
        at = (total[0], positions[total[1]]) if isinstance(total, tuple) else None
        extra.append((cells, at))
    if totals_by:
        groups = frame.reset_index(drop=True).groupby(list(totals_by), sort=False).indices
        for rows in groups.values():
            for column in counts:
                extra.append(([(int(r), positions[column]) for r in rows], None))
    grid, index = table_relations(
        values,
        total_column,
        total_row,
        row_sums_known,
        column_sums_known,
        grand_total_known,
        extra,
    )
    cell_values = np.array(grid.values, dtype=float)
    published = np.array(grid.published)
    missing = np.isnan(cell_values)
    primary = published & ~missing & policy.is_small(np.nan_to_num(cell_values, nan=-1))
    # A total the reader knows from elsewhere: never hidden here. A small one would be hidden
    # wherever it is published, so the reader does not know it: an unknown, not protected.
    virtual_known = ~published & ~policy.is_small(cell_values)
    n_cols = len(counts)
    keys = cell_keys(
        frame, counts, grid.relations, published, named, measure, row_keys, column_keys
    )
    forced = primary.copy()
    locked = np.zeros(len(cell_values), bool)
    for cell, key in keys.items():  # decided in an earlier table: hold to it
        if register is None or key not in register:
            continue
        if published[cell]:
            locked[cell] |= register[key]
            forced[cell] |= not register[key]
        else:
            virtual_known[cell] = register[key]
    while True:
        try:
            hidden = choose_hidden(
                np.nan_to_num(cell_values, nan=0.0),
                forced | missing | (~published & ~virtual_known),
                grid.relations,
                policy.audit,
                locked=(locked | virtual_known) & ~forced,
                protect=published & ~missing,
            )
            break
        except UnprotectableError as error:
            # A total assumed known elsewhere leaves no room (a total of 6 over four hidden
            # districts pins each to 1 to 3). Assume it hidden there instead: the relation
            # says so ([c]), and the checker, which links it to the table that publishes
            # it, stops the build if it is in fact shown.
            near = {
                c
                for r in grid.relations
                if set(r.parts) & set(error.failing)
                for c in (r.total, *r.parts)
            }
            relax = [c for c in near if virtual_known[c]]
            if not relax:
                raise
            # The smallest such total first: the one that leaves the least room.
            virtual_known[min(relax, key=lambda c: (cell_values[c], c))] = False
    protected = assemble(frame, counts, derived_columns, not_applicable, values, hidden, index)
    if register is not None:
        # Totals from elsewhere too: one assumed hidden here must be hidden where it is shown.
        register.update({key: not hidden[c] for c, key in keys.items()})

    def where(cell: int, parts: tuple[int, ...]) -> object:
        if published[cell]:
            return divmod(cell, n_cols)[0], counts[cell % n_cols]
        value = CONFIDENTIAL if hidden[cell] else round(float(cell_values[cell]))
        return {"key": dict(keys[cell][1]), "value": value} if cell in keys else value

    described = tuple(
        (tuple(where(p, ()) for p in relation.parts), where(relation.total, relation.parts))
        for relation in grid.relations
    )
    return Protected(
        protected.frame,
        protected.status,
        protected.count_columns,
        protected.derived_columns,
        described,
        measure,
        tuple(row_keys),
        dict(column_keys or {}),
    )


class Gate(Protocol):
    """What chapter code protects a table with: ``Chapter.protect`` under the pipeline (it
    keeps a cell shown or hidden the same in every table of the chapter), or ``gate_for``."""

    def __call__(
        self, frame: pd.DataFrame, count_columns: Sequence[Hashable], **options
    ) -> Protected: ...


def gate_for(policy: DisclosurePolicy) -> Gate:
    """A gate with its own register: the tables it protects, in turn, hold to each other."""
    register: dict = {}

    def protect(frame: pd.DataFrame, count_columns: Sequence[Hashable], **options) -> Protected:
        return protect_table(frame, count_columns, policy, register=register, **options)

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
