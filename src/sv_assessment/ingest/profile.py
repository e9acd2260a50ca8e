"""Profile an unfamiliar extract: headers, types, example values, codes, date formats, rows.

``pipeline.py init --from FILE...`` calls this, then ``draft`` writes a config from the
profiles. Nothing here decides anything for the build: every match is a guess for the analyst
to confirm, and the draft says so beside each one.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sv_assessment.ingest import derive
from sv_assessment.ingest.columns import normalise_header

SAMPLE_ROWS = 50_000  # enough to see every code of a flag column; profiling stays quick
HEADER_SEARCH_ROWS = 20
CODE_LIMIT = 15  # a column with at most this many distinct values is listed as codes

# Date formats tried on a column, most usual first; the first that reads every value wins.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y%m%d",
    "%d-%b-%Y",
    "%d %b %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M",
)
READER_DATE_FORMATS = {"%Y-%m-%d", "%d/%m/%Y"}  # what ingest reads with no date_format
READER_DATETIME_FORMATS = READER_DATE_FORMATS | {
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
}
FLAG_WORDS = {"true", "false", "t", "f", "yes", "no", "y", "n", "1", "0"}


@dataclass
class ColumnProfile:
    header: str
    kind: str  # date, date-time, whole number, codes, text
    examples: list[str]
    blank: int
    codes: dict[str, int] = field(default_factory=dict)  # value -> rows, when few distinct
    date_format: str | None = None
    latest_year: int | None = None  # for a date column


@dataclass
class FileProfile:
    path: Path
    sheet: str | None
    header_line: int
    rows: int
    columns: list[ColumnProfile]
    encoding: str | None = None
    delimiter: str | None = None

    def column(self, header: str) -> ColumnProfile:
        return next(c for c in self.columns if c.header == header)


def _header_index(rows: list[list[str]]) -> int:
    """The first of the leading rows that looks like a header: the widest row of text cells
    (a title block above it has one or two cells; numbers and dates are not headers)."""
    width = max((sum(1 for c in r if str(c).strip()) for r in rows[:HEADER_SEARCH_ROWS]), default=0)
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [str(c).strip() for c in row if str(c).strip()]
        if len(cells) == width and not any(re.fullmatch(r"[\d.,:/ -]+", c) for c in cells):
            return index
    return 0


def _csv_rows(path: Path) -> tuple[list[list[str]], str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = path.read_text(encoding=encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{path}: neither UTF-8 nor Windows-1252 text")
    first = next((line for line in text.splitlines() if line.strip(" ,;\t")), "")
    delimiter = max([",", ";", "\t", "|"], key=first.count)
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    return rows, encoding, delimiter


def _xlsx_sheets(path: Path) -> dict[str, list[list[str]]]:
    import openpyxl

    from sv_assessment.ingest.excel import _cell_text

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            name: [[_cell_text(v) for v in row] for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames
        }
    finally:
        book.close()


def _date_format(values: pd.Series) -> str | None:
    for fmt in DATE_FORMATS:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
        if parsed.notna().all():
            return fmt
    return None


def profile_column(header: str, values: pd.Series) -> ColumnProfile:
    text = values.fillna("").astype(str).str.strip()
    present = text[text != ""]
    sample = present.head(2000)
    distinct = present.value_counts()
    examples = [str(v) for v in distinct.index[:3]]
    profile = ColumnProfile(header, "text", examples, int((text == "").sum()))
    if len(distinct) <= CODE_LIMIT:
        profile.codes = {str(k): int(v) for k, v in distinct.items()}
        if (text == "").any():
            profile.codes[""] = int((text == "").sum())
    if sample.empty:
        return profile
    if sample.str.fullmatch(r"-?\d+").all() and not set(distinct.index) <= FLAG_WORDS:
        profile.kind = "whole number"
    elif (fmt := _date_format(sample)) is not None:
        profile.kind = "date-time" if "%H" in fmt else "date"
        profile.date_format = fmt
        years = pd.to_datetime(present, format=fmt, errors="coerce").dt.year
        profile.latest_year = int(years.max()) if years.notna().any() else None
    elif profile.codes:
        profile.kind = "codes"
    return profile


def _profile_rows(rows: list[list[str]], path: Path, sheet: str | None, **how) -> FileProfile:
    index = _header_index(rows)
    header = [str(c).strip() for c in rows[index]]
    while header and not header[-1]:
        header.pop()
    body = [r for r in rows[index + 1 :] if any(str(c).strip() for c in r)]
    frame = pd.DataFrame(
        [(list(r) + [""] * len(header))[: len(header)] for r in body[:SAMPLE_ROWS]],
        columns=header,
        dtype=object,
    )
    columns = [profile_column(h, frame[h]) for h in header if h]
    return FileProfile(path, sheet, index + 1, len(body), columns, **how)


def profile_file(path: Path) -> list[FileProfile]:
    """One profile per table in the file: a CSV, or each non-empty sheet of a workbook."""
    path = Path(path)
    with path.open("rb") as handle:
        zipped = handle.read(4) == b"PK\x03\x04"
    if zipped:
        sheets = _xlsx_sheets(path)
        return [
            _profile_rows(rows, path, name)
            for name, rows in sheets.items()
            if sum(1 for r in rows if any(str(c).strip() for c in r)) > 1
        ]
    rows, encoding, delimiter = _csv_rows(path)
    return [_profile_rows(rows, path, None, encoding=encoding, delimiter=delimiter)]


def looks_like_offence_codes(column: ColumnProfile, values: pd.Series | None = None) -> bool:
    table = derive.offence_classification().index
    shown = list(column.codes) or column.examples
    codes = derive.normalise_offence_code(pd.Series([c for c in shown if c], dtype="string"))
    return len(codes) > 0 and codes.isin(table).mean() >= 0.8


def normalised_headers(profile: FileProfile) -> dict[str, str]:
    return {normalise_header(c.header): c.header for c in profile.columns}
