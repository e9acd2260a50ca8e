"""Quarto's choice of what to show from each notebook output, restated for tests.

Quarto cannot run here, so this replays its rule, written in our own words from
src/core/jupyter/display-data.ts (``displayDataMimeType``) in quarto-dev/quarto-cli: of each
display output Quarto shows exactly one form. For HTML it tries Jupyter widget state and views,
application/javascript and text/html before anything else; for other formats (Typst here) only
text/markdown, SVG, PNG and JPEG, in that order, then text/html when that HTML holds a table;
text/plain is the last resort for every format. Cell options come from cell metadata
(``fig-cap``, ``fig-alt``; src/core/jupyter/jupyter.ts), and a ``fig-cap`` list captions the
outputs one by one, so an image output is written as ``![caption](png){fig-alt='...'}``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from sv_assessment.rendering import figures

WIDGETS_AND_SCRIPTS = [
    "application/vnd.jupyter.widget-state+json",
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "text/html",
]
MARKDOWN_AND_IMAGES = ["text/markdown", "image/svg+xml", "image/png", "image/jpeg"]


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def quarto_shows(data: dict, to_html: bool) -> str | None:
    """The MIME type Quarto renders from an output's ``data``."""
    if to_html:
        order = WIDGETS_AND_SCRIPTS + MARKDOWN_AND_IMAGES
    else:
        order = list(MARKDOWN_AND_IMAGES)
        html = _text(data.get("text/html")).lower()
        if "<table" in html and "</table" in html:
            order.append("text/html")
    order.append("text/plain")
    return next((mime for mime in order if mime in data), None)


def prepared_chapters(published: Path, target: Path) -> list[tuple[str, nbformat.NotebookNode]]:
    """The published executed chapters, readied as the build readies them for Quarto (caption
    and alt text as cell options, a PNG beside each chart), read back in order."""
    shutil.copytree(published / "notebooks", target, dirs_exist_ok=True)
    figures.prepare_chapters(target, pdf=True)
    return [
        (path.relative_to(target).as_posix(), nbformat.read(path, as_version=4))
        for path in sorted(target.rglob("*.ipynb"))
    ]


def chart_cells(chapters) -> list[tuple[str, dict, dict]]:
    """(chapter, cell, its chart output) for every chart."""
    return [
        (name, cell, output)
        for name, notebook in chapters
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if figures.images.PLOTLY_MIME in output.get("data", {})
    ]
