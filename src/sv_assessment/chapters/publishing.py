"""The one way out of a chapter for a table or a chart's data: from a ``Protected`` table (the
disclosure gate's output) to the CSV, its CSVW metadata, the page's table and the PDF's table.

CSVs are for machines: counts are plain whole numbers, and a cell that is not shown holds a GSS
symbol ([c], [x], [z]) that the table's ``<name>.csv-metadata.json`` (CSV on the Web, W3C)
declares as the column's null values, with what each symbol means. The metadata also records
what the disclosure checker needs to attack the table as a reader would: which columns are
counts, which are derived from them, and the relations among the cells a reader knows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sv_assessment.analysis.disclosure import (
    SYMBOLS,
    DisclosurePolicy,
    Protected,
    published_cells,
)
from sv_assessment.chapters import charts, labels

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"


def _datatype(protected: Protected, column: object) -> str:
    if column in protected.count_columns:
        return "integer"
    values = protected.frame[column]
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_numeric_dtype(values) and str(column) != "year":
        return "decimal"
    return "string"


def table_metadata(
    protected: Protected, name: str, caption: str, policy: DisclosurePolicy
) -> tuple[pd.DataFrame, dict]:
    """The table as its CSV holds it (plain-English headers) and its CSVW metadata."""
    cells = published_cells(protected, thousands=False)
    headers = {c: labels.plain_header(c) for c in cells.columns}
    row_keys = list(protected.row_keys)  # none: the checker keys cells by row position

    def relation(parts, total) -> dict:
        def where(cell):
            if isinstance(cell, dict):  # a total elsewhere, named by its labels as headed
                key = {headers.get(k, labels.plain_header(k)): v for k, v in cell["key"].items()}
                return {**cell, "key": key}
            return [cell[0], headers[cell[1]]] if isinstance(cell, tuple) else cell

        return {"parts": [where(p) for p in parts], "total": where(total)}

    metadata = {
        "@context": CSVW_CONTEXT,
        "url": f"{name}.csv",
        "dc:title": caption,
        "dc:description": "Cells that are not figures hold a GSS symbol: "
        + "; ".join(f"{symbol} {meaning}" for symbol, meaning in SYMBOLS.items()),
        "tableSchema": {
            "columns": [
                {
                    "name": str(column),
                    "titles": headers[column],
                    "datatype": _datatype(protected, column),
                    "null": list(SYMBOLS),
                }
                for column in cells.columns
            ]
        },
        "sv:threshold": policy.threshold,
        "sv:showZeros": policy.show_zeros,
        "sv:protection": policy.protection,
        "sv:countColumns": [headers[c] for c in protected.count_columns],
        "sv:derivedColumns": [headers[c] for c in protected.derived_columns],
        "sv:rowKeys": [headers[c] for c in row_keys],
        "sv:measure": protected.measure or name,
        "sv:columnKeys": {headers[c]: dims for c, dims in protected.column_keys.items()},
        "sv:relations": [relation(parts, total) for parts, total in protected.relations],
    }
    return cells.rename(columns=headers), metadata


def write_table(
    protected: Protected, name: str, caption: str, policy: DisclosurePolicy, tables_dir: Path
) -> Path:
    """The CSV and, beside it, ``<name>.csv-metadata.json``."""
    published, metadata = table_metadata(protected, name, caption, policy)
    tables_dir.mkdir(parents=True, exist_ok=True)
    path = tables_dir / f"{name}.csv"
    published.to_csv(path, index=False, lineterminator="\n")
    path.with_name(path.name + "-metadata.json").write_text(
        json.dumps(metadata, indent=1, default=str) + "\n", encoding="utf-8"
    )
    return path


def for_readers(protected: Protected) -> pd.DataFrame:
    """The table as the page and the PDF show it: counts with thousands separators."""
    return labels.plain_headers(published_cells(protected, thousands=True))


def table_bundle(protected: Protected, name: str, caption: str) -> dict:
    shown = for_readers(protected)
    return {
        "text/html": f'<div id="table-{name}">{charts.data_table_html(shown, caption)}</div>',
        "text/markdown": charts.markdown_table(shown, caption),
        "text/plain": caption,
    }
