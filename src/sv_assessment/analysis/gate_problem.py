"""The disclosure gate's problem for one table, and for several audited together: the table's
count cells and the totals a reader knows (``table_margins``), what earlier tables decided
(the register), the cells hidden for their own sake, and the choice of extra cells to hide
(``suppression_audit``). ``disclosure.protect_table`` solves one table; ``protect_tables``
merges several into one problem (a cell that two tables name alike is one unknown, every
table's totals are relations of all), so that no hidden cell can be narrowed from all of them
at once, and splits the answer back into one ``Protected`` table each.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sv_assessment.analysis.protected import CONFIDENTIAL, Protected, assemble
from sv_assessment.analysis.rounding import controlled_round
from sv_assessment.analysis.suppression_audit import (
    AuditRule,
    Relation,
    UnprotectableError,
    choose_hidden,
)
from sv_assessment.analysis.table_margins import cell_keys, table_relations


@dataclass
class Problem:
    """One table's cells (flat: the table's count cells, then the totals known from elsewhere)
    and what is known of each before the choice of extra cells to hide."""

    frame: pd.DataFrame
    counts: list[Hashable]
    derived_columns: Sequence[Hashable]
    not_applicable: Sequence[Hashable]
    values: np.ndarray  # the table's counts, rows by count columns
    index: np.ndarray  # the flat cell of each (row, count column)
    cell_values: np.ndarray
    relations: list[Relation]
    published: np.ndarray
    missing: np.ndarray
    forced: np.ndarray  # hidden whatever happens: small, or hidden in an earlier table
    locked: np.ndarray  # shown in an earlier table: never hidden here
    virtual_known: np.ndarray  # a total from elsewhere the reader knows
    keys: dict[int, tuple]
    measure: str | None
    row_keys: tuple
    column_keys: dict
    # Under rounding: the derived columns worked out again from the rounded counts (None: they
    # are hidden, since a rate from the true count gives the true count back).
    rederive: Callable[[pd.DataFrame], pd.DataFrame] | None = None


def _numeric(frame: pd.DataFrame, columns: Sequence[Hashable]) -> np.ndarray:
    if not columns:
        return np.zeros((len(frame), 0))
    numeric = frame[list(columns)].apply(pd.to_numeric, errors="coerce")
    return numeric.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def prepare(
    frame: pd.DataFrame,
    counts: list[Hashable],
    is_small,
    row_total_column: Hashable | None,
    column_total_row: Hashable | None,
    derived_columns: Sequence[Hashable],
    row_sums_known: bool,
    column_sums_known: bool,
    grand_total_known: bool,
    relations: Sequence,
    not_applicable: Sequence[Hashable],
    register: dict | None,
    measure: str | None,
    row_keys: Sequence[Hashable],
    column_keys: dict | None,
    totals_by: Sequence[Hashable],
    rederive: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> Problem:
    """The table as a problem (see ``disclosure.protect_table`` for the options)."""
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
        # A named total may have one part (one month of data: the month is the year's total).
        extra.append((cells, "named" if isinstance(total, dict) else at))
    if totals_by:
        groups = frame.reset_index(drop=True).groupby(list(totals_by), sort=False).indices
        for rows in groups.values():
            for column in counts:
                extra.append(([(int(r), positions[column]) for r in rows], None))
    grid, index = table_relations(
        values, total_column, total_row, row_sums_known, column_sums_known, grand_total_known, extra
    )
    cell_values = np.array(grid.values, dtype=float)
    published = np.array(grid.published)
    missing = np.isnan(cell_values)
    primary = published & ~missing & is_small(np.nan_to_num(cell_values, nan=-1))
    # A total the reader knows from elsewhere: never hidden here. A small one would be hidden
    # wherever it is published, so the reader does not know it: an unknown, not protected.
    virtual_known = ~published & ~is_small(cell_values)
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
    return Problem(
        frame, counts, derived_columns, not_applicable, values, index, cell_values,
        list(grid.relations), published, missing, forced, locked, virtual_known, keys, measure,
        tuple(row_keys), dict(column_keys or {}), rederive,
    )  # fmt: skip


def solve(problem: Problem, audit: AuditRule) -> np.ndarray:
    """The cells to hide: the forced ones and, greedily, as few others as will protect them."""
    p = problem
    virtual_known = p.virtual_known.copy()
    while True:
        try:
            return choose_hidden(
                np.nan_to_num(p.cell_values, nan=0.0),
                p.forced | p.missing | (~p.published & ~virtual_known),
                p.relations,
                audit,
                locked=(p.locked | virtual_known) & ~p.forced,
                protect=p.published & ~p.missing,
            )
        except UnprotectableError as error:
            # A total assumed known elsewhere leaves no room (a total of 6 over four hidden
            # districts pins each to 1 to 3). Assume it hidden there instead: the relation
            # says so ([c]), and the checker, which links it to the table that publishes
            # it, stops the build if it is in fact shown.
            near = {
                c
                for r in p.relations
                if set(r.parts) & set(error.failing)
                for c in (r.total, *r.parts)
            }
            relax = [c for c in near if virtual_known[c]]
            if not relax:
                raise
            # The smallest such total first: the one that leaves the least room.
            virtual_known[min(relax, key=lambda c: (p.cell_values[c], c))] = False


def merge(problems: Sequence[Problem]) -> tuple[Problem, list[np.ndarray]]:
    """Several tables as one problem: a cell two tables name alike (the same measure and
    labels) is one cell, shown or hidden in both; every table's relations hold together.
    Returns the merged problem and, for each table, where each of its cells went."""
    where: dict[tuple, int] = {}
    fields = {k: [] for k in ("cell_values", "published", "missing", "forced", "locked",
                              "virtual_known")}  # fmt: skip
    maps = []
    for p in problems:
        mapping = np.empty(len(p.cell_values), int)
        for cell in range(len(p.cell_values)):
            key = p.keys.get(cell)
            if key is not None and key in where:
                g = where[key]
                if p.published[cell] and not fields["published"][g]:
                    fields["cell_values"][g] = p.cell_values[cell]
                fields["published"][g] |= bool(p.published[cell])
                fields["missing"][g] |= bool(p.missing[cell])
                fields["forced"][g] |= bool(p.forced[cell])
                fields["locked"][g] |= bool(p.locked[cell])
                fields["virtual_known"][g] &= bool(p.virtual_known[cell])
            else:
                g = len(fields["cell_values"])
                for name, column in fields.items():
                    column.append(getattr(p, name)[cell].item())
                if key is not None:
                    where[key] = g
            mapping[cell] = g
        maps.append(mapping)
    arrays = {
        k: np.array(v, dtype=float if k == "cell_values" else bool) for k, v in fields.items()
    }
    # A cell published anywhere is decided here, for every table that shows it.
    arrays["virtual_known"] &= ~arrays["published"]
    relations = [
        Relation(tuple(int(m[c]) for c in r.parts), int(m[r.total]))
        for p, m in zip(problems, maps, strict=True)
        for r in p.relations
    ]
    merged = Problem(
        pd.DataFrame(), [], (), (), np.zeros((0, 0)), np.zeros((0, 0), int),
        arrays["cell_values"], relations, arrays["published"], arrays["missing"],
        arrays["forced"], arrays["locked"], arrays["virtual_known"],
        {g: key for key, g in where.items()}, None, (), {},
    )  # fmt: skip
    return merged, maps


def rounded_values(
    problem: Problem, hidden: np.ndarray, base: int, register: dict | None
) -> np.ndarray:
    """The cells as published under rounding to ``base`` (``rounding.controlled_round``): the
    shown cells rounded so that the table's totals add up to its parts as shown; a cell another
    table has already published rounded keeps that value. Without rounding, the cells."""
    p = problem
    if base <= 1:
        return p.cell_values
    # Every cell a reader sees: shown here, or a total known from elsewhere (rounded too, so
    # that no exact total is written anywhere, not even in the table's metadata).
    shown = ~hidden & ~p.missing
    fixed = {}
    for cell, key in p.keys.items():
        if register is not None and ("rounded", key) in register and not hidden[cell]:
            fixed[cell] = register[("rounded", key)]  # as it was shown there
    return controlled_round(p.cell_values, shown, p.relations, base, fixed).values


def finish(
    problem: Problem,
    hidden: np.ndarray,
    register: dict | None,
    rounded: np.ndarray | None = None,
) -> Protected:
    """The table as published, given which of its cells are hidden (and, under rounding, the
    rounded cells); its decisions (the totals from elsewhere too) go in the register for the
    tables after it."""
    p = problem
    n_cols = len(p.counts)
    shown_values = p.cell_values if rounded is None else rounded
    frame, hide_derived = p.frame, False
    if rounded is not None:
        table_values = np.where(np.isnan(p.values), np.nan, rounded[p.index])
        frame = p.frame.copy()
        for j, column in enumerate(p.counts):
            frame[column] = table_values[:, j]
        if p.rederive is not None:
            frame = p.rederive(frame)
        hide_derived = p.rederive is None
    else:
        table_values = p.values
    table = assemble(
        frame, p.counts, p.derived_columns, p.not_applicable, table_values, hidden, p.index,
        hide_derived,
    )  # fmt: skip
    if register is not None:
        # Totals from elsewhere too: one assumed hidden here must be hidden where it is shown.
        register.update({key: not hidden[c] for c, key in p.keys.items()})
        if rounded is not None:
            register.update(
                {("rounded", key): rounded[c] for c, key in p.keys.items() if not hidden[c]}
            )

    def where(cell: int) -> object:
        if p.published[cell]:
            return divmod(cell, n_cols)[0], p.counts[cell % n_cols]
        value = CONFIDENTIAL if hidden[cell] else round(float(shown_values[cell]))
        return {"key": dict(p.keys[cell][1]), "value": value} if cell in p.keys else value

    described = tuple(
        (tuple(where(c) for c in relation.parts), where(relation.total)) for relation in p.relations
    )
    return Protected(
        table.frame,
        table.status,
        table.count_columns,
        table.derived_columns,
        described,
        p.measure,
        p.row_keys,
        p.column_keys,
    )
