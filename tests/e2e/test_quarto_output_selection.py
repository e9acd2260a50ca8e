"""Quarto's output selection replayed on the executed chapters of the shared built assessment:
every chart must reach Typst as its PNG with a caption and alt text, and HTML as its own Plotly
figure; tables and text must reach Typst as Markdown (tests/quarto_outputs.py states the rule)."""

from __future__ import annotations

import re

import pytest

from tests.built_report import built_assessment
from tests.quarto_outputs import chart_cells, prepared_chapters, quarto_shows


@pytest.fixture(scope="module")
def built():
    return built_assessment()


@pytest.fixture(scope="module")
def chapters(built, tmp_path_factory):
    return prepared_chapters(built.published, tmp_path_factory.mktemp("quarto") / "notebooks")


def test_every_chart_reaches_typst_as_a_png_with_caption_and_alt_text(chapters, built):
    charts = chart_cells(chapters)
    assert len(charts) == built.figure_count() > 0
    for name, cell, output in charts:
        assert quarto_shows(output["data"], to_html=False) == "image/png", (
            name,
            list(output["data"]),
        )
        caption = cell.metadata.get("fig-cap")
        # A list, so Quarto captions the image itself (not a paragraph after the cell).
        assert isinstance(caption, list) and len(caption) == 1 and caption[0].strip(), name
        assert len(cell.metadata.get("fig-alt", "").strip()) > 20, name
        assert cell.metadata["fig-alt"] == output["data"]["text/plain"]


def test_every_chart_reaches_html_as_its_plotly_figure(chapters):
    for name, _, output in chart_cells(chapters):
        assert quarto_shows(output["data"], to_html=True) == "text/html", name
        html = output["data"]["text/html"]
        chart_id = re.search(r'<div id="(chart-[\w-]+)"', html).group(1)
        assert re.search(rf'Plotly\.newPlot\(\s*"{chart_id}"', html), name
        assert 'class="chart"' in html and "<figcaption" in html


def test_tables_and_text_reach_typst_as_markdown(chapters):
    shown = [
        quarto_shows(output["data"], to_html=False)
        for _, notebook in chapters
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "data" in output and figures_free(output)
    ]
    assert shown and set(shown) == {"text/markdown"}, sorted(set(shown))


def figures_free(output: dict) -> bool:
    return "application/vnd.plotly.v1+json" not in output["data"]
