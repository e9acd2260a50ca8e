"""Hexagon binning, the choice of hexagon size, merging hexagons too small to publish, the
National Grid conversion, and the density map drawn from the disclosure gate's table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sv_assessment.analysis import hexbins
from sv_assessment.analysis.disclosure import DisclosurePolicy, protect_table
from sv_assessment.chapters import density

POLICY = DisclosurePolicy(threshold=5)


def test_every_point_falls_in_the_hexagon_whose_centre_is_nearest() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-20, 20, 5000), rng.uniform(-20, 20, 5000)
    size = 1.7
    q, r = hexbins.hexagon_of(x, y, size)
    cx, cy = hexbins.hexagon_centre(q, r, size)
    own = np.hypot(x - cx, y - cy)
    # The nearest centre among the hexagon's neighbours is never closer than its own.
    for dq, dr in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)):
        nx, ny = hexbins.hexagon_centre(q + dq, r + dr, size)
        assert (own <= np.hypot(x - nx, y - ny) + 1e-9).all()
    assert own.max() <= size + 1e-9  # inside the circumscribed circle


def test_counts_add_up_and_the_busiest_come_first_with_their_district() -> None:
    x = np.array([0.0, 0.1, -0.1, 0.05, 10.0, 10.1])
    y = np.array([0.0, 0.1, 0.05, -0.1, 10.0, 10.0])
    labels = pd.Series(["A", "A", "A", "B", "C", "C"])
    counts = hexbins.count_hexagons(x, y, 1.0, labels)
    assert counts["points"].tolist() == [4, 2]
    assert counts["label"].tolist() == ["A", "C"]  # the district most of its points are in
    assert counts["points"].sum() == len(x)


def test_the_size_chosen_is_the_smallest_leaving_few_points_in_small_hexagons() -> None:
    rng = np.random.default_rng(7)
    x, y = rng.normal(0, 6, 3000), rng.normal(0, 6, 3000)
    size = hexbins.choose_size(x, y, threshold=5)
    assert hexbins.hidden_share(hexbins.count_hexagons(x, y, size)["points"], 5) <= 0.1
    smaller = [s for s in hexbins.SIZES_KM if s < size]
    for s in smaller:
        assert hexbins.hidden_share(hexbins.count_hexagons(x, y, s)["points"], 5) > 0.1
    # Sparse points: the largest size tried, not an error.
    assert hexbins.choose_size([0.0, 100.0], [0.0, 100.0], 5) == hexbins.SIZES_KM[-1]


def test_small_hexagons_are_merged_into_one_row_never_listed_one_by_one() -> None:
    hexes = pd.DataFrame(
        {"q": [0, 1, 2, 3], "r": [0, 0, 0, 0], "points": [9, 3, 1, 2], "x": 0.0, "y": 0.0}
    )
    merged = hexbins.merge_small(hexes, 5)
    assert merged["points"].tolist() == [9, 6]
    assert merged["merged"].tolist() == [False, True]
    assert merged["hexagons"].tolist() == [1, 3]
    assert not ((merged["points"] < 5) & ~merged["merged"]).any()


def test_a_merged_remainder_below_the_threshold_is_hidden_with_another_by_the_gate() -> None:
    frame = pd.DataFrame(
        {
            "hexagon": ["H+0+0", "H+1+0", "H+2+0", "2 other hexagons"],
            "district": ["A", "A", "B", ""],
            "offences": [12, 7, 9, 3],
        }
    )
    shown = protect_table(frame, ["offences"], POLICY)
    hidden = shown.frame["offences"].isna()
    assert hidden.iloc[3] and hidden.sum() >= 2  # the total is known: one hidden is not enough


def test_british_national_grid_converts_as_the_ordnance_survey_worked_example() -> None:
    # 'A guide to coordinate systems in Great Britain', Annexe C: E 651409.903, N 313177.270
    # is 52°39'27.2531"N, 1°43'4.5177"E on OSGB36.
    lon, lat = hexbins.british_grid_to_lonlat([651409.903], [313177.270])
    assert lat[0] == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-6)
    assert lon[0] == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-6)


def test_the_flat_grid_goes_there_and_back() -> None:
    grid = hexbins.Grid(0.7, 51.2)
    x, y = grid.to_km([0.7, 1.0], [51.2, 51.3])
    assert x[0] == y[0] == 0
    assert y[1] == pytest.approx(11.12, abs=0.01)  # 0.1 degree of latitude
    assert x[1] == pytest.approx(0.3 * 111.19 * math.cos(math.radians(51.2)), abs=0.05)
    lon, lat = grid.to_degrees(x, y)
    assert lon == pytest.approx([0.7, 1.0]) and lat == pytest.approx([51.2, 51.3])


def _offences(n_busy: int = 60, n_scattered: int = 25) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    busy = pd.DataFrame(
        {
            "longitude": rng.normal(0.52, 0.004, n_busy),
            "latitude": rng.normal(51.27, 0.003, n_busy),
            "district": "Maidstone",
        }
    )
    scattered = pd.DataFrame(
        {
            "longitude": rng.uniform(0.0, 1.4, n_scattered),
            "latitude": rng.uniform(50.9, 51.5, n_scattered),
            "district": "Elsewhere",
        }
    )
    nowhere = pd.DataFrame({"longitude": [np.nan] * 7, "latitude": np.nan, "district": "X"})
    return pd.concat([busy, scattered, nowhere], ignore_index=True)


def test_density_draws_only_publishable_hexagons_and_says_what_it_leaves_out() -> None:
    offences = _offences()
    found = density.hexagon_density(offences, offences["district"], 5)
    assert found is not None and found.located == 85 and found.unlocated == 7
    table = found.table
    assert table["offences"].sum() == 85
    listed = table[~table["hexagon"].str.contains("other hexagons")]
    assert (listed["offences"] >= 5).all()
    shown = protect_table(table, ["offences"], POLICY)
    fig, alt = density.hexagon_map(shown.frame, found, None)
    drawn = [t for t in fig.data if t.fill == "toself"]
    polygons = sum(list(t.x).count(None) for t in drawn)
    assert polygons == shown.frame["offences"].notna().sum() - 1  # not the merged row
    # Every number a chart draws that could be a count is 5 or more.
    for trace in fig.data:
        for value in [*(trace.x or ()), *(trace.y or ())]:
            assert value is None or not (1 <= value < 5 and value == round(value))
    assert "Maidstone" in alt
    sentence = density.density_sentence(found, POLICY, 2024)
    assert "85 offences of 2024 with a location" in sentence
    assert "7 offences with no location" in sentence
    few = density.hexagon_density(offences.tail(10), offences["district"].tail(10), 5)
    assert "counts fewer than 5 offences of 2024" in density.density_sentence(few, POLICY, 2024)


def test_easting_and_northing_are_used_when_there_is_no_longitude() -> None:
    frame = pd.DataFrame({"easting": [575000.0, 575100.0], "northing": [155000.0, 155050.0]})
    lon, lat, source = density.map_points(frame)
    assert "British National Grid" in source
    assert 0.4 < lon[0] < 0.6 and 51.2 < lat[0] < 51.35  # near Maidstone
    assert density.map_points(pd.DataFrame({"lsoa_code": ["E01"]})) is None
    empty = pd.DataFrame({"longitude": [np.nan], "latitude": [np.nan]})
    assert density.hexagon_density(empty, pd.Series(["A"]), 5) is None
