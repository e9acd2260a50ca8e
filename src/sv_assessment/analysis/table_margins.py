"""A count table as a reader sees it: its cells, flattened, and the additive relations among
them that a reader knows (a row adds up to its published total; the whole table adds up to the
area's total published elsewhere). The disclosure gate audits hidden cells against these."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sv_assessment.analysis.protected import Protected
from sv_assessment.analysis.suppression_audit import Relation


@dataclass
class TableCells:
    """The table's count cells, flattened, plus virtual margins (totals a reader may know)."""

    values: list[float] = field(default_factory=list)
    published: list[bool] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def add(self, value: float, published: bool) -> int:
        self.values.append(value)
        self.published.append(published)
        return len(self.values) - 1


def table_relations(
    values: np.ndarray,
    total_column: int | None,
    total_row: int | None,
    row_sums_known: bool,
    column_sums_known: bool,
    grand_total_known: bool,
    extra: Sequence[tuple[Sequence[tuple[int, int]], tuple[int, int] | str | None]],
) -> tuple[TableCells, np.ndarray]:
    n_rows, n_cols = values.shape
    grid = TableCells()
    index = np.array([[grid.add(values[r, c], True) for c in range(n_cols)] for r in range(n_rows)])
    body_rows = [r for r in range(n_rows) if r != total_row]
    body_cols = [c for c in range(n_cols) if c != total_column]

    def summable(cells: list[int]) -> bool:
        return len(cells) > 1 and not any(np.isnan(grid.values[c]) for c in cells)

    for r in range(n_rows):
        parts = [int(index[r, c]) for c in body_cols]
        if not summable(parts):
            continue
        if total_column is not None:
            grid.relations.append(Relation(tuple(parts), int(index[r, total_column])))
        elif row_sums_known:
            total = grid.add(sum(grid.values[c] for c in parts), False)
            grid.relations.append(Relation(tuple(parts), total))
    for c in range(n_cols):
        parts = [int(index[r, c]) for r in body_rows]
        if not summable(parts):
            continue
        if total_row is not None:
            grid.relations.append(Relation(tuple(parts), int(index[total_row, c])))
        elif column_sums_known:
            total = grid.add(sum(grid.values[p] for p in parts), False)
            grid.relations.append(Relation(tuple(parts), total))
    # The grand total (the area's total in a headline, say), unless margins give it already.
    implied = (
        total_row is not None or column_sums_known or (row_sums_known and total_column is None)
    )
    if grand_total_known and not implied:
        if total_column is not None:
            parts = [int(index[r, total_column]) for r in body_rows]
        else:
            parts = [int(index[r, c]) for r in body_rows for c in body_cols]
        if summable(parts):
            grand = grid.add(sum(grid.values[c] for c in parts), False)
            grid.relations.append(Relation(tuple(parts), grand))
    for parts, total in extra:  # a total of None or "named": a total published elsewhere
        cells = tuple(int(index[r, c]) for r, c in parts)
        if total is None or total == "named":
            lone = total == "named" and len(cells) == 1 and not np.isnan(grid.values[cells[0]])
            if not (lone or summable(list(cells))):
                continue
            known = grid.add(sum(grid.values[c] for c in cells), False)
            grid.relations.append(Relation(cells, known))
        else:
            grid.relations.append(Relation(cells, int(index[total])))
    return grid, index


def cell_keys(
    frame: pd.DataFrame,
    counts: list[Hashable],
    relations: Sequence[Relation],
    published: np.ndarray,
    named: dict[tuple[int, ...], dict],
    measure: str | None,
    row_keys: Sequence[Hashable],
    column_keys: dict | None,
) -> dict[int, tuple]:
    """What each cell counts, as (measure, labels): the published cells by their row and
    column labels, a total published elsewhere by the labels its parts share (or its name)."""
    if measure is None:
        return {}
    n_cols = len(counts)
    positions = {c: i for i, c in enumerate(counts)}
    draft = Protected(
        frame, frame, tuple(counts), (), (), measure, tuple(row_keys), column_keys or {}
    )
    keys = {r * n_cols + positions[c]: key for (r, c), key in draft.keys().items()}
    dims = {cell: dict(key[1]) for cell, key in keys.items()}
    for relation in relations:
        if not published[relation.total]:
            total = named.get(relation.parts) or _sum_of(relation.parts, dims)
            if total:
                keys[relation.total] = (measure, tuple(sorted(total.items())))
    return keys


def _sum_of(parts: tuple[int, ...], dims: dict[int, dict]) -> dict | None:
    """What a total of ``parts`` counts: each label the parts share, and for a label they
    differ in, the list of its values joined by '+' (the total over exactly those)."""
    if not parts or any(p not in dims for p in parts):
        return None
    names = sorted({name for p in parts for name in dims[p]})
    return {name: "+".join(sorted({str(dims[p].get(name, "")) for p in parts})) for name in names}
