"""The report's Lua filter on both engines' forms of a notebook output, run by the real Pandoc.

Built-in: Pandoc's ipynb reader gives every form of an output, inside the cell's Div, whose
attributes are the cell metadata. Quarto: Quarto has already chosen one form per output and
written it as Markdown in `Div.cell-output` (src/core/jupyter/jupyter.ts); these tests feed the
filter that Markdown the way Quarto writes it for a chart, a caption and a printed log.
"""

from __future__ import annotations

import subprocess

import nbformat
import pypandoc

from sv_assessment.paths import REPORT_DIR

FILTER = REPORT_DIR / "filters" / "select_outputs.lua"
CHART_HTML = '<figure class="chart" id="figure-x"><figcaption>Rates rose</figcaption></figure>'


def pandoc(source: str, reader: str, writer: str, cwd) -> str:
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "--from", reader, "--to", writer, "--lua-filter", str(FILTER)],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    return result.stdout


def test_builtin_chart_is_a_typst_figure_captioned_by_the_cell_options(tmp_path):
    cell = nbformat.v4.new_code_cell("")
    cell.metadata.update({"fig-cap": ["Rates rose in 2024"], "fig-alt": "A line chart of rates."})
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": CHART_HTML, "image/png": "iVBORw0KGgo=", "text/plain": "plain"},
        )
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "P", "language": "python"}
    typst = pandoc(nbformat.writes(notebook), "ipynb", "typst", tmp_path)
    assert 'alt: "A line chart of rates."' in typst and "caption: [Rates rose in 2024]" in typst
    html = pandoc(nbformat.writes(notebook), "ipynb", "html", tmp_path)
    assert 'class="chart"' in html and "Rates rose in 2024" not in html


QUARTO_CHART = f"""::: {{.cell}}
::: {{.cell-output .cell-output-display}}
```{{=html}}
{CHART_HTML}
```

Rates rose in 2024
:::

::: {{.cell-output .cell-output-stdout}}
```
a log line
```
:::
:::
"""


def test_quarto_chart_keeps_its_own_caption_and_drops_logs(tmp_path):
    html = pandoc(QUARTO_CHART, "markdown", "html", tmp_path)
    assert 'class="chart"' in html
    assert "Rates rose in 2024" not in html  # Quarto's repeat of fig-cap under the chart
    assert "a log line" not in html


def test_quarto_image_gets_its_fig_alt_as_alt(tmp_path):
    image = "![Rates rose](chart.png){fig-alt='A line chart of rates.'}\n"
    native = pandoc(image, "markdown", "native", tmp_path)
    assert '( "alt" , "A line chart of rates." )' in native


def test_quarto_chart_split_around_a_parsed_table_keeps_every_part(tmp_path):
    split = """::: {.cell-output .cell-output-display}
```{=html}
<figure class="chart" id="figure-x"><figcaption>Rates rose</figcaption><details>
```

| Year | Rate |
|------|------|
| 2024 | 0.67 |

```{=html}
</details></figure>
```

Rates rose in 2024
:::
"""
    html = pandoc(split, "markdown", "html", tmp_path)
    assert "<table" in html and "</details></figure>" in html
    assert "Rates rose in 2024" not in html


def _chart_then_links() -> str:
    chart = nbformat.v4.new_code_cell("")
    chart.metadata.update(
        {"fig-cap": ["Rates rose"], "fig-alt": "A chart.", "sv-figure-id": "figure-x"}
    )
    chart.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": CHART_HTML, "image/png": "iVBORw0KGgo=", "text/plain": "plain"},
        )
    ]
    links = nbformat.v4.new_code_cell("")
    text = "- [Rates rose](#figure-x)\n- [Not drawn here](#figure-missing)"
    links.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": "t"})
    ]
    notebook = nbformat.v4.new_notebook(cells=[links, chart])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "P", "language": "python"}
    return nbformat.writes(notebook)


def test_cross_references_to_charts_link_in_both_formats_and_never_dangle(tmp_path):
    typst = pandoc(_chart_then_links(), "ipynb", "typst", tmp_path)
    assert ") <figure-x>" in typst and "#link(<figure-x>)" in typst
    assert "<figure-missing>" not in typst and "Not drawn here" in typst
    html = pandoc(_chart_then_links(), "ipynb", "html", tmp_path)
    assert 'href="#figure-x"' in html and 'id="figure-x"' in html
    assert "#figure-missing" not in html and "Not drawn here" in html


def _priority_links() -> str:
    summary = nbformat.v4.new_code_cell("")
    text = "1. [Knife crime](#priority-1)\n2. [Not in this edition](#priority-9)"
    summary.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": "t"})
    ]
    section = nbformat.v4.new_code_cell("")
    heading = "## Priority 1: Knife crime {#priority-1}\n\n**Owner:** VRU"
    section.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": heading, "text/plain": "t"})
    ]
    notebook = nbformat.v4.new_notebook(cells=[summary, section])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "P", "language": "python"}
    return nbformat.writes(notebook)


def test_the_summarys_links_to_priorities_work_in_both_formats_and_never_dangle(tmp_path):
    typst = pandoc(_priority_links(), "ipynb", "typst", tmp_path)
    assert "<priority-1>" in typst and "#link(<priority-1>)" in typst
    assert "<priority-9>" not in typst and "Not in this edition" in typst
    html = pandoc(_priority_links(), "ipynb", "html", tmp_path)
    assert 'href="#priority-1"' in html and 'id="priority-1"' in html
    assert "#priority-9" not in html and "Not in this edition" in html
