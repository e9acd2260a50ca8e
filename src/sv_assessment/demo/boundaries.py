"""Synthetic district boundaries for the demo: a GeoJSON file in the layout of the ONS local
authority boundary files (LAD24CD, LAD24NM), with made-up shapes (a grid of blocks across a
box around Kent), so the demo's maps draw without any real boundary file. The shapes are not
the districts' real boundaries and the file says so.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

WEST, EAST, SOUTH, NORTH = 0.0, 1.45, 50.9, 51.5  # a box around Kent, in degrees


def feature_collection(districts: list[tuple[str, str]]) -> dict:
    """One square-ish block per district, in rows from the north-west."""
    columns = math.ceil(math.sqrt(len(districts) * 1.6))
    rows = math.ceil(len(districts) / columns)
    width, height = (EAST - WEST) / columns, (NORTH - SOUTH) / rows
    features = []
    for index, (code, name) in enumerate(districts):
        row, column = divmod(index, columns)
        west, north = WEST + column * width, NORTH - row * height
        ring = [
            [round(west, 5), round(north, 5)],
            [round(west + width, 5), round(north, 5)],
            [round(west + width, 5), round(north - height, 5)],
            [round(west, 5), round(north - height, 5)],
            [round(west, 5), round(north, 5)],
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {"LAD24CD": code, "LAD24NM": name, "synthetic": True},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "SYNTHETIC district blocks (not real boundaries)",
        "features": features,
    }


def write_for_config(config, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    collection = feature_collection([(d.code, d.name) for d in config.districts])
    target.write_text(json.dumps(collection), encoding="utf-8")
    return target
