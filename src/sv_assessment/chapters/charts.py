"""One house style for every chart: Analysis Function palette, titles that state the finding,
axis labels, a source line, alt text, and the chart's data beside it."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

# Government Analysis Function colour palette for categorical data (colour-blind safe, in order).
# Source: https://analysisfunction.civilservice.gov.uk/policy-store/data-visualisation-colours-in-charts/
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
SEQUENTIAL = ("#F2F5F8", "#9DB3C7", "#4A7398", "#12436D")
FONT = "Arial, Helvetica, sans-serif"
TEXT_COLOUR = "#0B0C0C"


def house_style(fig: go.Figure, title: str, x_title: str, y_title: str, source: str) -> go.Figure:
    """Apply the house style; the title should state the finding, not just the measure."""
    fig.update_layout(
        title={"text": html.escape(title), "x": 0, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 14, "color": TEXT_COLOUR},
        colorway=list(PALETTE),
        plot_bgcolor="white",
        paper_bgcolor="white",
        margin={"l": 70, "r": 30, "t": 70, "b": 90},
        legend={"orientation": "h", "y": -0.2, "x": 0},
        annotations=[
            *fig.layout.annotations,
            {
                "text": f"Source: {html.escape(source)}",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.32,
                "showarrow": False,
                "xanchor": "left",
                "font": {"size": 12, "color": "#505A5F"},
            },
        ],
    )
    fig.update_xaxes(title_text=x_title, showgrid=False, linecolor="#505A5F")
    fig.update_yaxes(
        title_text=y_title, gridcolor="#E5E5E5", rangemode="tozero", linecolor="#505A5F"
    )
    return fig


def line_chart(
    data: pd.DataFrame, x: str, y: str, series: str | None = None, dash_series: bool = True
) -> go.Figure:
    """Lines with markers, and dashes per series so meaning never rests on colour alone."""
    fig = go.Figure()
    groups = (
        [(None, data)] if series is None else list(data.groupby(series, observed=True, sort=False))
    )
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    for index, (name, group) in enumerate(groups):
        fig.add_trace(
            go.Scatter(
                x=group[x].astype(str),
                y=group[y].astype(float),
                mode="lines+markers",
                name=str(name or y),
                line={
                    "color": PALETTE[index % len(PALETTE)],
                    "width": 3,
                    "dash": dashes[index % len(dashes)] if dash_series else "solid",
                },
                marker={"symbol": index % 10, "size": 7},
            )
        )
    fig.update_layout(showlegend=series is not None)
    return fig


def bar_chart(
    data: pd.DataFrame,
    x: str,
    y: str,
    horizontal: bool = False,
    error_low: str | None = None,
    error_high: str | None = None,
) -> go.Figure:
    error = None
    if error_low and error_high:
        error = {
            "type": "data",
            "symmetric": False,
            "color": "#3D3D3D",
            "array": (data[error_high] - data[y]).tolist(),
            "arrayminus": (data[y] - data[error_low]).tolist(),
        }
    if horizontal:
        trace = go.Bar(
            y=data[x].astype(str),
            x=data[y],
            orientation="h",
            marker_color=PALETTE[0],
            error_x=error,
        )
    else:
        trace = go.Bar(x=data[x].astype(str), y=data[y], marker_color=PALETTE[0], error_y=error)
    fig = go.Figure(trace)
    fig.update_layout(showlegend=False)
    return fig


def heatmap(matrix: pd.DataFrame) -> go.Figure:
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=[str(c) for c in matrix.columns],
            y=[str(i) for i in matrix.index],
            colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
            colorbar={"title": {"text": "Offences"}},
        )
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def funnel_plot(
    units: pd.DataFrame,
    limits: pd.DataFrame,
    area_rate: float,
    label: str,
    count_rate: str = "rate",
) -> go.Figure:
    """Rates against population with 95% and 99.8% control limits around the area rate."""
    fig = go.Figure()
    for level, dash in (("998", "dash"), ("95", "dot")):
        for side in ("lower", "upper"):
            fig.add_trace(
                go.Scatter(
                    x=limits["population"],
                    y=limits[f"{side}_{level}"],
                    mode="lines",
                    line={"color": "#505A5F", "dash": dash, "width": 1.5},
                    name=f"{'99.8' if level == '998' else '95'}% limits",
                    showlegend=side == "lower",
                )
            )
    fig.add_hline(
        y=area_rate,
        line={"color": PALETTE[4], "width": 2},
        annotation_text="Area-wide rate",
        annotation_position="top left",
    )
    fig.add_trace(
        go.Scatter(
            x=units["population"],
            y=units[count_rate],
            mode="markers+text",
            text=units[label],
            textposition="top center",
            marker={"color": PALETTE[0], "size": 10, "symbol": "diamond"},
            name="District",
        )
    )
    return fig


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


@dataclass(frozen=True)
class FigureSpec:
    """A chart ready to show: the title states the finding, the alt text says what it shows,
    and ``data`` is exactly what it draws (already through disclosure control)."""

    figure: go.Figure
    title: str
    alt_text: str
    data: pd.DataFrame
    x_title: str
    y_title: str


# The PDF's chart images: one size for every chart, drawn by Kaleido.
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 900, 500, 2


def to_png(fig) -> bytes:
    return fig.to_image(format="png", width=IMAGE_WIDTH, height=IMAGE_HEIGHT, scale=IMAGE_SCALE)
