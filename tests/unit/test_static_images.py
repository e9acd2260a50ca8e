"""PDF chart images are made at assembly from each chart's Plotly JSON, with a real browser."""

from __future__ import annotations

import base64
import json

import nbformat
import plotly.graph_objects as go

from sv_assessment.rendering.images import PLOTLY_MIME, PNG_MIME, add_static_images


def notebook_with_chart() -> nbformat.NotebookNode:
    fig = go.Figure(go.Bar(x=["2023", "2024"], y=[10, 12]))
    cell = nbformat.v4.new_code_cell("chart")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={PLOTLY_MIME: json.loads(fig.to_json()), "text/plain": "alt"}
        ),
        nbformat.v4.new_output("display_data", data={"text/markdown": "a table"}),
    ]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Title"), cell]
    return notebook


def test_each_chart_gets_a_png_and_nothing_else_changes():
    notebook = notebook_with_chart()
    assert add_static_images(notebook) == 1
    chart, table = notebook.cells[1].outputs
    assert base64.b64decode(chart["data"][PNG_MIME]).startswith(b"\x89PNG")
    assert PNG_MIME not in table["data"]
    assert add_static_images(notebook) == 0  # already has its image: no second browser


def test_the_pdf_image_leaves_the_title_to_the_caption_and_keeps_the_plot_size():
    from sv_assessment.chapters.charts import for_print, house_style

    fig = house_style(
        go.Figure(go.Bar(x=["2023", "2024"], y=[10, 12])),
        "Offences rose in 2024",
        "Year",
        "Offences",
        "Police-recorded crime",
    )
    printed = for_print(fig)
    names = [a.name for a in printed.layout.annotations]
    assert "title" not in names and "source" in names
    assert "title" in [a.name for a in fig.layout.annotations]  # the web chart keeps it
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert printed.layout.height - printed.layout.margin.t - printed.layout.margin.b == plot
    assert printed.layout.height < fig.layout.height
