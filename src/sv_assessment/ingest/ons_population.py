"""Local authority populations from the ONS mid-year estimates file the user downloads.

The file is the ONS dataset "Estimates of the population for England and Wales" (mid-year), its
local-authority table of persons (sheet "MYE2 - Persons" of the workbook, or that sheet saved as
CSV; docs/national.md says how). Title rows sit above the header; the header row has ``Code``,
``Name`` and the all-ages total (``All ages``; ``Population`` is accepted too). Rows for England
and Wales's local authorities are kept by their ONS code (E06 unitary authorities, E07
non-metropolitan districts, E08 metropolitan districts, E09 London boroughs, W06 Welsh unitary
authorities); the country, region and county rows above them are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from sv_assessment.ingest.errors import MAX_EXAMPLES, InputError
from sv_assessment.ingest.national import Area

LOCAL_AUTHORITY = re.compile(r"^(E06|E07|E08|E09|W06)\d{6}$")
TOTAL_HEADERS = ("all ages", "population", "all persons")
SHEET = "MYE2 - Persons"


def _rows(path: Path, sheet: str | None) -> list[list[str]]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        name = sheet or (SHEET if SHEET in book.sheetnames else book.sheetnames[0])
        if name not in book.sheetnames:
            raise InputError(path, f"no sheet '{name}' (sheets: {', '.join(book.sheetnames)})")
        return [
            ["" if v is None else str(v) for v in row]
            for row in book[name].iter_rows(values_only=True)
        ]
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _header(rows: list[list[str]], path: Path) -> tuple[int, int, int, int]:
    """The header row and the positions of the code, name and all-ages columns."""
    for number, row in enumerate(rows[:30]):
        cells = [c.strip().lower() for c in row]
        if "code" in cells and "name" in cells:
            total = next((cells.index(t) for t in TOTAL_HEADERS if t in cells), None)
            if total is None:
                raise InputError(path, "the header row has no 'All ages' (or 'Population') column")
            return number, cells.index("code"), cells.index("name"), total
    raise InputError(
        path,
        "no header row with 'Code', 'Name' and 'All ages' in the first 30 rows: is this the ONS "
        "mid-year estimates table of persons by local authority?",
    )


def read_mid_year_estimates(path: Path, sheet: str | None = None) -> list[Area]:
    """Every local authority in England and Wales with its all-ages population."""
    if not path.is_file():
        raise InputError(path, "not found: download the ONS mid-year estimates (docs/national.md)")
    rows = _rows(path, sheet)
    header, code_at, name_at, total_at = _header(rows, path)
    areas, bad_lines, bad_values = [], [], []
    for line, row in enumerate(rows[header + 1 :], start=header + 2):
        if len(row) <= max(code_at, name_at, total_at):
            continue
        code = row[code_at].strip()
        if not LOCAL_AUTHORITY.match(code):
            continue
        value = row[total_at].strip().replace(",", "")
        try:
            population = int(float(value))
        except ValueError:
            population = 0
        if population <= 0:
            bad_lines.append(line)
            bad_values.append(row[total_at])
            continue
        areas.append(Area(code, row[name_at].strip(), population))
    if bad_lines:
        raise InputError(
            path,
            "not a positive whole number of residents",
            rows[header][total_at],
            bad_lines[: MAX_EXAMPLES + 1],
            bad_values[:MAX_EXAMPLES],
        )
    codes = [a.code for a in areas]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise InputError(path, f"local authority codes repeat: {', '.join(repeated[:5])}", "Code")
    if not areas:
        raise InputError(path, "no local authority rows (codes E06, E07, E08, E09 or W06)")
    return areas
