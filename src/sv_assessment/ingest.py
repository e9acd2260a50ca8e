"""Read partner extracts once into the canonical, typed schema and stage them as Parquet.

Raw inputs are only ever opened for reading. Anything that cannot be read unambiguously is an
``InputError`` naming the file, the column and example rows, never a guess.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from sv_assessment.cache import file_sha256  # noqa: F401  (ingest.file_sha256 is used widely)
from sv_assessment.schema import SCHEMAS, Field

# Header variants seen in partner exports, matched after lower-casing and squashing spaces,
# hyphens and underscores. Extend here when a partner renames a column.
COLUMN_ALIASES: dict[str, str] = {
    "crimeid": "offence_id",
    "crimereference": "offence_id",
    "crimeref": "offence_id",
    "offenceid": "offence_id",
    "urn": "offence_id",
    "datereported": "recorded_date",
    "recordeddate": "recorded_date",
    "daterecorded": "recorded_date",
    "occurredat": "occurred_at",
    "occurrencedatetime": "occurred_at",
    "datetimeofoffence": "occurred_at",
    "hocode": "offence_code",
    "homeofficecode": "offence_code",
    "offencecode": "offence_code",
    "hooffencecode": "offence_code",
    "offencedescription": "offence_description",
    "hodescription": "offence_description",
    "offencegroup": "offence_group",
    "knife": "knife_flag",
    "knifeflag": "knife_flag",
    "knifeorsharpinstrument": "knife_flag",
    "firearm": "firearm_flag",
    "firearmflag": "firearm_flag",
    "domesticabuse": "domestic_abuse_flag",
    "domesticabuseflag": "domestic_abuse_flag",
    "daflag": "domestic_abuse_flag",
    "publicplace": "public_place_flag",
    "publicplaceflag": "public_place_flag",
    "districtcode": "district_code",
    "ladcode": "district_code",
    "lad22cd": "district_code",
    "localauthoritycode": "district_code",
    "districtname": "district_name",
    "district": "district_name",
    "ladname": "district_name",
    "lad22nm": "district_name",
    "lsoacode": "lsoa_code",
    "lsoa21cd": "lsoa_code",
    "lsoa": "lsoa_code",
    "victimage": "victim_age",
    "victimsex": "victim_sex",
    "suspectage": "suspect_age",
    "suspectsex": "suspect_sex",
    "offenderage": "suspect_age",
    "offendersex": "suspect_sex",
    "agegroup": "age_band",
    "ageband": "age_band",
    "attendancedate": "attendance_date",
    "arrivaldate": "attendance_date",
    "injurymechanism": "mechanism",
    "mechanism": "mechanism",
}

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})
MAX_EXAMPLES = 5


class InputError(ValueError):
    """An input cannot be read as the canonical schema; the message says where and why."""

    def __init__(
        self,
        path: Path,
        problem: str,
        column: str | None = None,
        rows: list[int] | None = None,
        values: list[str] | None = None,
        sheet: str | None = None,
    ) -> None:
        self.path, self.problem, self.column, self.sheet = path, problem, column, sheet
        self.rows = rows or []
        self.values = values or []
        where = f"{path}"
        if sheet:
            where += f", sheet '{sheet}'"
        if column:
            where += f", column '{column}'"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_EXAMPLES])
            more = (
                f" and {len(self.rows) - MAX_EXAMPLES} more"
                if len(self.rows) > MAX_EXAMPLES
                else ""
            )
            where += f", rows {shown}{more}"
        if values:
            where += f" (values: {', '.join(repr(v) for v in values[:MAX_EXAMPLES])})"
        super().__init__(f"{where}: {problem}")


HEADER_SEARCH_ROWS = 20  # the header is the first row, within these, naming every required column
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


@dataclass
class RawTable:
    """An input's cells as text, before any typing, with where each row came from."""

    frame: pd.DataFrame  # text columns under their raw header names
    lines: np.ndarray  # file line (CSV) or sheet row (Excel) of each row, 1-based
    header_line: int
    fmt: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    blank_rows_skipped: int = 0

    def describe(self) -> dict:
        """How the file was read, for inputs.json and the run record."""
        return {
            "format": self.fmt,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "header_line": self.header_line,
            "blank_rows_skipped": self.blank_rows_skipped,
        }


