"""From an input's text cells to the canonical, typed frame: rename the columns, parse dates,
flags and whole numbers strictly, and keep each row's file line as ``source_row``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sv_assessment.ingest import codes
from sv_assessment.ingest.columns import (
    FALSE_WORDS,
    TRUE_WORDS,
    canonical_column_names,
    check_unambiguous,
    missing_columns_error,
)
from sv_assessment.ingest.errors import MAX_EXAMPLES, InputError
from sv_assessment.ingest.tabular import RawTable, read_raw_table
from sv_assessment.schema import SCHEMAS


def _rows(mask: pd.Series, lines: np.ndarray) -> list[int]:
    """File line numbers of the rows where mask is true (a few examples)."""
    return [int(n) for n in lines[mask.to_numpy(dtype=bool)][: MAX_EXAMPLES + 1]]


def _parse_dates(
    values: pd.Series, column: str, path: Path, lines: np.ndarray, with_time: bool
) -> pd.Series:
    text = values.str.strip()
    present = text != ""
    formats = ["%Y-%m-%d", "%d/%m/%Y"]
    if with_time:
        formats = [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%d/%m/%Y %H:%M:%S",
            "%d/%m/%Y %H:%M",
            *formats,
        ]
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = present & parsed.isna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    bad = present & parsed.isna()
    if bad.any():
        raise InputError(
            path,
            "not a valid date (expected YYYY-MM-DD or DD/MM/YYYY)",
            column,
            _rows(bad, lines),
            text[bad].head(MAX_EXAMPLES).tolist(),
        )
    return parsed


def _parse_flags(values: pd.Series, column: str, path: Path, lines: np.ndarray) -> pd.Series:
    text = values.str.strip().str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[text.isin(TRUE_WORDS)] = True
    result[text.isin(FALSE_WORDS)] = False
    bad = (text != "") & result.isna()
    if bad.any():
        raise InputError(
            path,
            "not a yes/no flag (expected true/false, yes/no, y/n or 1/0)",
            column,
            _rows(bad, lines),
            values[bad].head(MAX_EXAMPLES).tolist(),
        )
    return result


# A comma in a whole number only as a thousands separator: "1,700" is 1700, "1,7" is refused.
GROUPED_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+"


def _parse_integers(values: pd.Series, column: str, path: Path, lines: np.ndarray) -> pd.Series:
    stripped = values.str.strip()
    misplaced_comma = stripped.str.contains(",", regex=False) & ~stripped.str.fullmatch(
        GROUPED_THOUSANDS
    )
    text = stripped.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    finite = np.isfinite(numbers.to_numpy(dtype="float64", na_value=np.nan))  # "inf" is no age
    bad = (text != "") & (misplaced_comma | numbers.isna() | ~finite | (numbers.round() != numbers))
    if bad.any():
        raise InputError(
            path,
            "not a whole number",
            column,
            _rows(bad, lines),
            values[bad].head(MAX_EXAMPLES).tolist(),
        )
    return numbers.astype("Int64")


def to_canonical(
    raw: pd.DataFrame,
    kind: str,
    path: Path,
    header_line: int = 1,
    lines: np.ndarray | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Rename, check and type a text frame into the canonical schema for its kind.

    ``lines`` holds each row's line in the file (default: the rows follow the header line).
    """
    if lines is None:
        lines = np.arange(header_line + 1, header_line + 1 + len(raw), dtype="int64")
    try:
        return _to_canonical(raw.reset_index(drop=True), kind, path, lines)
    except InputError as error:
        if sheet is None or error.sheet:
            raise
        raise InputError(
            error.path, error.problem, error.column, error.rows, error.values, sheet=sheet
        ) from None


def _to_canonical(raw: pd.DataFrame, kind: str, path: Path, lines: np.ndarray) -> pd.DataFrame:
    fields = SCHEMAS[kind]
    check_unambiguous(list(raw.columns), fields, path)
    mapping = canonical_column_names(list(raw.columns), fields)
    renamed = raw.rename(columns=mapping)
    missing = [f.name for f in fields if f.required and f.name not in renamed.columns]
    if missing:
        raise missing_columns_error(path, list(raw.columns), kind)
    typed = pd.DataFrame(index=renamed.index)
    for f in fields:
        if f.name not in renamed.columns:
            typed[f.name] = pd.Series(pd.NA, index=renamed.index, dtype=f.dtype)
            continue
        values = renamed[f.name].astype("string").fillna("")
        if f.dtype.startswith("datetime"):
            typed[f.name] = _parse_dates(
                values, f.name, path, lines, with_time=f.name.endswith("_at")
            )
        elif f.dtype == "boolean":
            typed[f.name] = _parse_flags(values, f.name, path, lines)
        elif f.dtype == "Int64":
            typed[f.name] = _parse_integers(values, f.name, path, lines)
        else:
            stripped = values.str.replace(codes.INVISIBLE, "", regex=True).str.strip()
            typed[f.name] = stripped.where(stripped != "").astype("string")
    typed["source_row"] = np.asarray(lines, dtype="int64")
    return codes.normalise(typed.reset_index(drop=True))


def read_table(path: Path, kind: str, sheet: str | None = None) -> tuple[pd.DataFrame, RawTable]:
    """The canonical frame, and how the file was read (encoding, delimiter, sheet, header)."""
    raw = read_raw_table(path, kind, sheet)
    frame = to_canonical(raw.frame, kind, path, raw.header_line, raw.lines, raw.sheet)
    return frame, raw


def read_input(path: Path, kind: str, sheet: str | None = None) -> pd.DataFrame:
    return read_table(path, kind, sheet)[0]
