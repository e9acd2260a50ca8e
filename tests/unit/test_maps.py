"""Maps from a boundary file: GeoJSON read as polygon vertices, districts drawn as filled
shapes on plain axes (no tiles, no geo layer that would fetch topojson), values labelled."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sv_assessment.chapters import maps
from sv_assessment.demo import boundaries as demo_boundaries
from sv_assessment.ingest.boundaries import read_boundaries
from sv_assessment.ingest.errors import InputError
from tests.conftest import DISTRICTS

CODES = [c for c, _, _ in DISTRICTS]


def _geojson(tmp_path, extra_feature: bool = True):
    collection = demo_boundaries.feature_collection([(c, n) for c, n, _ in DISTRICTS])
    square = [[0.1, 51.0], [0.2, 51.0], [0.2, 51.1], [0.1, 51.0]]
    collection["features"][0]["geometry"] = {  # a district with an island
        "type": "MultiPolygon",
        "coordinates": [[square], [[[p[0] + 0.3, p[1]] for p in square]]],
    }
    if extra_feature:  # a national file: other districts are left out
        collection["features"].append(
            {"type": "Feature", "properties": {"LAD24CD": "E09999999"}, "geometry": None}
        )
    path = tmp_path / "lad.geojson"
    path.write_text(json.dumps(collection))
    return path


def test_boundaries_are_read_per_district_ring_and_point(tmp_path):
    frame = read_boundaries(_geojson(tmp_path), CODES)
    assert set(frame["district_code"]) == set(CODES)
    assert frame.loc[frame["district_code"] == CODES[0], "ring"].nunique() == 2
    assert frame["longitude"].between(-8.7, 2).all()


def test_a_file_with_none_of_the_districts_is_refused(tmp_path):
    with pytest.raises(InputError, match="district codes"):
        read_boundaries(_geojson(tmp_path), ["E07000001"])
    (tmp_path / "bad.geojson").write_text("[1, 2]")
    with pytest.raises(InputError, match="FeatureCollection"):
        read_boundaries(tmp_path / "bad.geojson", CODES)


def test_district_map_labels_every_district_and_fetches_nothing(tmp_path):
    frame = read_boundaries(_geojson(tmp_path), CODES)
    values = pd.DataFrame(
        {"district_code": CODES, "district": [n for _, n, _ in DISTRICTS], "rate": [2.5, None, 1.2]}
    )
    spec = maps.district_map(frame, values, "rate", "Rates by district", "rate")
    assert "Beta: not published" in spec.alt_text and "Alpha: 2.50" in spec.alt_text
    layout = spec.figure.to_plotly_json()["layout"]
    assert "geo" not in layout and "mapbox" not in layout and "map" not in layout
    assert {t.type for t in spec.figure.data} == {"scatter"}
    fills = {t.fillcolor for t in spec.figure.data}
    assert maps.NOT_PUBLISHED in fills


def test_maps_notebook_with_and_without_boundaries(tmp_path, monkeypatch):
    from tests.unit.test_context_chapter import _run, _text

    shown = _run("15_maps", tmp_path, monkeypatch)
    assert "Not available: district boundaries" in _text(shown)
    assert "Not available: density of offences from coordinates" in _text(shown)
