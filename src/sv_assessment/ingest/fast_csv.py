"""A columnar fast path for ingest: a CSV read once by PyArrow, only the schema's columns,
parsed with Arrow compute kernels into the same typed frame ``ingest.read_input`` returns.

It handles the common, clean case only. Anything it cannot parse exactly (a file that is not
CSV, a missing column, a value that is not a valid date, flag or whole number) hands the file
to ``ingest.read_input``, which reads it again and raises the error naming file, column and
rows. So the fast path never changes what is accepted or what the errors say.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pandas as pd

from sv_assessment.ingest import canonical, codes
from sv_assessment.ingest import columns as headers
from sv_assessment.ingest.fast_values import Fallback as _Fallback
from sv_assessment.ingest.fast_values import line_count, parse_datetimes, parse_whole_numbers
from sv_assessment.schema import NUMBER_RANGES, SCHEMAS

# How a file that took the fast path was read, in the terms of ``ingest.RawTable.describe``.
CLEAN_CSV = {
    "format": "csv",
    "encoding": "utf-8",
    "delimiter": ",",
    "sheet": None,
    "header_line": 1,
    "blank_rows_skipped": 0,
}


def read_clean_csv(path: Path, kind: str) -> pd.DataFrame | None:
    """The canonical typed frame of a clean CSV, or None when the reference reader must read it."""
    try:
        return _read_fast(Path(path), kind)
    except _Fallback:
        return None


def read_input(path: Path, kind: str) -> pd.DataFrame:
    """The canonical typed frame of one input, as ``ingest.read_input`` makes it."""
    frame = read_clean_csv(path, kind)
    return canonical.read_input(path, kind) if frame is None else frame


def _prefer_jemalloc() -> None:
    """Arrow's jemalloc pool for this process, unless ARROW_DEFAULT_MEMORY_POOL says otherwise.

    Measured on 10M offence rows (ingest, then the GX contracts on the arrow-backed strings):
    the default mimalloc pool keeps far more freed memory mapped, peaking at about 4.4 GiB
    against 3.7 GiB, and is no faster. Buffers already made keep the pool they came from."""
    import pyarrow as pa

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return
    if pa.default_memory_pool().backend_name != pool.backend_name:
        pa.set_memory_pool(pool)


def header(path: Path) -> list[str]:
    """The header row of a clean CSV, as written."""
    return _header(path)


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def _read_fast(path: Path, kind: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc

    if path.suffix.lower() != ".csv" or not path.is_file() or path.stat().st_size == 0:
        raise _Fallback
    _prefer_jemalloc()
    try:
        header = _header(path)
    except (UnicodeDecodeError, csv.Error):
        raise _Fallback from None
    fields = SCHEMAS[kind]
    headers.check_unambiguous(header, fields, path)  # the same error as the reference reader
    mapping = headers.canonical_column_names(header, fields)
    if len(set(header)) != len(header) or any(
        f.required and f.name not in mapping.values() for f in fields
    ):
        raise _Fallback
    by_name = {target: source for source, target in mapping.items()}
    text_columns = {by_name[f.name] for f in fields if f.dtype == "string" and f.name in by_name}
    # First read, one pass with every column's type given: Arrow parses clean dates, flags and
    # numbers with the same parsers its type inference would use (only blank is missing). If
    # any value does not parse, read as before: infer types, and read again as text and parse
    # below any column Arrow does not type as expected.
    try:
        types = _explicit_types(fields, by_name)
        if set(types) | text_columns != set(mapping):
            raise _Fallback  # a dtype with no explicit Arrow type here: infer as before
        # Text as large_string: what pandas' string dtype holds, so no copy to convert it.
        types.update({c: pa.large_string() for c in text_columns})
        table = _read(path, list(mapping), set(), types)
        typed_ok = {c for c, kind in types.items() if kind != pa.large_string()}
    except _Fallback:
        table = _read(path, list(mapping), text_columns)
        typed_ok = {
            by_name[f.name] for f in fields if f.name in by_name and _native(f, table, by_name)
        }
        retry = [c for c in mapping if c not in typed_ok and c not in text_columns]
        if retry:
            again = _read(path, retry, set(retry))
            for column in retry:
                table = table.set_column(
                    table.schema.get_field_index(column), column, again.column(column)
                )
    if table.num_rows == 0:  # a header with no rows is an error the reference reader explains
        raise _Fallback
    if line_count(path) != table.num_rows + 1:
        raise _Fallback  # a quoted value spans lines: the strict reader numbers rows by line
    rows = table.num_rows
    columns: dict[str, pd.Series] = {}
    for f in fields:
        if f.name not in by_name:
            columns[f.name] = pd.Series(None, index=range(rows), dtype=f.dtype)
            continue
        source = by_name[f.name]
        if f.dtype == "string":
            columns[f.name] = _text_series(table.column(source))
            table = table.drop_columns([source])  # free the raw text as we go
            continue
        if source in typed_ok:
            columns[f.name] = _native_series(table.column(source), f.dtype)
            table = table.drop_columns([source])
            continue
        text = pc.utf8_trim_whitespace(table.column(by_name[f.name]))
        table = table.drop_columns([by_name[f.name]])  # free the raw text as we go
        blank = pc.equal(text, "")
        if f.dtype.startswith("datetime"):
            values = parse_datetimes(text, blank, f.name.endswith("_at")).astype(f.dtype)
        elif f.dtype == "boolean":
            lower = pc.utf8_lower(text)
            true = pc.is_in(lower, value_set=pa.array(sorted(headers.TRUE_WORDS)))
            false = pc.is_in(lower, value_set=pa.array(sorted(headers.FALSE_WORDS)))
            if pc.any(pc.invert(pc.or_(pc.or_(true, false), blank))).as_py():
                raise _Fallback
            flags = pd.array(true.to_numpy(zero_copy_only=False), dtype="boolean")
            flags[blank.to_numpy(zero_copy_only=False)] = pd.NA
            values = pd.Series(flags)
        elif f.dtype == "Int64":
            values = parse_whole_numbers(text, blank)
        elif f.dtype == "float64":  # coordinates: the strict reader names a bad value
            values = _text_series(text)
            numbers = pd.to_numeric(values, errors="coerce").astype("float64")
            low, high = NUMBER_RANGES.get(f.name, (-np.inf, np.inf))
            if (values.notna() & (numbers.isna() | (numbers < low) | (numbers > high))).any():
                raise _Fallback
            values = numbers
        else:
            values = _text_series(text).astype(f.dtype)
        columns[f.name] = values.reset_index(drop=True)
    frame = codes.normalise(pd.DataFrame(columns))
    required = [f.name for f in fields if f.required]
    if frame[required].isna().all(axis=1).any():  # blank rows: the reference reader skips them
        raise _Fallback
    frame["source_row"] = np.arange(2, rows + 2, dtype="int64")
    return frame


def _text_series(column) -> pd.Series:
    """A text column as the reference reader types it: trimmed, blank as missing. Trimming and
    blanking each copy the column, so each is done only where some value needs it."""
    import pyarrow.compute as pc

    if not pc.all(pc.string_is_ascii(column)).as_py():  # zero-width characters are not ASCII
        column = pc.replace_substring_regex(column, codes.INVISIBLE, "")
    first = pc.utf8_slice_codeunits(column, 0, 1)
    last = pc.utf8_slice_codeunits(column, -1)
    if pc.any(pc.or_(pc.utf8_is_space(first), pc.utf8_is_space(last))).as_py():
        column = pc.utf8_trim_whitespace(column)
    blank = pc.equal(column, "")
    if pc.any(blank).as_py():
        column = pc.if_else(blank, None, column)
    return pd.Series(column.to_pandas(types_mapper=lambda _: pd.StringDtype()))


def _flag_words() -> tuple[list[str], list[str]]:
    def cases(words):
        return sorted({v for w in words for v in (w, w.upper(), w.capitalize())})

    return cases(headers.TRUE_WORDS), cases(headers.FALSE_WORDS)


def _explicit_types(fields, by_name: dict[str, str]) -> dict:
    """The Arrow type each typed column has when ``_native`` accepts Arrow's own parse of it."""
    import pyarrow as pa

    types = {}
    for f in fields:
        if f.name not in by_name or f.dtype == "string":
            continue
        if f.dtype.startswith("datetime") and not f.name.endswith("_at"):
            types[by_name[f.name]] = pa.date32()
        elif f.dtype == "boolean":
            types[by_name[f.name]] = pa.bool_()
        else:
            # Arrow's own integer and timestamp parsers accept more than the strict reader
            # ("0x10", "2024-03-01 22"): read these as text and parse them below.
            types[by_name[f.name]] = pa.large_string()
    return types


