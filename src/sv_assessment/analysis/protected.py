"""A table through the disclosure gate, and how it is shown: the GSS symbols, ``Protected``
(the values with hidden cells as NA, and each cell's symbol) and the published cells."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

CONFIDENTIAL = "[c]"
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
LOW = "[low]"
SYMBOLS = {
    CONFIDENTIAL: "confidential: a count from 1 to the threshold minus one, or another figure "
    "hidden so that such a count cannot be worked out (and any rate, percentage, ratio or "
    "interval built on it)",
    NOT_AVAILABLE: "not available: the figure cannot be computed from the data (for example a "
    "rolling 12-month total before 12 months of data)",
    NOT_APPLICABLE: "not applicable: the figure has no meaning here (for example a rate for "
    "people whose age is not recorded, who have no population)",
    LOW: "low: a rounded figure that rounds to zero but is not zero",
}
"""The Government Statistical Service symbols, as the report's methods chapter explains them."""

SUPPRESSED_MARKER = CONFIDENTIAL  # the name older code used


@dataclass(frozen=True)
class Protected:
    """A table through the gate: ``frame`` has hidden cells as NA (numeric columns nullable)
    and ``status`` holds the GSS symbol of each cell that is not shown ("" where shown)."""

    frame: pd.DataFrame
    status: pd.DataFrame
    count_columns: tuple[Hashable, ...] = ()
    derived_columns: tuple[Hashable, ...] = ()
    # Each relation a reader knows, as ((row, column) parts, total): the total is a (row,
    # column) cell of this table, or a total published elsewhere (its value, or [c] if hidden).
    relations: tuple[tuple[tuple[tuple[int, Hashable], ...], object], ...] = ()
    # What the counts count, for linking a cell with the same cell in another table: the
    # measure, the label columns that name a row, and what each count column adds to them
    # (e.g. {"offences_2024": {"year": "2024"}}).
    measure: str | None = None
    row_keys: tuple[Hashable, ...] = ()
    column_keys: dict = field(default_factory=dict)

    def keys(self) -> dict[tuple[int, Hashable], tuple]:
        """The identity of every count cell, where the table says what it counts."""
        if self.measure is None:
            return {}
        found = {}
        for row in range(len(self.frame)):
            labels = {str(k): str(self.frame[k].iloc[row]) for k in self.row_keys}
            for column in self.count_columns:
                dims = {**labels, **self.column_keys.get(column, {"column": str(column)})}
                found[(row, column)] = (self.measure, tuple(sorted(dims.items())))
        return found

    def hidden(self, column: Hashable) -> pd.Series:
        return self.status[column] == CONFIDENTIAL

    def select(self, rows: pd.Series, columns: list[Hashable]) -> Protected:
        """Some rows and columns of the table, each cell keeping its symbol (a chart drawing
        part of a gated table hands the gate's [c] on, rather than a bare gap)."""
        keep = rows.to_numpy()
        frame = self.frame.loc[keep, columns].reset_index(drop=True)
        return Protected(
            frame,
            self.status.loc[keep, columns].reset_index(drop=True),
            tuple(c for c in self.count_columns if c in columns),
            tuple(c for c in self.derived_columns if c in columns),
        )

    def text(self, row: int, column: Hashable) -> str:
        """The cell as a sentence may show it (by position of the row)."""
        symbol = self.status[column].iloc[row]
        if symbol:
            return symbol
        value = self.frame[column].iloc[row]
        return f"{round(float(value)):,}" if column in self.count_columns else str(value)


def assemble(
    frame: pd.DataFrame,
    counts: list[Hashable],
    derived_columns: Sequence[Hashable],
    not_applicable: Sequence[Hashable],
    values: np.ndarray,
    hidden: np.ndarray,
    index: np.ndarray,
    hide_derived: bool = False,
) -> Protected:
    """The table as the gate shows it: hidden counts NA with [c], missing ones [x] or [z],
    derived columns hidden beside a hidden count (on every row with ``hide_derived``: under
    rounding, a figure built on the true count would give it back)."""
    out = frame.copy()
    status = pd.DataFrame("", index=frame.index, columns=frame.columns, dtype=object)
    row_hidden = np.zeros(len(frame), bool)
    for j, column in enumerate(counts):
        cells = hidden[index[:, j]] & ~np.isnan(values[:, j])
        absent = np.isnan(values[:, j])
        column_values = pd.array(values[:, j], dtype="Float64")
        column_values[cells | absent] = pd.NA
        out[column] = column_values
        status.loc[cells, column] = CONFIDENTIAL
        status.loc[absent, column] = NOT_APPLICABLE if column in not_applicable else NOT_AVAILABLE
        row_hidden |= cells
    if hide_derived:
        row_hidden[:] = True
    for column in derived_columns:
        source = out[column]
        if pd.api.types.is_numeric_dtype(source):
            whole = pd.api.types.is_integer_dtype(source)  # a rank stays 1, not 1.0
            column_values = pd.to_numeric(source, errors="coerce").astype(
                "Int64" if whole else "Float64"
            )
            absent = column_values.isna().to_numpy()
            column_values[row_hidden] = pd.NA
            out[column] = column_values
        else:  # a text flag built on the count (e.g. "above the 95% limit"), or "n/a"
            absent = source.isna().to_numpy() | source.astype(str).str.lower().eq("n/a").to_numpy()
            out[column] = source.astype(object).where(~(row_hidden | absent), pd.NA)
        symbol = NOT_APPLICABLE if column in not_applicable else NOT_AVAILABLE
        status.loc[absent & ~row_hidden, column] = (
            NOT_APPLICABLE if not pd.api.types.is_numeric_dtype(source) else symbol
        )
        status.loc[row_hidden, column] = CONFIDENTIAL
    return Protected(out, status, tuple(counts), tuple(derived_columns))


def published_cells(protected: Protected, thousands: bool) -> pd.DataFrame:
    """The table as published: each cell its value or its symbol. Counts are whole numbers,
    with thousands separators for people (``thousands``) and without for machines (CSV);
    other figures keep one number of decimal places down a column (2.40 beside 2.36)."""
    out = protected.frame.astype(object).copy()
    for column in out.columns:
        symbols = protected.status[column].to_numpy()
        is_count = column in protected.count_columns
        places = (
            None if is_count or str(column) == "year" else _decimal_places(protected.frame[column])
        )
        rendered = []
        for value, symbol in zip(out[column].tolist(), symbols, strict=True):
            if symbol:
                rendered.append(symbol)
            elif pd.isna(value) or not (is_count or places is not None):
                rendered.append(value)
            elif is_count or places == 0:
                whole = round(float(value))
                rendered.append(f"{whole:,}" if thousands else whole)
            else:
                rendered.append(f"{float(value):.{places}f}")
        out[column] = pd.Series(rendered, index=out.index, dtype=object)
    return out


def _decimal_places(column: pd.Series, most: int = 4) -> int | None:
    """The fewest decimal places (up to ``most``) that show every value of a numeric column
    exactly, so a column keeps its trailing zeros; None for text, or values needing more."""
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return None
    values = pd.to_numeric(column, errors="coerce").dropna().astype(float)
    for places in range(most + 1):
        if np.allclose(values, values.round(places), rtol=0, atol=1e-9):
            return places
    return None