def normalise_header(name: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", str(name).strip().lstrip("\ufeff").lower())


def _column_targets(columns: list[str], fields: tuple[Field, ...]) -> dict[str, list[str]]:
    """Canonical name -> the raw headers that name it (more than one is ambiguous)."""
    wanted = {normalise_header(f.name): f.name for f in fields}
    targets: dict[str, list[str]] = {}
    for column in columns:
        key = normalise_header(column)
        target = wanted.get(key) or COLUMN_ALIASES.get(key)
        if target in wanted.values():
            targets.setdefault(target, []).append(column)
    return targets


def canonical_column_names(columns: list[str], fields: tuple[Field, ...]) -> dict[str, str]:
    """Map raw headers to canonical names, case- and space-insensitively, via the alias map."""
    return {raw[0]: target for target, raw in _column_targets(columns, fields).items()}


def _names_every_required(cells: list[str], fields: tuple[Field, ...]) -> bool:
    targets = _column_targets(cells, fields)
    return all(f.name in targets for f in fields if f.required)


def check_unambiguous(columns: list[str], fields: tuple[Field, ...], path: Path, sheet=None):
    for target, raw in _column_targets(columns, fields).items():
        if len(raw) > 1:
            raise InputError(
                path,
                f"more than one column could be '{target}': "
                f"{', '.join(repr(c) for c in raw)}; rename or remove all but one",
                target,
                sheet=sheet,
            )


def _missing_columns_error(path: Path, cells: list[str], kind: str, sheet=None) -> InputError:
    fields = SCHEMAS[kind]
    targets = _column_targets(cells, fields)
    missing = [f.name for f in fields if f.required and f.name not in targets]
    found = ", ".join(repr(c) for c in cells if str(c).strip()) or "nothing"
    return InputError(
        path,
        f"required column missing: no header row within the first {HEADER_SEARCH_ROWS} rows "
        f"names every required column (the first row found: {found[:400]})",
        ", ".join(missing),
        sheet=sheet,
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


def _find_csv_header(path: Path, encoding: str, kind: str) -> tuple[int, int, str, list[str]]:
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
                if _names_every_required(cells, fields):
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
    raise _missing_columns_error(path, first_cells, kind)


def _unique_names(cells: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for i, cell in enumerate(cells):
        name = str(cell).strip() or f"(unnamed column {i + 1})"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 0
        names.append(name)
    return names


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
            delimiter=delimiter, ignore_empty_lines=False, invalid_row_handler=on_invalid
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, invalid


def _read_csv(path: Path, kind: str) -> RawTable:
    encoding = _detect_encoding(path)
    header_line, offset, delimiter, cells = _find_csv_header(path, encoding, kind)
    check_unambiguous(cells, SCHEMAS[kind], path)
    names = _unique_names(cells)
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
    lines = np.arange(header_line + 1, header_line + 1 + table.num_rows, dtype="int64")
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


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, kind: str, sheet: str | None) -> RawTable:
    import openpyxl

    fields = SCHEMAS[kind]
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise InputError(path, f"cannot be read as an Excel workbook: {error}") from error
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(
                path,
                f"the config names sheet '{sheet}' but the workbook's sheets are "
                f"{', '.join(repr(s) for s in book.sheetnames)}",
            )
        headers: dict[str, tuple[int, list[str]]] = {}
        first_rows: dict[str, list[str]] = {}
        for name in [sheet] if sheet else book.sheetnames:
            rows = book[name].iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
            for number, values in enumerate(rows, start=1):
                cells = [_cell_text(v).strip() for v in values]
                if not any(cells):
                    continue
                first_rows.setdefault(name, cells)
                if _names_every_required(cells, fields):
                    headers[name] = (number, cells)
                    break
        if not headers:
            name = sheet or next(iter(first_rows), None)
            raise _missing_columns_error(path, first_rows.get(name, []), kind, sheet=name)
        if len(headers) > 1:
            raise InputError(
                path,
                f"more than one sheet holds data with the required columns "
                f"({', '.join(repr(s) for s in headers)}); name the one to read with "
                "'sheet:' under this input in the config",
            )
        name, (header_line, cells) = next(iter(headers.items()))
        while cells and not cells[-1]:
            cells.pop()
        check_unambiguous(cells, fields, path, sheet=name)
        width = len(cells)
        records, lines, beyond = [], [], []
        for number, values in enumerate(
            book[name].iter_rows(min_row=header_line + 1, values_only=True),
            start=header_line + 1,
        ):
            texts = [_cell_text(v) for v in values]
            if not any(t.strip() for t in texts):
                continue
            if any(t.strip() for t in texts[width:]):
                beyond.append(number)
            texts = (texts + [""] * width)[:width]
            records.append(texts)
            lines.append(number)
    finally:
        book.close()
    if beyond:
        raise InputError(
            path, "values in cells to the right of the last named column", rows=beyond, sheet=name
        )
    frame = pd.DataFrame(records, columns=_unique_names(cells), dtype=object)
    lines_array = np.array(lines, dtype="int64")
    return RawTable(frame, lines_array, header_line, "xlsx", sheet=name)


def read_raw_table(path: Path, kind: str, sheet: str | None = None) -> RawTable:
    """Read a CSV or Excel input as text cells, finding its header row; never guesses."""
    if not path.is_file():
        raise InputError(path, "file not found")
    if path.stat().st_size == 0:
        raise InputError(path, "the file is empty (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if _sniff_kind(path, head) == "xlsx":
        raw = _read_xlsx(path, kind, sheet)
    else:
        if sheet is not None:
            raise InputError(path, f"the config names sheet '{sheet}' but this is a CSV file")
        raw = _read_csv(path, kind)
    if raw.frame.empty:
        raise InputError(
            path,
            f"the header row (line {raw.header_line}) is followed by no data rows",
            sheet=raw.sheet,
        )
    return raw


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


def _parse_integers(values: pd.Series, column: str, path: Path, lines: np.ndarray) -> pd.Series:
    text = values.str.strip().str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (text != "") & (numbers.isna() | (numbers.round() != numbers))
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
        raise _missing_columns_error(path, list(raw.columns), kind)
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
            stripped = values.str.strip()
            typed[f.name] = stripped.where(stripped != "").astype("string")
    typed["source_row"] = np.asarray(lines, dtype="int64")
    return typed.reset_index(drop=True)


def read_table(path: Path, kind: str, sheet: str | None = None) -> tuple[pd.DataFrame, RawTable]:
    """The canonical frame, and how the file was read (encoding, delimiter, sheet, header)."""
    raw = read_raw_table(path, kind, sheet)
    frame = to_canonical(raw.frame, kind, path, raw.header_line, raw.lines, raw.sheet)
    return frame, raw


def read_input(path: Path, kind: str, sheet: str | None = None) -> pd.DataFrame:
    return read_table(path, kind, sheet)[0]
