"""Reading a published assessment back as a reader would: every table, chart and sentence.

The disclosure checker attacks what was published, not what the pipeline meant to publish, so
this module knows nothing of the pipeline: it parses the CSVs (with their CSVW metadata), the
HTML page (its data tables, every chart's embedded Plotly JSON, its prose), the executed
notebooks, the PDF text, the data-quality pages and ``run.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

NEWPLOT = re.compile(r'Plotly\.newPlot\(\s*"([^"]+)",\s*')
TABLE_ID = re.compile(r"^table-(.+)$")
FIGURE_ID = re.compile(r"^figure-(.+)$")


@dataclass
class PublishedTable:
    name: str
    path: Path
    cells: pd.DataFrame  # every cell as published text
    metadata: dict = field(default_factory=dict)

    @property
    def count_columns(self) -> list[str]:
        if "sv:countColumns" in self.metadata:
            return list(self.metadata["sv:countColumns"])
        return [c for c in self.cells.columns if _looks_like_counts(self.cells[c])]

    @property
    def derived_columns(self) -> list[str]:
        return list(self.metadata.get("sv:derivedColumns", []))


def _looks_like_counts(column: pd.Series) -> bool:
    """A column of whole numbers (symbols aside) that is not a year, rank or code: what a
    reader would take for counts when a table does not say which columns are counts."""
    if re.search(r"year|rank|code|month|hour", str(column.name), re.I) and not re.search(
        r"offences|crimes|records", str(column.name), re.I
    ):
        return False
    numbers = [v.replace(",", "") for v in column if v and not v.startswith("[")]
    return bool(numbers) and all(re.fullmatch(r"-?\d+", v) for v in numbers)


@dataclass(frozen=True)
class Chart:
    """One chart's data as a page or notebook embeds it."""

    file: str
    name: str
    traces: list


@dataclass(frozen=True)
class Prose:
    file: str
    text: str


def read_tables(folder: Path) -> dict[str, PublishedTable]:
    tables = {}
    for path in sorted((folder / "tables").glob("*.csv")):
        cells = pd.read_csv(path, dtype=str, keep_default_na=False)
        meta_path = path.with_name(path.name + "-metadata.json")
        metadata = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        tables[path.stem] = PublishedTable(path.stem, path, cells, metadata)
    return tables


def plotly_calls(html_text: str) -> Iterator[tuple[str, list]]:
    """(div id, traces) of every ``Plotly.newPlot`` call in a page."""
    decoder = json.JSONDecoder()
    for match in NEWPLOT.finditer(html_text):
        traces, _ = decoder.raw_decode(html_text, match.end())
        yield match.group(1), traces


def html_parts(
    file: str, html_text: str
) -> tuple[list[Chart], list[tuple[str, list[list[str]]]], Prose]:
    """Charts, data tables (id or caption, rows of cell text) and the prose of an HTML page."""
    from bs4 import BeautifulSoup

    charts = [
        Chart(file, div.removeprefix("chart-"), traces) for div, traces in plotly_calls(html_text)
    ]
    soup = BeautifulSoup(html_text, "html.parser")
    tables = []
    for table in soup.find_all("table"):
        holder = table.find_parent(id=TABLE_ID) or table.find_parent(id=FIGURE_ID)
        name = (
            holder["id"].split("-", 1)[1]
            if holder
            else (table.caption.get_text() if table.caption else "")
        )
        rows = [
            [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
            for row in table.find_all("tr")
        ]
        tables.append((name, rows))
    for tag in soup.find_all(["script", "style", "table"]):
        tag.decompose()
    return charts, tables, Prose(file, soup.get_text(" "))


def notebook_parts(
    path: Path,
) -> tuple[list[Chart], list[tuple[str, list[list[str]]]], list[Prose]]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    charts, tables, prose = [], [], []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            prose.append(Prose(path.name, "".join(cell.get("source", ""))))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = output.get("text", "")
            if text:
                prose.append(Prose(path.name, "".join(text)))
            for mime in ("text/markdown", "text/plain"):
                if mime in data and "text/html" not in data:
                    prose.append(Prose(path.name, "".join(data[mime])))
            page = "".join(data.get("text/html", ""))
            found_charts, found_tables, found_prose = (
                html_parts(path.name, page) if page else ([], [], None)
            )
            name = next(iter(re.findall(r'id="figure-([^"]+)"', page)), "")
            if "application/vnd.plotly.v1+json" in data:
                charts.append(
                    Chart(path.name, name, data["application/vnd.plotly.v1+json"]["data"])
                )
            charts += found_charts
            tables += found_tables
            if found_prose:
                prose.append(found_prose)
    return charts, tables, prose


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def number(text: str) -> float | None:
    """A published cell or phrase as a number ("1,234" → 1234.0), or None for a symbol."""
    try:
        return float(str(text).replace(",", ""))
    except ValueError:
        return None


def json_numbers(value, where: str = "") -> Iterator[tuple[str, float]]:
    """Every number in a JSON document with the path of keys that leads to it."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_numbers(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_numbers(item, f"{where}[{index}]")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield where, float(value)
