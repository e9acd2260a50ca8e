"""Statistical disclosure control for published count tables.

Suppressed cells are returned as ``pd.NA`` in nullable ``Float64`` columns: ``Float64`` keeps
counts numeric (so totals and checks still work) while distinguishing "suppressed" from a real
zero, and it copes with non-integer values that ``Int64`` would reject. Because NA means
"suppressed" in these outputs, do not pass frames with genuinely missing values unless they are
meant to be treated as unpublished.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "SUPPRESSED_MARKER",
    "format_for_publication",
    "is_safe",
    "suppress_rates",
    "suppress_series",
    "suppress_table",
]

SUPPRESSED_MARKER = "[c]"
"""GSS symbol for a value withheld to protect confidentiality."""

_Cell = tuple[int, int]


def _check_minimum(minimum_count: int) -> None:
    if minimum_count < 1:
        raise ValueError(f"minimum_count must be at least 1, got {minimum_count}")


def _is_small(values: np.ndarray, minimum_count: int) -> np.ndarray:
    # Zeros stay visible: a structural or true zero discloses nothing about an individual.
    with np.errstate(invalid="ignore"):
        return (values >= 1) & (values < minimum_count)


def _as_float_array(frame: pd.DataFrame, columns: Sequence[Hashable]) -> np.ndarray:
    numeric = frame[list(columns)].apply(pd.to_numeric, errors="coerce")
    return numeric.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _secondary_suppress(
    values: np.ndarray, hidden: np.ndarray, equations: list[tuple[list[_Cell], _Cell]]
) -> np.ndarray:
    """Hide extra cells until no additive equation has exactly one hidden term.

    Each equation is (component cells, total cell). With a single unknown term, the unknown is
    just the total minus the rest, so a second cell has to go too.
    """
    hidden = hidden.copy()
    changed = True
    while changed:
        changed = False
        for parts, total in equations:
            terms = [*parts, total]
            if sum(hidden[cell] for cell in terms) != 1:
                continue
            # Prefer hiding a component over the total: totals are the more useful figures.
            candidates = [c for c in parts if not hidden[c] and values[c] != 0]
            if not candidates and not hidden[total] and values[total] != 0:
                candidates = [total]
            if not candidates:
                continue
            smallest = min(candidates, key=lambda cell: values[cell])
            hidden[smallest] = True
            changed = True
    return hidden


def suppress_table(
    frame: pd.DataFrame,
    value_columns: Sequence[Hashable],
    minimum_count: int = 5,
    row_total_column: Hashable | None = None,
    column_total_row: Hashable | None = None,
) -> pd.DataFrame:
    """Primary and secondary suppression of a two-way count table.

    ``row_total_column`` names a column holding row totals; ``column_total_row`` is the index label
    of a row holding column totals. Totals below ``minimum_count`` are suppressed too, and the
    margins (including the grand total) are protected in the same way as the body. Without any
    totals only primary suppression is applied. The input frame is not modified.
    """
    _check_minimum(minimum_count)
    body_cols = [c for c in value_columns if c != row_total_column]
    grid_cols = body_cols + ([row_total_column] if row_total_column is not None else [])
    values = _as_float_array(frame, grid_cols)
    n_rows, n_body = len(frame), len(body_cols)

    total_row_pos: int | None = None
    if column_total_row is not None:
        matches = np.flatnonzero(frame.index == column_total_row)
        if len(matches) != 1:
            raise ValueError(f"index label {column_total_row!r} must occur exactly once")
        total_row_pos = int(matches[0])
    body_rows = [r for r in range(n_rows) if r != total_row_pos]
    total_col_pos = n_body if row_total_column is not None else None

    equations: list[tuple[list[_Cell], _Cell]] = []
    if total_col_pos is not None:
        for r in range(n_rows):
            equations.append(([(r, c) for c in range(n_body)], (r, total_col_pos)))
    if total_row_pos is not None:
        for c in range(len(grid_cols)):
            equations.append(([(r, c) for r in body_rows], (total_row_pos, c)))

    hidden = np.isnan(values) | _is_small(values, minimum_count)
    hidden = _secondary_suppress(values, hidden, equations)

    out = frame.copy()
    for pos, col in enumerate(grid_cols):
        column = pd.array(values[:, pos], dtype="Float64")
        column[hidden[:, pos]] = pd.NA
        out[col] = column
    return out


def suppress_series(series: pd.Series, minimum_count: int = 5, has_total: bool = True) -> pd.Series:
    """One-dimensional suppression; ``has_total`` means the series total is published elsewhere.

    The caller must withhold that total itself if it is below ``minimum_count``.
    """
    _check_minimum(minimum_count)
    values = pd.to_numeric(series, errors="coerce").astype("Float64")
    raw = values.to_numpy(dtype=float, na_value=np.nan)
    hidden = np.isnan(raw) | _is_small(raw, minimum_count)
    if has_total and len(raw) > 0:
        # Model the published total as a virtual extra cell that is never hidden.
        grid = np.append(raw, np.nansum(raw)).reshape(-1, 1)
        mask = np.append(hidden, False).reshape(-1, 1)
        equations = [([(i, 0) for i in range(len(raw))], (len(raw), 0))]
        grid_hidden = _secondary_suppress(grid, mask, equations)
        hidden = grid_hidden[:-1, 0]
    out = values.copy()
    out[hidden] = pd.NA
    return out


def suppress_rates(
    frame: pd.DataFrame,
    count_col: Hashable,
    rate_cols: Sequence[Hashable],
    minimum_count: int = 5,
) -> pd.DataFrame:
    """Suppress small counts and, wherever a count is suppressed, the rates and CIs built on it.

    A rate (or its interval) together with a published population would reveal the count.
    """
    _check_minimum(minimum_count)
    out = frame.copy()
    counts = pd.to_numeric(out[count_col], errors="coerce").astype("Float64")
    raw = counts.to_numpy(dtype=float, na_value=np.nan)
    hidden = np.isnan(raw) | _is_small(raw, minimum_count)
    counts[hidden] = pd.NA
    out[count_col] = counts
    for col in rate_cols:
        rates = pd.to_numeric(out[col], errors="coerce").astype("Float64")
        rates[hidden] = pd.NA
        out[col] = rates
    return out


def _is_whole_numeric(column: pd.Series) -> bool:
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return False
    present = column.dropna().to_numpy(dtype=float)
    return bool(np.all(np.isfinite(present) & (present == np.round(present))))


def format_for_publication(
    frame: pd.DataFrame,
    count_columns: Sequence[Hashable] | None = None,
    marker_columns: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Render counts as '1,234' strings and suppressed (NA) values as ``SUPPRESSED_MARKER``.

    ``count_columns`` defaults to numeric columns holding only whole numbers; ``marker_columns``
    (where NA becomes the marker) defaults to every numeric column. Other columns are untouched.
    """
    out = frame.copy()
    numeric = [
        c
        for c in out.columns
        if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])
    ]
    if count_columns is None:
        counts = [c for c in numeric if _is_whole_numeric(out[c])]
    else:
        counts = list(count_columns)
    markers = set(numeric if marker_columns is None else marker_columns) | set(counts)
    for col in out.columns:
        if col not in markers:
            continue
        source = out[col]
        is_count = col in counts
        places = None if is_count else _decimal_places(source)
        rendered = [
            SUPPRESSED_MARKER
            if pd.isna(v)
            else (
                f"{round(float(v)):,}"
                if is_count
                else (v if places is None else f"{float(v):.{places}f}")
            )
            for v in source.tolist()
        ]
        out[col] = pd.Series(rendered, index=out.index, dtype=object)
    return out


def _decimal_places(column: pd.Series, most: int = 4) -> int | None:
    """The fewest decimal places (up to ``most``) that show every value of a numeric column
    exactly, so a column keeps its trailing zeros (2.40 beside 2.36, not 2.4); None when the
    values need more (they are then left as they are)."""
    if not pd.api.types.is_numeric_dtype(column):
        return None
    values = pd.to_numeric(column, errors="coerce").dropna().astype(float)
    for places in range(most + 1):
        if np.allclose(values, values.round(places), rtol=0, atol=1e-9):
            return places
    return None


def _published_numbers(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(column):
        return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    # Formatted output: strip thousands separators; the marker and other text become NaN.
    text = column.astype("string").str.replace(",", "", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def is_safe(frame: pd.DataFrame, value_columns: Sequence[Hashable], minimum_count: int) -> bool:
    """True when no published value in ``value_columns`` lies in 1..minimum_count-1."""
    return not any(
        _is_small(_published_numbers(frame[col]), minimum_count).any() for col in value_columns
    )
