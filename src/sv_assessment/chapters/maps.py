"""Maps drawn from the boundary input alone: each district a filled polygon, shaded by its
rate, with the rate written on it (so the map is not read from colour alone) and the numbers
in the data table beside it. Plain Plotly shapes on longitude and latitude axes: no map tiles,
no map service and no topojson are fetched, in the web page or for the PDF.

Values come from tables already through disclosure control; a district whose value was not
published is drawn grey and labelled so.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sv_assessment.analysis import comparison
from sv_assessment.chapters import chart_layout, charts

MAP_HEIGHT = 600
LABEL_SIZE = 10
LABEL_LINE = LABEL_SIZE * chart_layout.LINE
TITLE_LINE = chart_layout.TITLE_SIZE * chart_layout.LINE
SOURCE_LINE = chart_layout.SOURCE_SIZE * chart_layout.LINE
CLASSES = ("#DDE6EE", "#9DB3C7", "#4A7398", "#12436D")  # light to dark, as charts.SEQUENTIAL
NOT_PUBLISHED = "#BFC1C3"


def district_rates(serious: pd.DataFrame, population: pd.DataFrame, config) -> pd.DataFrame:
    """Each district's offences in the assessment year, its rate per 1,000 residents with the
    interval, and its rank (1 = highest rate)."""
    year = config.assessment_year
    codes = config.district_codes
    counts = serious[serious["year"] == year].groupby("district_code").size()
    residents = population[population["year"] == year].groupby("district_code")["population"]
    frame = pd.DataFrame(
        {
            "district_code": codes,
            "district": [config.district_names[c] for c in codes],
            "population": residents.sum().reindex(codes).to_numpy(),
            "offences": counts.reindex(codes, fill_value=0).astype(int).to_numpy(),
        }
    )
    return comparison.rank_against_area(frame, "offences", "population")


def class_breaks(values: pd.Series, classes: int = len(CLASSES)) -> list[float]:
    """Equal-count class limits over the published values (at most ``classes`` classes)."""
    known = pd.to_numeric(values, errors="coerce").dropna()
    if known.empty:
        return []
    quantiles = np.quantile(known, np.linspace(0, 1, classes + 1))
    return sorted(set(np.round(quantiles, 2).tolist()))


def _class_of(value: float, breaks: list[float]) -> int:
    if len(breaks) < 2:
        return len(CLASSES) - 1
    for index, upper in enumerate(breaks[1:]):
        if value <= upper:
            return min(index, len(CLASSES) - 1)
    return len(CLASSES) - 1


def district_map(
    boundaries: pd.DataFrame,
    values: pd.DataFrame,
    value: str,
    title: str,
    measure: str,
    scope: str = "",
) -> charts.FigureSpec:
    """``values``: district_code, district and ``value`` (published; missing = suppressed).

    Each district is labelled with its name and value where the label fits clear of the others
    on the smallest screen (the highest values first); every district's value is in the data
    table beside the map, the hover text and the alt text."""
    shown = values.set_index("district_code")
    numbers = pd.to_numeric(shown[value], errors="coerce")
    breaks = class_breaks(numbers)
    fig = go.Figure()
    legend_done: set[int] = set()
    labels = []
    for code, shape in boundaries.groupby("district_code", sort=False):
        if code not in shown.index:
            continue
        number = numbers.get(code)
        known = pd.notna(number)
        index = _class_of(float(number), breaks) if known else -1
        colour = CLASSES[index] if known else NOT_PUBLISHED
        label = f"{number:.2f}" if known else "not published"
        name = str(shown.loc[code, "district"])
        for ring_number, (_, ring) in enumerate(shape.sort_values("point").groupby("ring")):
            first = ring_number == 0 and index not in legend_done
            legend_done.add(index)
            fig.add_trace(
                go.Scatter(
                    x=ring["longitude"],
                    y=ring["latitude"],
                    mode="lines",
                    fill="toself",
                    fillcolor=colour,
                    line={"color": "#FFFFFF", "width": 1},
                    name=_legend_name(index, breaks),
                    legendgroup=str(index),
                    legendrank=100 + index,
                    showlegend=first,
                    hoverinfo="text",
                    text=f"{name}: {label}",
                )
            )
        centre = shape.loc[shape["ring"] == shape["ring"].min()]
        labels.append(
            (
                -float(number) if known else np.inf,
                float(centre["longitude"].mean()),
                float(centre["latitude"].mean()),
                name,
                label,
                index,
            )
        )
    latitude = float(boundaries["latitude"].mean())
    fig.update_xaxes(visible=False)
    # Equal distances on both axes at this latitude, so shapes are not stretched.
    fig.update_yaxes(
        visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(latitude))
    )
    fig.update_layout(showlegend=True, plot_bgcolor="#FFFFFF", height=MAP_HEIGHT)
    for _, x, y, name, label, index in _fitting_labels(fig, boundaries, sorted(labels), title):
        fig.add_annotation(
            x=x,
            y=y,
            text=f"{html.escape(name)}<br>{label}",
            showarrow=False,
            font={"size": LABEL_SIZE, "color": "#FFFFFF" if index >= 2 else charts.TEXT_COLOUR},
        )
    listed = values.assign(shown_value=numbers.to_numpy())
    listed = listed.sort_values("shown_value", ascending=False, na_position="last")
    return charts.FigureSpec(
        fig,
        title=title,
        alt_text=f"Map of the districts shaded by {measure} (darker is higher): "
        + "; ".join(
            f"{r.district}: {'not published' if pd.isna(r.shown_value) else f'{r.shown_value:.2f}'}"
            for r in listed.itertuples()
        ),
        data=values[["district_code", "district", value]],
        x_title="",
        y_title="",
        zero_based=False,
        scope=scope,
    )


def plot_size_on_phone(fig: go.Figure, title: str) -> tuple[float, float]:
    """The plot area of a map on a 320 px screen, in px, as the house style will lay it out
    (title and legend above, a source line of up to four lines below)."""
    chart_layout.wrap_legend(fig)
    top = (
        12
        + len(chart_layout.wrap_text(title, chart_layout.TITLE_SIZE)) * TITLE_LINE
        + chart_layout.legend_rows(fig) * 30
        + 10
    )
    bottom = chart_layout.AXIS_BAND + 4 * SOURCE_LINE + 8
    return chart_layout.PHONE_WIDTH - 64 - 16, (fig.layout.height or MAP_HEIGHT) - top - bottom


def degrees_to_px(boundaries: pd.DataFrame, plot: tuple[float, float]):
    """A function from longitude and latitude to px in ``plot``, as Plotly draws equal-scale
    axes (the map centred, filling the plot's width or its height)."""
    west, east = boundaries["longitude"].min(), boundaries["longitude"].max()
    south, north = boundaries["latitude"].min(), boundaries["latitude"].max()
    stretch = 1 / math.cos(math.radians(float(boundaries["latitude"].mean())))
    span_x, span_y = (east - west) or 1.0, ((north - south) or 1.0) * stretch
    scale = min(plot[0] / span_x, plot[1] / span_y)
    left = (plot[0] - span_x * scale) / 2
    top = (plot[1] - span_y * scale) / 2

    def to_px(longitude: float, latitude: float) -> tuple[float, float]:
        return left + (longitude - west) * scale, top + (north - latitude) * stretch * scale

    return to_px


def _fitting_labels(fig: go.Figure, boundaries: pd.DataFrame, labels: list, title: str) -> list:
    """The district labels that fit clear of one another on a phone (the scale only grows on
    larger screens, so they stay clear there too)."""
    plot = plot_size_on_phone(go.Figure(fig), title)
    to_px = degrees_to_px(boundaries, plot)
    sizes = [
        (max(len(name), len(label)) * LABEL_SIZE * chart_layout.CHAR_EM + 4, 2 * LABEL_LINE)
        for _, _, _, name, label, _ in labels
    ]
    centres = [to_px(x, y) for _, x, y, *_ in labels]
    return [labels[i] for i in chart_layout.labels_that_fit(sizes, centres, plot)]


def _legend_name(index: int, breaks: list[float]) -> str:
    if index < 0:
        return "Not published"
    if len(breaks) < 2:
        return "All districts"
    low = breaks[min(index, len(breaks) - 2)]
    high = breaks[min(index + 1, len(breaks) - 1)]
    return f"{low:.2f} to {high:.2f}"


def coordinates_not_available_note(source: str) -> str:
    if source == "police_uk":
        return (
            "**Not available: density of crimes from map points.** None of the crimes in scope "
            "in the files has a map point (their longitude and latitude are empty), so no "
            "hexagon density map is drawn; the hotspot chapter lists the busiest LSOAs instead."
        )
    return (
        "**Not available: density of offences from coordinates.** The police extract has no "
        "longitude and latitude (or easting and northing) for its offences, so no hexagon "
        "density map is drawn; the places chapter lists the busiest LSOAs instead. To add it, "
        "map the extract's coordinate columns to `longitude` and `latitude` (WGS84) or "
        "`easting` and `northing` (British National Grid, metres) under `columns:`."
    )