def _read(path: Path, columns: list[str], as_text: set[str], types: dict | None = None):
    import pyarrow as pa
    from pyarrow import csv as pacsv

    true_values, false_values = _flag_words()
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 22),
            # A blank line would shift file row numbers: leave such files to the reference reader.
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=columns,
                column_types={**(types or {}), **{c: pa.string() for c in as_text}},
                null_values=[""],
                true_values=true_values,
                false_values=false_values,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError):
        raise _Fallback from None


def _native(f, table, by_name: dict[str, str]) -> bool:
    """Whether Arrow's own parse of a column is exactly what the reference reader accepts."""
    import pyarrow as pa

    kind = table.schema.field(by_name[f.name]).type
    if pa.types.is_null(kind):
        return f.dtype != "string"
    if f.dtype.startswith("datetime"):
        # Date-times are parsed from text: Arrow's parser accepts "2024-03-01 22" too.
        return pa.types.is_date32(kind) and not f.name.endswith("_at")
    if f.dtype == "boolean":
        return pa.types.is_boolean(kind)
    return False  # whole numbers: Arrow's parser accepts "0x10"; they are parsed from text


def _native_series(column, dtype: str) -> pd.Series:
    import pyarrow as pa

    if pa.types.is_null(column.type):
        return pd.Series(None, index=range(len(column)), dtype=dtype)
    if dtype.startswith("datetime"):
        column = column.cast(pa.timestamp("ns"))
        return pd.Series(column.to_numpy().astype("datetime64[ns]"), dtype=dtype)
    if dtype == "boolean":
        return pd.Series(column.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get))
    if dtype == "Int64":
        return pd.Series(column.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))
    return pd.Series(column.to_pandas()).astype(dtype)
