"""The disclosure checker: attack a published assessment and report every count it gives away.

Run by the pipeline on the staging folder before it is published (a breach stops the build with
a message naming the file, the table and the cell) and by the tests. It reads back what a
reader gets and tries what a reader could try:

- a count from 1 to the threshold minus one shown in a table, a chart's data (the Plotly JSON in
  the page and the notebooks, its hover text), a sentence or title, the PDF text, the
  data-quality pages or ``run.json``;
- a rate, percentage, ratio or interval shown beside a hidden count;
- a table published without its disclosure metadata (so not through the gate), or a page table
  that differs from its published CSV;
- recovery by subtraction: every hidden cell of every table, with every total a reader knows
  (the tables' own margins and the totals their metadata declares published elsewhere) and the
  same cell shown in another table, is bounded by linear programming; a hidden cell a reader
  can narrow to an interval narrower than the threshold is a breach.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sv_assessment.analysis.disclosure import CONFIDENTIAL, SYMBOLS, DisclosurePolicy
from sv_assessment.analysis.suppression_audit import Relation, failing_cells
from sv_assessment.build import published_files as pf
from sv_assessment.build.implied_margins import implied_row_totals
from sv_assessment.errors import BuildError

# A count next to the word for what it counts, or in a "... against N in ..." comparison.
COUNT_PHRASE = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:,\d{3})*|\d+)(?![\d.,]*\d)\s+(?:serious violence |knife and weapon "
    r"|assault[- ]related )?(offences?|crimes?|attendances?|people|persons?|victims?|suspects?"
    r"|records?|incidents?|rows?)\b|against (\d{1,3}(?:,\d{3})*|\d+) in\b",
    re.IGNORECASE,
)
# The same keys the data-quality pages and the run record hide (contracts/quality_page.py).
COUNT_KEYS = re.compile(r"rows|count|records|set_aside|removed|copies|skipped|outside_area", re.I)
# A page table's column of counts, where the table has no CSV of its own (data-quality pages).
COUNT_HEADERS = re.compile(r"rows|records|offences|crimes|attendances", re.I)


@dataclass(frozen=True)
class Breach:
    file: str
    table: str
    cell: str
    finding: str

    def __str__(self) -> str:
        return f"{self.file}: {self.table}, {self.cell}: {self.finding}"


class DisclosureBreach(BuildError):
    """The published outputs give away a small count; nothing was published."""

    def __init__(self, breaches: list[Breach]):
        self.breaches = breaches
        shown = "\n".join(f"  - {b}" for b in breaches[:20])
        more = f"\n  ... and {len(breaches) - 20} more" if len(breaches) > 20 else ""
        super().__init__(
            "disclosure check",
            f"{len(breaches)} published figure(s) would give away a small count, so nothing "
            f"was published (the last good report is unchanged):\n{shown}{more}",
        )

    def __reduce__(self):
        return (type(self), (self.breaches,))


def _small(value: float | None, policy: DisclosurePolicy) -> bool:
    return value is not None and bool(policy.is_small(np.array([value]))[0])


def _row_label(table: pf.PublishedTable, row: int) -> str:
    keys = table.metadata.get("sv:rowKeys") or list(table.cells.columns[:1])
    return ", ".join(f"{k}={table.cells.at[row, k]}" for k in keys if k in table.cells.columns)


def table_breaches(tables: dict[str, pf.PublishedTable], policy: DisclosurePolicy) -> list[Breach]:
    """Small counts shown, and figures shown beside a hidden count, in every CSV."""
    found = []
    for table in tables.values():
        file = f"tables/{table.path.name}"
        if not table.metadata:
            found.append(Breach(file, table.name, "-", "published without disclosure metadata"))
        hidden_rows = np.zeros(len(table.cells), bool)
        for column in table.count_columns:
            for row, text in enumerate(table.cells[column]):
                if text == CONFIDENTIAL:
                    hidden_rows[row] = True
                elif text not in SYMBOLS and _small(pf.number(text), policy):
                    cell = f"{_row_label(table, row)}, {column}"
                    found.append(Breach(file, table.name, cell, f"shows a count of {text}"))
                elif (
                    text not in SYMBOLS
                    and policy.rounding
                    and (pf.number(text) or 0) % policy.rounding
                ):
                    cell = f"{_row_label(table, row)}, {column}"
                    unrounded = f"shows {text}, not a multiple of {policy.rounding}"
                    found.append(Breach(file, table.name, cell, unrounded))
        for column in table.derived_columns:
            for row in np.flatnonzero(hidden_rows):
                text = table.cells.at[row, column]
                if text not in SYMBOLS:
                    cell = f"{_row_label(table, row)}, {column}"
                    found.append(
                        Breach(file, table.name, cell, f"shows {text} beside a hidden count")
                    )
    return found


def _cell_key(table: pf.PublishedTable, row: int, column: str) -> tuple:
    """What a cell counts: the table's measure and the labels of its row and column, so the
    same count in two tables is one unknown; a table that names no measure is on its own."""
    keys = table.metadata.get("sv:rowKeys") or []
    dims = {k: table.cells.at[row, k] for k in keys} if keys else {"row": str(row)}
    dims.update(table.metadata.get("sv:columnKeys", {}).get(column, {"column": column}))
    return (table.metadata.get("sv:measure", table.name), tuple(sorted(dims.items())))


def audit_breaches(tables: dict[str, pf.PublishedTable], policy: DisclosurePolicy) -> list[Breach]:
    """Recovery by subtraction across every table, by an exact LP interval audit."""
    index: dict[tuple, int] = {}
    values: list[float] = []
    shown: list[bool] = []
    where: dict[int, tuple[str, str, str]] = {}
    relations: list[Relation] = []
    found = []

    def cell(key: tuple, text: str, origin: tuple[str, str, str]) -> int:
        if key not in index:
            index[key] = len(values)
            values.append(0.0)
            shown.append(False)
        i = index[key]
        number = None if text in SYMBOLS else pf.number(text)
        if number is not None:
            values[i], shown[i] = number, True
        else:
            where.setdefault(i, origin)
        return i

    for table in tables.values():  # every published count first, so shared cells are one
        file = f"tables/{table.path.name}"
        for column in table.count_columns:
            for row, text in enumerate(table.cells[column]):
                origin = (file, table.name, f"{_row_label(table, row)}, {column}")
                cell(_cell_key(table, row, column), text, origin)
    for table in tables.values():
        measure = table.metadata.get("sv:measure", table.name)
        for n, relation in enumerate(table.metadata.get("sv:relations", [])):
            parts = [index[_cell_key(table, r, c)] for r, c in relation["parts"]]
            total = relation["total"]
            if isinstance(total, list):
                total_cell = index[_cell_key(table, total[0], total[1])]
                relations.append(Relation(tuple(parts), total_cell))
                continue
            # A total published elsewhere: the table that shows it decides whether a reader
            # knows it; if none does, the value the gate assumed known (or [c]).
            key = (
                (measure, tuple(sorted(total["key"].items()))) if isinstance(total, dict) else None
            )
            value = total["value"] if isinstance(total, dict) else total
            if key in index:
                total_cell = index[key]
            else:
                origin = (f"tables/{table.path.name}", table.name, f"total {n}")
                total_cell = cell(key or (table.name, "total", n), str(value), origin)
            relations.append(Relation(tuple(parts), total_cell))
    implied = []
    for name, row, other_name, other_row, column in implied_row_totals(tables):
        table, other = tables[name], tables[other_name]
        parts = tuple(index[_cell_key(table, row, c)] for c in table.count_columns)
        implied.append(Relation(parts, index[_cell_key(other, other_row, column)]))
    values_array, shown_array = np.array(values, float), np.array(shown, bool)
    hidden = ~shown_array
    for i, origin in where.items():
        if shown_array[i] and not origin[2].startswith("total "):
            found.append(Breach(*origin, "hidden here but shown in another table"))
    protect = np.zeros(len(values), bool)
    protect[[i for i, origin in where.items() if not origin[2].startswith("total ")]] = True
    # Under rounding, a shown count is known only to within a step of the base either side.
    options = {"values_known": False, "slack": max(policy.rounding - 1, 0)}
    try:
        failing = failing_cells(
            values_array, hidden, relations + implied, protect, policy.audit, **options
        )
    except ValueError:  # a guessed total that is no total of those cells: audit without them
        failing = failing_cells(values_array, hidden, relations, protect, policy.audit, **options)
    for i in failing:
        found.append(Breach(*where[i], "can be worked out by subtraction to within the threshold"))
    return found


def _chart_breaches(charts: list[pf.Chart], tables, policy: DisclosurePolicy) -> list[Breach]:
    found = []
    for chart in charts:
        table = tables.get(chart.name)
        visible = set()
        if table is not None:
            visible = {
                v for v in (pf.number(t) for t in table.cells.to_numpy().ravel()) if v is not None
            }
        for n, trace in enumerate(chart.traces):
            for key in ("y", "z", "text", "customdata", "hovertext", "x"):
                for path, value in pf.json_numbers(trace.get(key), key):
                    if _small(value, policy) and value == round(value) and value not in visible:
                        found.append(
                            Breach(
                                chart.file,
                                f"chart {chart.name or '?'}",
                                f"trace {n} {path}",
                                f"draws a count of {value:g} not in its published data",
                            )
                        )
    return found


def _page_table_breaches(file, page_tables, tables, policy) -> list[Breach]:
    found = []
    for name, rows in page_tables:
        table = tables.get(name)
        if table is None and rows:  # no CSV of its own (a data-quality page): its counts
            for row in rows[1:]:
                for header, text in zip(rows[0], row, strict=False):
                    context = f"{header} {row[0]}"
                    if "example" in context.lower() or not COUNT_HEADERS.search(context):
                        continue
                    if _small(pf.number(text), policy):
                        cell = f"{row[0]}, {header}".strip(", ")
                        found.append(Breach(file, name, cell, f"shows a count of {text}"))
            continue
        if not rows:
            continue
        published = [list(table.cells.columns), *table.cells.astype(str).values.tolist()]
        same = len(rows) == len(published) and all(
            [c.replace(",", "") for c in a] == [c.replace(",", "") for c in b]
            for a, b in zip(rows, published, strict=True)
        )
        if not same:
            found.append(Breach(file, name, "-", "page table differs from its published CSV"))
    return found


def _prose_breaches(prose: list[pf.Prose], policy: DisclosurePolicy) -> list[Breach]:
    found = []
    for item in prose:
        for match in COUNT_PHRASE.finditer(item.text):
            text = match.group(1) or match.group(3)
            if _small(pf.number(text), policy):
                start = max(match.start() - 60, 0)
                context = " ".join(item.text[start : match.end() + 20].split())
                found.append(Breach(item.file, "text", f"“…{context}…”", f"states {text}"))
    return found


def _json_breaches(file: str, document, policy: DisclosurePolicy) -> list[Breach]:
    return [
        Breach(file, "json", path, f"records a count of {value:g}")
        for path, value in pf.json_numbers(document)
        if COUNT_KEYS.search(".".join(path.split(".")[-2:])) and _small(value, policy)
    ]


def check_published(folder: Path, policy: DisclosurePolicy) -> list[Breach]:
    """Every breach in a published (or staged) assessment folder."""
    tables = pf.read_tables(folder)
    found = table_breaches(tables, policy) + audit_breaches(tables, policy)
    charts, prose = [], []
    for page in [folder / "assessment.html", *sorted((folder / "data-quality").glob("*.html"))]:
        if page.exists():
            page_charts, page_tables, page_prose = pf.html_parts(page.name, page.read_text())
            charts += page_charts
            prose.append(page_prose)
            found += _page_table_breaches(page.name, page_tables, tables, policy)
    for notebook in sorted((folder / "notebooks").glob("*.ipynb")):
        nb_charts, nb_tables, nb_prose = pf.notebook_parts(notebook)
        charts += nb_charts
        prose += nb_prose
        found += _page_table_breaches(notebook.name, nb_tables, tables, policy)
    if (folder / "assessment.pdf").exists():
        prose.append(pf.Prose("assessment.pdf", pf.pdf_text(folder / "assessment.pdf")))
    found += _chart_breaches(charts, tables, policy) + _prose_breaches(prose, policy)
    for document in [folder / "run.json", *sorted((folder / "data-quality").glob("*.json"))]:
        if document.exists():
            found += _json_breaches(
                str(document.relative_to(folder)), json.loads(document.read_text()), policy
            )
    return found


def publish_checked_record(staging: Path, record: dict, config) -> None:
    """Write the run record with its small counts hidden, check the whole staging folder, and
    add the check's own time to the record."""
    from sv_assessment.contracts import quality_page

    published = quality_page.hide_small_counts(record, config)
    path = staging / "run.json"
    path.write_text(json.dumps(published, indent=2, default=str))
    started = time.perf_counter()
    assert_no_breach(staging, DisclosurePolicy.from_config(config))
    published.setdefault("timings_seconds", {})["disclosure check"] = round(
        time.perf_counter() - started, 2
    )
    path.write_text(json.dumps(published, indent=2, default=str))


def assert_no_breach(folder: Path, policy: DisclosurePolicy) -> None:
    breaches = check_published(folder, policy)
    if breaches:
        raise DisclosureBreach(breaches)
