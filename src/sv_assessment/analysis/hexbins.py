"""Hexagon density from point coordinates: points put on a flat grid in km, counted in
pointy-top hexagons, and the hexagon size chosen so that few points fall in hexagons with too
few to publish.

Coordinates come as longitude and latitude (WGS84; data.police.uk's anonymised map points) or
as British National Grid easting and northing in metres (a partner extract), turned into
longitude and latitude here so that the hexagons are drawn over the district boundaries. The
grid conversion returns OSGB36 latitude and longitude, within about 120 m of WGS84: far less
than a hexagon, so no datum shift is applied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

EARTH_KM = 6371.0088  # mean Earth radius
SQRT3 = math.sqrt(3.0)
# Hexagon sizes tried, as the distance from centre to corner in km (about 1.7 times that
# across, flat side to flat side), smallest first.
SIZES_KM = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)


@dataclass(frozen=True)
class Grid:
    """A flat km grid about a centre point (equirectangular: true to a few parts in a
    thousand over a county), and back."""

    longitude: float
    latitude: float

    @property
    def _kx(self) -> float:
        return EARTH_KM * math.radians(1.0) * math.cos(math.radians(self.latitude))

    @property
    def _ky(self) -> float:
        return EARTH_KM * math.radians(1.0)

    def to_km(self, longitude, latitude) -> tuple[np.ndarray, np.ndarray]:
        lon = np.asarray(longitude, dtype=float)
        lat = np.asarray(latitude, dtype=float)
        return (lon - self.longitude) * self._kx, (lat - self.latitude) * self._ky

    def to_degrees(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return (
            self.longitude + np.asarray(x, dtype=float) / self._kx,
            self.latitude + np.asarray(y, dtype=float) / self._ky,
        )


def grid_for(longitude: pd.Series, latitude: pd.Series) -> Grid:
    return Grid(float(np.nanmean(longitude)), float(np.nanmean(latitude)))


def hexagon_of(x, y, size: float) -> tuple[np.ndarray, np.ndarray]:
    """The axial coordinates (q, r) of the pointy-top hexagon of ``size`` (centre to corner)
    holding each point: the fractional position rounded in cube coordinates."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    qf = (SQRT3 / 3 * x - y / 3) / size
    rf = (2 / 3 * y) / size
    sf = -qf - rf
    q, r, s = np.round(qf), np.round(rf), np.round(sf)
    dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    return q.astype(int), r.astype(int)


def hexagon_centre(q, r, size: float) -> tuple[np.ndarray, np.ndarray]:
    q = np.asarray(q, dtype=float)
    r = np.asarray(r, dtype=float)
    return size * (SQRT3 * q + SQRT3 / 2 * r), size * 1.5 * r


def hexagon_corners(x: float, y: float, size: float) -> list[tuple[float, float]]:
    """The six corners of a pointy-top hexagon, and the first again to close it."""
    corners = [
        (
            x + size * math.cos(math.radians(60 * i - 30)),
            y + size * math.sin(math.radians(60 * i - 30)),
        )
        for i in range(6)
    ]
    return [*corners, corners[0]]


def count_hexagons(x, y, size: float, labels: pd.Series | None = None) -> pd.DataFrame:
    """Points per hexagon: q, r, centre x and y (km) and ``points``, busiest first; with
    ``labels`` (e.g. each point's district), the label most of a hexagon's points carry."""
    q, r = hexagon_of(x, y, size)
    frame = pd.DataFrame({"q": q, "r": r})
    if labels is not None:
        frame["label"] = np.asarray(labels, dtype=object)
    counts = frame.groupby(["q", "r"]).size().rename("points").reset_index()
    if labels is not None:
        modal = (
            frame.groupby(["q", "r", "label"])
            .size()
            .rename("n")
            .reset_index()
            .sort_values(["n", "label"], ascending=[False, True])
            .drop_duplicates(["q", "r"])
        )
        counts = counts.merge(modal[["q", "r", "label"]], on=["q", "r"], how="left")
    counts["x"], counts["y"] = hexagon_centre(counts["q"], counts["r"], size)
    return counts.sort_values(["points", "q", "r"], ascending=[False, True, True]).reset_index(
        drop=True
    )


