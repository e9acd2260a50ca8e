"""One house style for every chart: Analysis Function palette, titles that state the finding,
axis labels, a source line, alt text, and the chart's data beside it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from sv_assessment.chapters import chart_layout
from sv_assessment.chapters.chart_layout import (
    AXIS_BAND,
    CHART_HEIGHT,
    LINE,
    SOURCE_SIZE,
    TEXT_SIZE,
    TITLE_SIZE,
)
from sv_assessment.chapters.table_markup import data_table_html, markdown_table  # noqa: F401

# Government Analysis Function colour palette for categorical data (colour-blind safe, in order).
# Source: https://analysisfunction.civilservice.gov.uk/policy-store/data-visualisation-colours-in-charts/
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
SEQUENTIAL = ("#F2F5F8", "#9DB3C7", "#4A7398", "#12436D")
FONT = "Arial, Helvetica, sans-serif"
PHONE_PLOT_WIDTH = chart_layout.PHONE_WIDTH - 64 - 16  # the plot between the margins
TEXT_COLOUR = "#0B0C0C"


def house_style(
    fig: go.Figure,
    title: str,
    x_title: str,
    y_title: str,
    source: str,
    zero_based: bool = True,
) -> go.Figure:
    """The house style, with the finding ``title`` and the ``source`` drawn in the figure itself
    so that it reads the same in JupyterLab, on the web page and in the PDF.

    From the top: title, legend, plot, axis labels, source line; each in its own band, sized
    for a 320 px screen, so none can overlap another at any width. ``zero_based`` starts
    y axes at 0 (counts and bars); rates compared around an average (funnel plots) do not."""
    title_lines = chart_layout.wrap_text(title, TITLE_SIZE) if title else []
    source_lines = chart_layout.wrap_text(f"Source: {source}", SOURCE_SIZE)
    chart_layout.wrap_legend(fig)
    legend = chart_layout.legend_rows(fig)
    panel_titles = any(
        a.yref == "paper" and a.yanchor == "bottom" and (a.y or 0) >= 0.999
        for a in fig.layout.annotations
    )
    top = (
        12
        + len(title_lines) * TITLE_SIZE * LINE
        + legend * 30
        + (10 if legend else 14)
        + (20 if panel_titles else 0)
    )
    # Axis titles longer than the plot on a phone is wide (x) or tall (y) are wrapped, and the
    # margin beside them grows by a line for each extra line.
    x_lines = chart_layout.wrap_text(x_title, TEXT_SIZE, PHONE_PLOT_WIDTH - 8)
    x_title = "<br>".join(x_lines) if x_title else x_title
    bottom = AXIS_BAND + (len(x_lines) - 1) * TEXT_SIZE * LINE
    bottom += len(source_lines) * SOURCE_SIZE * LINE + 8
    height = fig.layout.height or CHART_HEIGHT
    y_lines = chart_layout.wrap_text(y_title, TEXT_SIZE, round(height - top - bottom - 8))
    y_title = "<br>".join(y_lines) if y_title else y_title
    left = 64 + (len(y_lines) - 1) * round(TEXT_SIZE * LINE)
    fig.update_layout(
        font={"family": FONT, "size": TEXT_SIZE, "color": TEXT_COLOUR},
        colorway=list(PALETTE),
        plot_bgcolor="white",
        paper_bgcolor="white",
        height=height,
        margin={"l": left, "r": 16, "t": round(top), "b": round(bottom)},
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yanchor": "bottom",
            "font": {"size": TEXT_SIZE},
        },
        # The title is an annotation, not ``layout.title``: Plotly draws a multi-line title
        # partly above the figure whatever its anchor (plotly.js 3), an annotation where asked.
        annotations=[
            *fig.layout.annotations,
            chart_layout.margin_text(
                title_lines, "title", TITLE_SIZE, TEXT_COLOUR, left, top - 10, "top"
            ),
            chart_layout.margin_text(
                source_lines, "source", SOURCE_SIZE, "#505A5F", left, 6 - bottom, "bottom"
            ),
        ],
    )
    fig.update_xaxes(showgrid=False, linecolor="#505A5F", automargin=False, tickangle=0)
    # Panels stacked over one time axis: its title once, under the lowest panel.
    x_axes = sorted(
        (k for k in fig.layout.to_plotly_json() if k.startswith("xaxis")),
        key=lambda k: int(k[5:] or 1),
    )
    fig.layout[x_axes[-1] if x_axes else "xaxis"].title.text = x_title
    fig.update_yaxes(title_text=y_title, gridcolor="#E5E5E5", linecolor="#505A5F")
    if zero_based:
        fig.update_yaxes(rangemode="tozero")
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
    """Rows by columns, darker for more; day names shortened and a slim colour bar so the cells
    keep most of a 320 px screen."""
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=[str(c) for c in matrix.columns],
            y=[str(i)[:3] for i in matrix.index],
            customdata=[[str(i)] * len(matrix.columns) for i in matrix.index],
            hovertemplate="%{customdata} %{x}:00: %{z:,}<extra></extra>",
            colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
            colorbar={
                "title": {"text": "Offences", "side": "top"},
                "thickness": 10,
                "x": 1.0,
                "xpad": 4,
            },
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(nticks=6)
    return fig


def funnel_plot(
    units: pd.DataFrame,
    limits: pd.DataFrame,
    area_rate: float,
    label: str,
    count_rate: str = "rate",
    flag: str = "compared_with_area",
) -> go.Figure:
    """Rates against population with 95% and 99.8% control limits around the area rate.

    The y axis spans the limits and the rates, not 0, so the differences that matter fill the
    plot. Only units outside the 95% limits are labelled (the rest are in the hover text and
    the chart's data), each beside its point on a side clear of the labels placed before."""
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
                    legendgroup=level,
                    showlegend=side == "lower",
                    hoverinfo="skip",
                )
            )
    fig.add_trace(
        go.Scatter(
            x=[limits["population"].min(), limits["population"].max()],
            y=[area_rate, area_rate],
            mode="lines",
            line={"color": PALETTE[4], "width": 2},
            name="Area-wide rate",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=units["population"],
            y=units[count_rate],
            mode="markers",
            text=units[label],
            hovertemplate="%{text}: %{y:.2f} per 1,000<extra></extra>",
            marker={"color": PALETTE[0], "size": 10, "symbol": "diamond"},
            name="District",
        )
    )
    values = pd.concat(
        [units[count_rate], limits["lower_998"], limits["upper_998"]], ignore_index=True
    ).astype(float)
    low, high = float(values.min()), float(values.max())
    span = (high - low) or 1.0
    fig.update_yaxes(range=[max(0.0, low - 0.08 * span), high + 0.08 * span])
    outside = units[~units[flag].astype(str).str.startswith("within", na=False)]
    x_range = (float(limits["population"].min()), float(limits["population"].max()))
    y_range = (max(0.0, low - 0.08 * span), high + 0.08 * span)
    fig.update_xaxes(range=list(x_range))
    for annotation in chart_layout.place_labels(
        outside[label].astype(str).tolist(),
        outside["population"].astype(float).tolist(),
        outside[count_rate].astype(float).tolist(),
        x_range,
        y_range,
        (units["population"].astype(float).tolist(), units[count_rate].astype(float).tolist()),
    ):
        fig.add_annotation(annotation)
    return fig


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
    zero_based: bool = True  # y axes from 0; False where rates are compared around an average
    # What the numbers cover (definition, ages, places, period), shown under the title so that
    # figures of different scopes are never read as like with like.
    scope: str = ""
    # The sources credited, when a chart draws on more than the chapter's usual source.
    source: str = ""


