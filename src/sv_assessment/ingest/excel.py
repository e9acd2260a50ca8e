"""Read an Excel workbook's sheet as text (openpyxl, read-only, cached values only), finding the
header row and keeping each row's sheet row number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

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


def read_xlsx(
    path: Path, kind: str, sheet: str | None, mapping: ExtractMapping | None = None
) -> RawTable:
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
                if names_every_required(cells, fields, mapping):
                    headers[name] = (number, cells)
                    break
        if not headers:
            name = sheet or next(iter(first_rows), None)
            raise missing_columns_error(
                path, first_rows.get(name, []), kind, sheet=name, mapping=mapping
            )
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
        check_unambiguous(cells, fields, path, sheet=name, mapping=mapping)
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
    frame = pd.DataFrame(records, columns=unique_names(cells), dtype=object)
    lines_array = np.array(lines, dtype="int64")
    return RawTable(frame, lines_array, header_line, "xlsx", sheet=name)
