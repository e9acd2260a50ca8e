"""Profile an unfamiliar extract: headers, types, example values, codes, date formats, rows.

``pipeline.py init --from FILE...`` calls this, then ``draft`` writes a config from the
profiles. Nothing here decides anything for the build: every match is a guess for the analyst
to confirm, and the draft says so beside each one.
"""

from __future__ import annotations

import csv
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sv_assessment.ingest import columns as reader
from sv_assessment.ingest import derive

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
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M",
)
READER_DATE_FORMATS = frozenset(reader.DATE_FORMATS)  # what ingest reads with no date_format
READER_DATETIME_FORMATS = frozenset(reader.DATETIME_FORMATS)
FLAG_WORDS = reader.TRUE_WORDS | reader.FALSE_WORDS  # what ingest reads as a flag


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


def _csv_rows(path: Path) -> tuple[list[list[str]], int, str, str]:
    """The first rows of a CSV (up to the sample), how many non-blank rows follow them, the
    encoding and the delimiter. The file is streamed, never held whole."""
    keep = HEADER_SEARCH_ROWS + SAMPLE_ROWS
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            with path.open(encoding=encoding, newline="") as handle:
                head = list(itertools.islice(handle, HEADER_SEARCH_ROWS))
                first = next((line for line in head if line.strip(" ,;\t\r\n")), "")
                delimiter = max([",", ";", "\t", "|"], key=first.count)
                rows, more = [], 0
                for row in csv.reader(itertools.chain(head, handle), delimiter=delimiter):
                    if len(rows) < keep:
                        rows.append(row)
                    elif any(cell.strip() for cell in row):
                        more += 1
            return rows, more, encoding, delimiter
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: neither UTF-8 nor Windows-1252 text")


def _xlsx_sheets(path: Path) -> dict[str, tuple[list[list[str]], int]]:
    """Each sheet's first rows (up to the sample) and how many non-blank rows follow."""
    import openpyxl

    from sv_assessment.ingest.excel import _cell_text

    keep = HEADER_SEARCH_ROWS + SAMPLE_ROWS
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = {}
    try:
        for name in book.sheetnames:
            rows, more = [], 0
            for values in book[name].iter_rows(values_only=True):
                if len(rows) < keep:
                    rows.append([_cell_text(v) for v in values])
                elif any(v is not None and str(v).strip() for v in values):
                    more += 1
            sheets[name] = (rows, more)
    finally:
        book.close()
    return sheets


def _date_format(values: pd.Series) -> str | None:
    for fmt in DATE_FORMATS:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
        if "%H" in fmt:  # a date-time column may write midnight as the date alone (Excel)
            day = fmt.split(" ")[0].split("T")[0]
            parsed = parsed.fillna(pd.to_datetime(values, format=day, errors="coerce"))
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


def _profile_rows(
    rows: list[list[str]], more: int, path: Path, sheet: str | None, **how
) -> FileProfile:
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
    return FileProfile(path, sheet, index + 1, len(body) + more, columns, **how)


def profile_file(path: Path) -> list[FileProfile]:
    """One profile per table in the file: a CSV, or each non-empty sheet of a workbook."""
    path = Path(path)
    with path.open("rb") as handle:
        zipped = handle.read(4) == b"PK\x03\x04"
    if zipped:
        return [
            _profile_rows(rows, more, path, name)
            for name, (rows, more) in _xlsx_sheets(path).items()
            if sum(1 for r in rows if any(str(c).strip() for c in r)) > 1
        ]
    rows, more, encoding, delimiter = _csv_rows(path)
    return [_profile_rows(rows, more, path, None, encoding=encoding, delimiter=delimiter)]


def looks_like_offence_codes(column: ColumnProfile) -> bool:
    """Whether most of a column's codes are in the Home Office classification table."""
    table = derive.offence_classification().index
    shown = list(column.codes) or column.examples
    codes = derive.normalise_offence_code(pd.Series([c for c in shown if c], dtype="string"))
    return len(codes) > 0 and codes.isin(table).mean() >= 0.8


def profile_report(profiles: list[FileProfile]) -> str:
    """The profile for the analyst's terminal: each column's type, date format, blanks, codes
    and a few example values. Printed only, never written to a file (values may identify)."""
    lines = []
    for p in profiles:
        where = f"{p.path}" + (f", sheet {p.sheet!r}" if p.sheet else "")
        how = ", ".join(
            f"{k} {v}"
            for k, v in (
                ("encoding", p.encoding),
                ("delimiter", repr(p.delimiter) if p.delimiter else None),
            )
            if v
        )
        lines.append(
            f"{where}: {p.rows:,} rows, header on line {p.header_line}"
            + (f" ({how})" if how else "")
        )
        for c in p.columns:
            detail = c.kind + (f" {c.date_format}" if c.date_format else "")
            if c.codes and c.kind == "codes":
                shown = ", ".join(
                    f"{k or '(blank)'} {v:,}" for k, v in list(c.codes.items())[:CODE_LIMIT]
                )
                detail += f"; codes: {shown}"
            else:
                detail += f"; e.g. {', '.join(repr(e) for e in c.examples)}"
            lines.append(f"  {c.header!r}: {detail}; {c.blank:,} blank")
    return "\n".join(lines)
