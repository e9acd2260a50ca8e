"""From an input's text cells to the canonical, typed frame: rename the columns, parse dates,
flags and whole numbers strictly, and keep each row's file line as ``source_row``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sv_assessment.ingest import codes, derive
from sv_assessment.ingest.columns import (
    DATE_FORMATS,
    DATETIME_FORMATS,
    FALSE_WORDS,
    TRUE_WORDS,
    canonical_column_names,
    check_unambiguous,
    missing_columns_error,
    normalise_header,
)
from sv_assessment.ingest.errors import MAX_EXAMPLES, InputError
from sv_assessment.ingest.mapping import (
    ExtractMapping,
    describe_values,
    map_values,
    unmapped_hint,
)
from sv_assessment.ingest.tabular import RawTable, read_raw_table
from sv_assessment.schema import NUMBER_RANGES, PARTNER_KINDS, SCHEMAS


def _rows(mask: pd.Series, lines: np.ndarray) -> list[int]:
    """File line numbers of the rows where mask is true (a few examples)."""
    return [int(n) for n in lines[mask.to_numpy(dtype=bool)][: MAX_EXAMPLES + 1]]


PROBE_ROWS = 200


def _parse_dates(
    values: pd.Series,
    column: str,
    path: Path,
    lines: np.ndarray,
    with_time: bool,
    mapping: ExtractMapping | None = None,
) -> pd.Series:
    text = values.str.strip()
    present = text != ""
    configured = mapping.date_format(column) if mapping else None
    if configured:  # the config's format, and only it: a partner's dates are all one way
        parsed = pd.to_datetime(text.where(present), format=configured, errors="coerce")
        if "%H" in configured:  # midnight is often written as the date alone
            day = configured.split(" ")[0].split("T")[0]
            parsed = parsed.fillna(pd.to_datetime(text.where(present), format=day, errors="coerce"))
        bad = present & parsed.isna()
        if bad.any():
            raise InputError(
                path,
                f"not a date in the config's format {configured!r} "
                f"({mapping.where('date_format', column)})",
                column,
                _rows(bad, lines),
                text[bad].head(MAX_EXAMPLES).tolist(),
            )
        return parsed.astype("datetime64[ns]")
    formats = DATETIME_FORMATS if with_time else DATE_FORMATS
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = present & parsed.isna()
        if not todo.any():
            break
        # A format that reads none of the first values left is skipped: trying every format
        # on every row took most of a large extract's reading time.
        probe = pd.to_datetime(text[todo].head(PROBE_ROWS), format=fmt, errors="coerce")
        if probe.notna().any():
            parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    bad = present & parsed.isna()
    if bad.any():
        raise InputError(
            path,
            "not a valid date (expected YYYY-MM-DD or DD/MM/YYYY; give the extract's format "
            f"under 'date_format: {column}:' for this input in the config)",
            column,
            _rows(bad, lines),
            text[bad].head(MAX_EXAMPLES).tolist(),
        )
    return parsed


def _parse_flags(
    values: pd.Series,
    column: str,
    path: Path,
    lines: np.ndarray,
    mapping: ExtractMapping | None = None,
) -> pd.Series:
    text = values.str.strip().str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[text.isin(TRUE_WORDS)] = True
    result[text.isin(FALSE_WORDS)] = False
    bad = (text != "") & result.isna()
    if bad.any():
        raise InputError(
            path,
            "not a yes/no flag (expected true/false, yes/no, y/n or 1/0)"
            + unmapped_hint(mapping, column),
            column,
            _rows(bad, lines),
            values[bad].head(MAX_EXAMPLES).tolist(),
        )
    return result


# How publishers of partner data mark a count they suppress or do not have (HES "*", the
# GSS symbols the DfE uses, ".." and "-" in older tables).
SUPPRESSED = frozenset({"*", "c", "[c]", "x", "[x]", "z", "[z]", "low", "[low]", "..", "-"})

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


def _parse_decimals(values: pd.Series, column: str, path: Path, lines: np.ndarray) -> pd.Series:
    """Decimal numbers (coordinates), each in the field's range; anything else stops the read,
    naming the file, column and lines."""
    text = values.str.strip()
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")
    low, high = NUMBER_RANGES.get(column, (-np.inf, np.inf))
    bad = (text != "") & (numbers.isna() | (numbers < low) | (numbers > high))
    if bad.any():
        raise InputError(
            path,
            f"not a number from {low:,g} to {high:,g}",
            column,
            _rows(bad, lines),
            values[bad].head(MAX_EXAMPLES).tolist(),
        )
    return numbers


def to_canonical(
    raw: pd.DataFrame,
    kind: str,
    path: Path,
    header_line: int = 1,
    lines: np.ndarray | None = None,
    sheet: str | None = None,
    mapping: ExtractMapping | None = None,
) -> pd.DataFrame:
    """Rename, check and type a text frame into the canonical schema for its kind.

    ``lines`` holds each row's line in the file (default: the rows follow the header line).
    """
    return _canonical_read(raw, kind, path, header_line, lines, sheet, mapping).frame


def _canonical_read(raw, kind, path, header_line, lines, sheet, mapping) -> CanonicalRead:
    if lines is None:
        lines = np.arange(header_line + 1, header_line + 1 + len(raw), dtype="int64")
    try:
        return _to_canonical(raw.reset_index(drop=True), kind, path, lines, mapping)
    except InputError as error:
        if sheet is None or error.sheet:
            raise
        raise InputError(
            error.path, error.problem, error.column, error.rows, error.values, sheet=sheet
        ) from None


@dataclass
class CanonicalRead:
    """An input's canonical frame, how the file was read, and where each field came from."""

    frame: pd.DataFrame
    raw: RawTable | None = None
    fields: list[dict] = field(default_factory=list)
    offence_codes: dict[str, str] = field(default_factory=dict)  # code -> group, if derived

    def describe(self) -> dict:
        summary = self.raw.describe() if self.raw is not None else {}
        summary["fields"] = self.fields
        if self.offence_codes:
            summary["offence_codes"] = self.offence_codes
        return summary


