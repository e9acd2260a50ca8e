"""Charts in the executed chapters, made ready for both engines before rendering.

A chart's display output carries its HTML (with the interactive Plotly figure), its Plotly JSON
and its alt text as plain text, and in its metadata (``sv_assessment``) its title and alt text.
It carries no Markdown: for a non-HTML format Quarto takes the first of text/markdown, SVG, PNG
and JPEG that an output has (src/core/jupyter/display-data.ts), so Markdown would win over the
picture. Here each chart's cell gets the caption and alt text as the cell options Quarto reads
from cell metadata, ``fig-cap`` and ``fig-alt`` (src/core/jupyter/jupyter.ts), and, for the PDF,
a PNG beside the Plotly JSON. The built-in Lua filter reads the same two options.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from sv_assessment.rendering import images

FIGURE_METADATA = "sv_assessment"  # the output metadata key Chapter.figure writes


class FigureError(ValueError):
    """A chart cannot be given its caption and alt text."""


def chart_outputs(cell) -> list[dict]:
    return [o for o in cell.get("outputs", []) if images.PLOTLY_MIME in o.get("data", {})]


def figure_cell_options(notebook, where: str = "notebook") -> int:
    """Give every chart's cell ``fig-cap`` (a one-item list: a list captions the output itself,
    so the caption goes with the image rather than after the cell) and ``fig-alt``. Returns how
    many charts there were. A cell may show one chart, since the options belong to the cell."""
    charts = 0
    for index, cell in enumerate(notebook.cells):
        outputs = chart_outputs(cell) if cell.cell_type == "code" else []
        if not outputs:
            continue
        described = outputs[0].get("metadata", {}).get(FIGURE_METADATA) or {}
        if len(outputs) > 1 or not described.get("title") or not described.get("alt"):
            raise FigureError(
                f"{where}, cell {index}: a chart needs a cell of its own, with its title and alt "
                f"text in the output's metadata ({FIGURE_METADATA!r}, as Chapter.figure writes)"
            )
        cell.metadata["fig-cap"] = [described["title"]]
        cell.metadata["fig-alt"] = described["alt"]
        charts += 1
    return charts


def prepare_chapters(notebooks_dir: Path, pdf: bool) -> int:
    """Ready every executed chapter under ``notebooks_dir`` in place (for Quarto, which reads
    the chapters one by one); returns how many charts there are."""
    paths = sorted(notebooks_dir.rglob("*.ipynb"))
    notebooks = [nbformat.read(path, as_version=4) for path in paths]
    charts = sum(
        figure_cell_options(nb, path.name) for nb, path in zip(notebooks, paths, strict=True)
    )
    if pdf:
        images.add_static_images(*notebooks)
    for notebook, path in zip(notebooks, paths, strict=True):
        nbformat.write(notebook, path)
    return charts