# The PDF's chart images, drawn by Kaleido: one width for every chart, each at its own height
# (the house style sizes the margins in px, so a chart drawn shorter would squeeze its plot).
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 900, CHART_HEIGHT, 2


def for_print(fig: go.Figure) -> go.Figure:
    """The chart as the PDF shows it: without its title, which the PDF prints once as the
    figure's caption (drawn in the image too, a reader met it twice), and with the legend's
    band sized for the image's width rather than a phone's. What is taken off comes off the
    top, so the plot keeps its size."""
    printed = go.Figure(fig)
    annotations = list(printed.layout.annotations)
    titles = [a for a in annotations if a.name == "title"]
    cut = 0
    if titles:
        lines = (titles[0].text or "").count("<br>") + 1
        cut += round(lines * chart_layout.TITLE_SIZE * chart_layout.LINE)
    left, right = printed.layout.margin.l or 0, printed.layout.margin.r or 0
    phone_rows = chart_layout.legend_rows(printed)
    print_rows = chart_layout.legend_rows(printed, IMAGE_WIDTH - left - right)
    cut += 30 * (phone_rows - print_rows)
    top, height = printed.layout.margin.t or 0, printed.layout.height or IMAGE_HEIGHT
    cut = min(cut, max(top - 10, 0))
    # Assigned, not update_layout: that merges a shorter list into the old one item by item.
    printed.layout.annotations = [a for a in annotations if a.name != "title"]
    printed.update_layout(margin={"t": top - cut}, height=height - cut)
    return printed


def to_png(fig) -> bytes:
    height = fig.layout.height or IMAGE_HEIGHT
    return fig.to_image(format="png", width=IMAGE_WIDTH, height=height, scale=IMAGE_SCALE)
