"""Read a partner's CSV or Excel file as text: find its encoding, delimiter, header row and sheet,
keeping the file line of every row. Typing the text is ``canonical``'s job.

Raw inputs are only ever opened for reading. Anything that cannot be read unambiguously is an
``InputError`` naming the file, the column and example rows, never a guess.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from sv_assessment.ingest import excel
from sv_assessment.ingest.columns import (
    HEADER_SEARCH_ROWS,
    check_unambiguous,
    missing_columns_error,
    names_every_required,
)
from sv_assessment.ingest.errors import InputError
from sv_assessment.ingest.mapping import ExtractMapping
from sv_assessment.ingest.raw import RawTable, unique_names
from sv_assessment.schema import SCHEMAS

DELIMITERS = (",", ";")
ENCODINGS = ("utf-8-sig", "cp1252")  # tried in this order, each strictly
_CHUNK = 1 << 24

# Leading bytes of files that are sometimes saved or attached in place of a CSV export.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-format Excel (.xls) or Office file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)


def _sniff_kind(path: Path, head: bytes) -> str:
    """'xlsx', 'text', or an InputError for a file that is neither."""
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise InputError(path, "this is a ZIP archive, not a CSV or Excel (.xlsx) file")
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise InputError(path, f"this is {what}, not a CSV or Excel (.xlsx) file")
    if b"\x00" in head:
        raise InputError(path, "this is a binary file (it holds NUL bytes), not a CSV file")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise InputError(path, "named as an Excel workbook but is not one (not a ZIP package)")
    return "text"


def _detect_encoding(path: Path) -> str:
    """The first of ENCODINGS that decodes the whole file strictly; never a replacement."""
    failures = []
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        offset = 0
        with path.open("rb") as handle:
            try:
                for block in iter(lambda: handle.read(_CHUNK), b""):
                    decoder.decode(block)
                    offset += len(block)
                decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError as error:
                failures.append((encoding, offset + error.start))
    _, position = failures[0]
    with path.open("rb") as handle:
        before = handle.read(position + 1)
    line = before.count(b"\n") + 1
    raise InputError(
        path,
        f"the text is neither UTF-8 nor Windows-1252 (byte 0x{before[-1]:02x} on line {line} "
        "cannot be decoded); save the export as UTF-8 CSV",
        rows=[line],
    )


def _find_csv_header(
    path: Path, encoding: str, kind: str, mapping: ExtractMapping | None = None
) -> tuple[int, int, str, list[str]]:
    """(header line number, byte offset where data starts, delimiter, header cells)."""
    fields = SCHEMAS[kind]
    first_cells: list[str] | None = None
    other: tuple[int, str] | None = None  # a first row split by another separator
    offset = 0
    with path.open("rb") as handle:
        for number in range(1, HEADER_SEARCH_ROWS + 1):
            raw = handle.readline()
            if not raw:
                break
            offset += len(raw)
            text = raw.decode(encoding).lstrip("\ufeff").rstrip("\r\n")
            if not text.strip(" ,;\t"):
                continue
            found = {}
            for delimiter in DELIMITERS:
                cells = next(csv.reader([text], delimiter=delimiter))
                if names_every_required(cells, fields, mapping):
                    found[delimiter] = cells
            if len(found) > 1:
                raise InputError(
                    path,
                    f"line {number} reads as a header both with commas and with semicolons; "
                    "cannot tell which separates the columns",
                    rows=[number],
                )
            if found:
                delimiter, cells = next(iter(found.items()))
                return number, offset, delimiter, cells
            if first_cells is None:
                counts = {d: text.count(d) for d in (",", ";", "\t", "|")}
                best = max(counts, key=counts.get)
                first_cells = next(csv.reader([text], delimiter=best if best in ",;" else ","))
                if best in "\t|" and counts[best] > max(counts[","], counts[";"]):
                    other = (number, "tabs" if best == "\t" else "'|'")
    if other is not None:
        number, name = other
        raise InputError(
            path,
            f"the columns on line {number} are separated by {name}; only comma- or "
            "semicolon-separated files are read (save as CSV)",
            rows=[number],
        )
    if first_cells is None:
        raise InputError(path, "the file holds no header row (it is blank)")
    raise missing_columns_error(path, first_cells, kind, mapping=mapping)


def _read_csv_body(
    path: Path, offset: int, names: list[str], delimiter: str, encoding: str, threads: bool
) -> tuple[pa.Table, list]:
    invalid: list = []

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    source = pa.memory_map(str(path))
    source.seek(offset)
    table = pa_csv.read_csv(
        source,
        read_options=pa_csv.ReadOptions(
            column_names=names,
            encoding="utf8" if encoding == "utf-8-sig" else encoding,
            use_threads=threads,
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter,
            ignore_empty_lines=False,
            newlines_in_values=True,  # standard CSV: a quoted value may hold a line break
            invalid_row_handler=on_invalid,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, invalid


def _first_lines(table: pa.Table, header_line: int) -> np.ndarray:
    """The file line each row starts on: a quoted value holding line breaks spans lines."""
    breaks = np.zeros(table.num_rows, dtype="int64")
    for column in table.columns:
        breaks += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
    before = np.concatenate([[0], np.cumsum(breaks)[:-1]]) if table.num_rows else breaks
    return header_line + 1 + np.arange(table.num_rows, dtype="int64") + before


def _read_csv(path: Path, kind: str, mapping: ExtractMapping | None = None) -> RawTable:
    encoding = _detect_encoding(path)
    header_line, offset, delimiter, cells = _find_csv_header(path, encoding, kind, mapping)
    check_unambiguous(cells, SCHEMAS[kind], path, mapping=mapping)
    names = unique_names(cells)
    with path.open("rb") as handle:
        handle.seek(offset)
        rest = handle.read(1 << 16)
    if not rest.strip(b" \t\r\n,;") and offset + len(rest) >= path.stat().st_size:
        raise InputError(path, f"the header row (line {header_line}) is followed by no data rows")
    try:
        table, invalid = _read_csv_body(path, offset, names, delimiter, encoding, True)
        if invalid and any(row.number is None for row in invalid):
            # Row numbers are only known when parsing on one thread: re-read to name them.
            table, invalid = _read_csv_body(path, offset, names, delimiter, encoding, False)
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot be read as CSV: {error}") from error
    if invalid:
        rows = [header_line + row.number for row in invalid]
        first = invalid[0]
        raise InputError(
            path,
            f"{len(invalid)} row(s) do not have {len(names)} fields (line {rows[0]} has "
            f"{first.actual_columns}: {first.text[:80]!r}); a truncated or broken line",
            rows=rows,
        )
    blank = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        blank &= pc.equal(pc.utf8_trim_whitespace(column), "").to_numpy(zero_copy_only=False)
    lines = _first_lines(table, header_line)
    if blank.any():
        table = table.filter(pa.array(~blank))
        lines = lines[~blank]
    frame = table.to_pandas()
    return RawTable(
        frame,
        lines,
        header_line,
        "csv",
        encoding="utf-8" if encoding == "utf-8-sig" else "windows-1252",
        delimiter=delimiter,
        blank_rows_skipped=int(blank.sum()),
    )


def read_raw_table(
    path: Path, kind: str, sheet: str | None = None, mapping: ExtractMapping | None = None
) -> RawTable:
    """Read a CSV or Excel input as text cells, finding its header row; never guesses."""
    if not path.is_file():
        raise InputError(path, "file not found")
    if path.stat().st_size == 0:
        raise InputError(path, "the file is empty (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if _sniff_kind(path, head) == "xlsx":
        raw = excel.read_xlsx(path, kind, sheet, mapping)
    else:
        if sheet is not None:
            raise InputError(path, f"the config names sheet '{sheet}' but this is a CSV file")
        raw = _read_csv(path, kind, mapping)
    if raw.frame.empty:
        raise InputError(
            path,
            f"the header row (line {raw.header_line}) is followed by no data rows",
            sheet=raw.sheet,
        )
    return raw
