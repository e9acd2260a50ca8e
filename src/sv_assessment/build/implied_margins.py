"""Margins a reader can find that no table declares: the disclosure checker's guess at totals
the chapters did not say they publish elsewhere, so that a missed declaration is caught."""

from __future__ import annotations

from sv_assessment.analysis.disclosure import CONFIDENTIAL
from sv_assessment.build import published_files as pf


def _label_columns(table: pf.PublishedTable) -> list[str]:
    counts = set(table.count_columns) | set(table.derived_columns)
    return [c for c in table.cells.columns if c not in counts]


def implied_row_totals(
    tables: dict[str, pf.PublishedTable],
) -> list[tuple[str, int, str, int, str]]:
    """Row totals a reader can find that no table declares: a count column of another table
    that equals a table's row sums on every row shown in full (at least two of them summing
    two or more counts) is taken to give the row sums of its other rows too, e.g. a rates table's "People" beside an age-by-sex
    table. Each is (table, row, other table, its row, its column)."""
    found = []
    for table in tables.values():
        counts = table.count_columns
        hidden_rows = [
            r for r in range(len(table.cells)) if (table.cells.loc[r, counts] == CONFIDENTIAL).any()
        ]
        if len(counts) < 2 or not hidden_rows:
            continue
        labels = {
            label: r
            for column in _label_columns(table)[:1]
            for r, label in enumerate(table.cells[column])
        }
        for other in tables.values():
            if other is table:
                continue
            for label_column in _label_columns(other):
                rows = {
                    labels[v]: r for r, v in enumerate(other.cells[label_column]) if v in labels
                }
                if len(rows) < 3:
                    continue
                for column in other.count_columns:
                    full, agree = 0, True
                    for r, o in rows.items():
                        numbers = [pf.number(t) for t in table.cells.loc[r, counts]]
                        total = pf.number(other.cells.at[o, column])
                        if total is None or any(n is None for n in numbers):
                            continue
                        # A row with one count only agrees with a copy of that count too.
                        full += sum(n > 0 for n in numbers) >= 2
                        agree &= abs(sum(numbers) - total) < 0.5
                    if not (agree and full >= 2):
                        continue
                    for r in (r for r in hidden_rows if r in rows):
                        total = pf.number(other.cells.at[rows[r], column])
                        shown = [pf.number(t) or 0 for t in table.cells.loc[r, counts]]
                        # A total smaller than the cells shown beside it is no total of them.
                        if total is None or total >= sum(shown):
                            found.append((table.name, r, other.name, rows[r], column))
    return found