def hidden_share(counts: pd.Series, threshold: int) -> float:
    """The share of points in hexagons with from 1 to ``threshold - 1`` points."""
    total = counts.sum()
    return float(counts[(counts >= 1) & (counts < threshold)].sum() / total) if total else 0.0


def choose_size(
    x,
    y,
    threshold: int,
    sizes: tuple[float, ...] = SIZES_KM,
    most_hidden: float = 0.1,
    most_hexagons: int = 1500,
) -> float:
    """The smallest hexagon size at which at most ``most_hidden`` of the points fall in
    hexagons too small to publish and no more than ``most_hexagons`` are drawn (a map a reader
    can take in, and a page that stays light); the largest size tried if none qualifies."""
    for size in sizes:
        counts = count_hexagons(x, y, size)["points"]
        if hidden_share(counts, threshold) <= most_hidden and len(counts) <= most_hexagons:
            return size
    return sizes[-1]


def merge_small(hexagons: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The hexagons with ``threshold`` points or more, one row each, and one row for the rest
    together (``merged`` True; its q and r missing), so no hexagon with a small count is drawn
    or listed; the merged row's count goes through disclosure control like any other."""
    small = hexagons["points"] < threshold
    kept = hexagons[~small].assign(merged=False, hexagons=1)
    if not small.any():
        return kept.reset_index(drop=True)
    rest = pd.DataFrame(
        {
            "q": [pd.NA],
            "r": [pd.NA],
            "points": [int(hexagons.loc[small, "points"].sum())],
            "x": [np.nan],
            "y": [np.nan],
            "merged": [True],
            "hexagons": [int(small.sum())],
        }
    )
    if "label" in hexagons:
        rest["label"] = ""
    return pd.concat([kept, rest], ignore_index=True)


def british_grid_to_lonlat(easting, northing) -> tuple[np.ndarray, np.ndarray]:
    """Ordnance Survey National Grid easting and northing (m) to OSGB36 longitude and
    latitude (degrees): the inverse transverse Mercator of the OS's 'A guide to coordinate
    systems in Great Britain' (Annexe C)."""
    a, b = 6377563.396, 6356256.909
    f0, lat0, lon0 = 0.9996012717, math.radians(49.0), math.radians(-2.0)
    n0, e0 = -100000.0, 400000.0
    e2 = 1 - b * b / (a * a)
    n = (a - b) / (a + b)
    east = np.asarray(easting, dtype=float)
    north = np.asarray(northing, dtype=float)

    def meridional(lat: np.ndarray) -> np.ndarray:
        d, s = lat - lat0, lat + lat0
        return (
            b
            * f0
            * (
                (1 + n + 1.25 * n**2 + 1.25 * n**3) * d
                - (3 * n + 3 * n**2 + 21 / 8 * n**3) * np.sin(d) * np.cos(s)
                + (15 / 8 * n**2 + 15 / 8 * n**3) * np.sin(2 * d) * np.cos(2 * s)
                - 35 / 24 * n**3 * np.sin(3 * d) * np.cos(3 * s)
            )
        )

    lat = (north - n0) / (a * f0) + lat0
    for _ in range(20):
        error = north - n0 - meridional(lat)
        lat = lat + error / (a * f0)
        if np.nanmax(np.abs(error), initial=0.0) < 1e-5:
            break
    sin, tan, sec = np.sin(lat), np.tan(lat), 1 / np.cos(lat)
    nu = a * f0 / np.sqrt(1 - e2 * sin**2)
    rho = a * f0 * (1 - e2) / (1 - e2 * sin**2) ** 1.5
    eta2 = nu / rho - 1
    vii = tan / (2 * rho * nu)
    viii = tan / (24 * rho * nu**3) * (5 + 3 * tan**2 + eta2 - 9 * tan**2 * eta2)
    ix = tan / (720 * rho * nu**5) * (61 + 90 * tan**2 + 45 * tan**4)
    x = sec / nu
    xi = sec / (6 * nu**3) * (nu / rho + 2 * tan**2)
    xii = sec / (120 * nu**5) * (5 + 28 * tan**2 + 24 * tan**4)
    xiia = sec / (5040 * nu**7) * (61 + 662 * tan**2 + 1320 * tan**4 + 720 * tan**6)
    de = east - e0
    latitude = lat - vii * de**2 + viii * de**4 - ix * de**6
    longitude = lon0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return np.degrees(longitude), np.degrees(latitude)