def _to_canonical(
    raw: pd.DataFrame, kind: str, path: Path, lines: np.ndarray, mapping: ExtractMapping | None
) -> CanonicalRead:
    fields = SCHEMAS[kind]
    headers = list(raw.columns)
    check_unambiguous(headers, fields, path, mapping=mapping)
    names = canonical_column_names(headers, fields, mapping)
    renamed = raw.rename(columns=names)
    present = set(names.values())
    missing = [
        f.name
        for f in fields
        if f.required
        and f.name not in present
        and not (mapping is not None and mapping.derivable(f.name, present))
    ]
    if missing:
        raise missing_columns_error(path, headers, kind, mapping=mapping)
    unread = [name for name in (mapping.values if mapping else {}) if name not in present]
    if unread:
        raise InputError(
            path,
            f"the config maps values of {unread[0]} ({mapping.where('values', unread[0])}) but "
            f"no column of the file is read as {unread[0]}; map one to it under 'columns:'",
        )
    typed = pd.DataFrame(index=renamed.index)
    for f in fields:
        if f.name not in present:
            typed[f.name] = pd.Series(None, index=renamed.index, dtype=f.dtype)
            continue
        values = renamed[f.name].astype("string").fillna("")
        if mapping is not None:
            values = map_values(values, f.name, mapping)
        if f.dtype.startswith("datetime"):
            typed[f.name] = _parse_dates(
                values, f.name, path, lines, f.name.endswith("_at"), mapping
            )
        elif f.dtype == "boolean":
            typed[f.name] = _parse_flags(values, f.name, path, lines, mapping)
        elif f.dtype == "Int64":
            if kind in PARTNER_KINDS:  # a cell the publisher suppressed is a missing count
                values = values.mask(values.str.strip().str.lower().isin(SUPPRESSED), "")
            typed[f.name] = _parse_integers(values, f.name, path, lines)
        elif f.dtype == "float64":
            typed[f.name] = _parse_decimals(values, f.name, path, lines)
        else:
            stripped = values.str.replace(codes.INVISIBLE, "", regex=True).str.strip()
            typed[f.name] = stripped.where(stripped != "").astype("string")
    helpers = {
        name: renamed[name].astype("string")
        for name in (mapping.helper_fields if mapping else ())
        if name in present
    }
    try:
        made = derive.derive_missing(typed, present, helpers, mapping, lines)
    except derive.DerivationError as error:
        raise InputError(path, str(error)) from None
    typed["source_row"] = np.asarray(lines, dtype="int64")
    return CanonicalRead(
        codes.normalise(typed.reset_index(drop=True)),
        fields=field_sources(fields, names, mapping, made.how),
        offence_codes=made.offence_codes,
    )


def field_sources(
    fields, names: dict[str, str], mapping: ExtractMapping | None, derived: dict[str, str]
) -> list[dict]:
    """For each canonical field: the column it was read from (or how it was derived), and
    the value mapping or date format the config applied."""
    by_field = {target: header for header, target in names.items()}
    mapped = mapping.header_targets if mapping is not None else {}
    rows = []
    for f in fields:
        header = by_field.get(f.name)
        if header is not None:
            how = "config 'columns:'" if normalise_header(header) in mapped else "by name"
            source = f"column '{header}' ({how})"
        else:
            source = derived.get(f.name, "not in the extract")
        notes = []
        if mapping is not None and header is not None:
            if mapping.values.get(f.name):
                notes.append("values: " + describe_values(mapping, f.name))
            if mapping.date_format(f.name):
                notes.append(f"date format {mapping.date_format(f.name)}")
        rows.append({"field": f.name, "source": source, "mapping": "; ".join(notes)})
    return rows


def read_mapped(
    path: Path, kind: str, sheet: str | None = None, mapping: ExtractMapping | None = None
) -> CanonicalRead:
    """The canonical frame, how the file was read and where each field came from."""
    raw = read_raw_table(path, kind, sheet, mapping)
    read = _canonical_read(raw.frame, kind, path, raw.header_line, raw.lines, raw.sheet, mapping)
    read.raw = raw
    return read


def read_table(
    path: Path, kind: str, sheet: str | None = None, mapping: ExtractMapping | None = None
) -> tuple[pd.DataFrame, RawTable]:
    """The canonical frame, and how the file was read (encoding, delimiter, sheet, header)."""
    read = read_mapped(path, kind, sheet, mapping)
    return read.frame, read.raw


def read_input(path: Path, kind: str, sheet: str | None = None) -> pd.DataFrame:
    return read_table(path, kind, sheet)[0]
