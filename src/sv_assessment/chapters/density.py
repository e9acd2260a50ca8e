"""Where, in detail: hexagon density of offences (or crimes) from their coordinates, drawn as
plain Plotly shapes on longitude and latitude axes (no tiles, no map service, nothing fetched),
over the district boundaries when the partnership gave them.

No hexagon with a count from 1 to the threshold less one is drawn or listed: hexagons that
small are merged into one row of the published table ("the rest"), and the table goes through
the chapter's disclosure gate like any other, so a hexagon the gate hides is not drawn either.
The hexagon size is the smallest at which no more than a tenth of the located offences fall in
such small hexagons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sv_assessment.analysis import hexbins
from sv_assessment.chapters import charts, maps

MERGED = "merged"


@dataclass(frozen=True)
class Density:
    """Hexagon counts ready for the gate: ``table`` has hexagon, district, centre_longitude,
    centre_latitude and the count column (``what``), the small hexagons merged in its last
    row."""

    table: pd.DataFrame
    what: str  # the count column and noun: "offences" or "crimes"
    size_km: float
    grid: hexbins.Grid
    located: int
    unlocated: int
    source: str  # where the coordinates came from, in words

    @property
    def across_km(self) -> float:
        """Flat side to flat side."""
        return hexbins.SQRT3 * self.size_km


def map_points(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, str] | None:
    """Each row's longitude and latitude (NaN where none), and where they came from: the
    longitude and latitude columns, else British National Grid easting and northing; None when
    the data carries neither."""
    columns = set(frame.columns)
    if {"longitude", "latitude"} <= columns and frame["longitude"].notna().any():
        lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float)
        return lon, lat, "longitude and latitude"
    if {"easting", "northing"} <= columns and frame["easting"].notna().any():
        east = pd.to_numeric(frame["easting"], errors="coerce").to_numpy(dtype=float)
        north = pd.to_numeric(frame["northing"], errors="coerce").to_numpy(dtype=float)
        lon, lat = hexbins.british_grid_to_lonlat(east, north)
        return lon, lat, "easting and northing (British National Grid)"
    return None


def hexagon_density(
    frame: pd.DataFrame, districts: pd.Series, threshold: int, what: str = "offences"
) -> Density | None:
    """Hexagon counts of the rows of ``frame`` with coordinates (``districts``: each row's
    district name, to say where a hexagon is); None when no row has coordinates."""
    points = map_points(frame)
    if points is None:
        return None
    lon, lat, source = points
    located = np.isfinite(lon) & np.isfinite(lat)
    if not located.any():
        return None
    grid = hexbins.grid_for(lon[located], lat[located])
    x, y = grid.to_km(lon[located], lat[located])
    size = hexbins.choose_size(x, y, threshold)
    names = pd.Series(np.asarray(districts, dtype=object)[located]).fillna("")
    counts = hexbins.merge_small(hexbins.count_hexagons(x, y, size, names), threshold)
    centre_lon, centre_lat = grid.to_degrees(counts["x"], counts["y"])
    merged = counts["merged"].to_numpy(dtype=bool)
    rest = int(counts.loc[merged, "hexagons"].sum())
    table = pd.DataFrame(
        {
            "hexagon": [
                f"{rest:,} other hexagons, each with fewer than {threshold} (not drawn)"
                if m
                else f"H{int(q):+d}{int(r):+d}"
                for m, q, r in zip(merged, counts["q"], counts["r"], strict=True)
            ],
            "district": counts["label"].to_numpy(),
            "centre_longitude": np.round(_off_whole(centre_lon), 4),
            "centre_latitude": np.round(_off_whole(centre_lat), 4),
            what: counts["points"].astype("int64").to_numpy(),
        }
    )
    return Density(table, what, size, grid, int(located.sum()), int((~located).sum()), source)


def _off_whole(values) -> np.ndarray:
    """Coordinates nudged off whole numbers: a chart's whole numbers from 1 to 4 read as
    counts to the disclosure checker (1e-4 degrees is about 10 m)."""
    values = np.asarray(values, dtype=float)
    whole = np.isfinite(values) & (np.abs(values - np.round(values)) < 1e-4)
    return np.where(whole, values + 1.5e-4, values)


def density_sentence(density: Density, policy, year: int) -> str:
    """What the map shows and leaves out, small counts said as 'fewer than'."""
    drawn = density.table[~density.table["hexagon"].str.contains("other hexagons")]
    return (
        f"The map counts {policy.count_phrase(density.located, density.what[:-1])} of "
        f"{year} with a location ({density.source}) in hexagons about "
        f"{density.across_km:.1f} km across; {len(drawn):,} hexagons are drawn. Hexagons with "
        f"fewer than {policy.threshold} {density.what} are not drawn (they are counted "
        f"together in the table), and "
        f"{policy.count_phrase(density.unlocated, density.what[:-1])} with no location "
        "recorded are not on the map."
    )


def hexagon_map(
    published: pd.DataFrame,
    density: Density,
    boundaries: pd.DataFrame | None,
) -> tuple[go.Figure, str]:
    """The figure and its alt text, drawn from the gate's table (``published``: a hidden count
    is NA, and not drawn)."""
    what = density.what
    counts = pd.to_numeric(published[what], errors="coerce")
    drawn = published.assign(shown_count=counts)[
        counts.notna() & ~published["hexagon"].str.contains("other hexagons")
    ]
    breaks = [float(round(b)) for b in maps.class_breaks(drawn["shown_count"])]
    fig = go.Figure()
    if boundaries is not None:
        xs, ys = [], []
        for _, ring in boundaries.sort_values("point").groupby(["district_code", "ring"]):
            xs += [*ring["longitude"], None]
            ys += [*ring["latitude"], None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#6F777B", "width": 1},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    classes = np.array([maps._class_of(v, breaks) for v in drawn["shown_count"]], dtype=int)
    for index in sorted(set(classes)):
        xs, ys = [], []
        for row in drawn[classes == index].itertuples():
            cx, cy = density.grid.to_km(row.centre_longitude, row.centre_latitude)
            corners = hexbins.hexagon_corners(float(cx), float(cy), density.size_km * 0.97)
            lon, lat = density.grid.to_degrees(*zip(*corners, strict=True))
            xs += [*np.round(_off_whole(lon), 5), None]
            ys += [*np.round(_off_whole(lat), 5), None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=maps.CLASSES[index],
                line={"color": maps.CLASSES[index], "width": 0.5},
                name=_class_name(index, breaks, what),
                legendrank=100 + index,
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=drawn["centre_longitude"],
            y=drawn["centre_latitude"],
            mode="markers",
            marker={"size": 6, "opacity": 0},
            showlegend=False,
            text=[
                f"{int(n):,} {what}, {d}"
                for n, d in zip(drawn["shown_count"], drawn["district"], strict=True)
            ],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(
        visible=False,
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(density.grid.latitude)),
    )
    fig.update_layout(showlegend=True, plot_bgcolor="#FFFFFF", height=maps.MAP_HEIGHT)
    busiest = drawn.sort_values("shown_count", ascending=False).head(5)
    alt = (
        f"Map of hexagons about {density.across_km:.1f} km across, each shaded by its number "
        f"of {what} (darker is more)"
        + (", over the district boundaries" if boundaries is not None else "")
        + f". {len(drawn):,} hexagons are drawn; hexagons with fewer than the publication "
        "minimum are not. The busiest: "
        + "; ".join(f"{int(r.shown_count):,} in {r.district}" for r in busiest.itertuples())
        + ". Every hexagon drawn is in the data table."
    )
    return fig, alt


def _class_name(index: int, breaks: list[float], what: str) -> str:
    if len(breaks) < 2:
        return "Every hexagon drawn"
    low = breaks[min(index, len(breaks) - 2)]
    high = breaks[min(index + 1, len(breaks) - 1)]
    return f"{low:,.0f} to {high:,.0f} {what}"


def busiest_title(published: pd.DataFrame, density: Density, period: str) -> str:
    """The finding: where the busiest hexagon drawn is, and its count (published)."""
    counts = pd.to_numeric(published[density.what], errors="coerce")
    drawn = published.assign(shown_count=counts)[
        counts.notna() & ~published["hexagon"].str.contains("other hexagons")
    ]
    if drawn.empty:
        return f"No hexagon has enough {density.what} to be drawn, {period}"
    top = drawn.sort_values("shown_count", ascending=False).iloc[0]
    return (
        f"The busiest hexagon (about {density.across_km:.1f} km across), in {top.district}, "
        f"had {int(top.shown_count):,} {density.what}, {period}"
    )


def hexagon_figure(
    protected, density: Density, boundaries: pd.DataFrame | None, title: str, scope: str
) -> charts.FigureSpec:
    fig, alt = hexagon_map(protected.frame, density, boundaries)
    return charts.FigureSpec(
        fig,
        title=title,
        alt_text=alt,
        data=protected,
        x_title="",
        y_title="",
        zero_based=False,
        scope=scope,
    )
