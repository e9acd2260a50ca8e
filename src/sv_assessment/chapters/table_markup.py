"""A chart's data as a table: accessible HTML for the web page, a pipe table for the PDF."""

from __future__ import annotations

import html

import pandas as pd


def data_table_html(data: pd.DataFrame, caption: str) -> str:
    """An accessible HTML table: caption, column header cells with scope."""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in data.columns)
    rows = []
    for values in data.astype(object).itertuples(index=False):
        cells = [html.escape("" if pd.isna(v) else str(v)) for v in values]
        first, rest = cells[0], cells[1:]
        rows.append(
            f'<tr><th scope="row">{first}</th>' + "".join(f"<td>{c}</td>" for c in rest) + "</tr>"
        )
    # A labelled, focusable region lets a wide table scroll on a phone without the page doing so.
    # Quarto would otherwise re-parse a raw HTML table into its own (src/resources/filters/
    # normalize/parsehtml.lua), splitting the chart's HTML around it; the attribute opts out.
    return (
        f'<div class="table-wrap" role="region" tabindex="0" '
        f'aria-label="{html.escape(caption)}">'
        '<table class="data-table" data-quarto-disable-processing="true">'
        f"<caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def markdown_table(data: pd.DataFrame, caption: str) -> str:
    """A pipe table with a Pandoc caption, for the PDF."""

    def cell(value: object) -> str:
        return "" if pd.isna(value) else str(value).replace("|", "\\|")

    header = "| " + " | ".join(cell(c) for c in data.columns) + " |"
    rule = "|" + "|".join("---" for _ in data.columns) + "|"
    body = [
        "| " + " | ".join(cell(v) for v in row) + " |"
        for row in data.astype(object).itertuples(index=False)
    ]
    return "\n".join([header, rule, *body, "", f": {caption}"])
