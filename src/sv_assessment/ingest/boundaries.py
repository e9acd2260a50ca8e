"""Read a boundary file (GeoJSON, e.g. ONS local authority district boundaries, as downloaded)
into a table of polygon rings: one row per vertex, with the district's ONS code.

The report draws its maps from this table alone (no tiles, no map service, nothing fetched).
A feature is matched to a district by any of its properties whose value is a configured
district code (ONS files name it LAD24CD, LAD23CD, ...); features of other districts are left
out, since a national file holds every district.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sv_assessment.ingest.errors import InputError


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """A geometry's polygons, each a list of rings (lists of [lon, lat])."""
    kind = (geometry or {}).get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def read_boundaries(path: Path, district_codes: list[str]) -> pd.DataFrame:
    """Columns: district_code, ring (a number per ring of the district), point (order),
    longitude, latitude."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise InputError(path, f"not a readable GeoJSON file ({error})") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise InputError(path, "a GeoJSON FeatureCollection (with 'features') is expected")
    wanted = set(district_codes)
    rows = []
    for feature in features:
        values = {str(v) for v in (feature.get("properties") or {}).values()}
        codes = sorted(values & wanted)
        if not codes:
            continue
        ring = 0
        for polygon in _polygons(feature.get("geometry")):
            for coordinates in polygon[:1]:  # the outer ring; holes are not drawn
                ring += 1
                for point, vertex in enumerate(coordinates):
                    rows.append((codes[0], ring, point, float(vertex[0]), float(vertex[1])))
    if not rows:
        raise InputError(
            path,
            "no feature has a property equal to one of the configured district codes "
            f"({', '.join(sorted(wanted)[:3])}, ...); is this the right boundary file?",
        )
    frame = pd.DataFrame(rows, columns=["district_code", "ring", "point", "longitude", "latitude"])
    return frame.astype({"district_code": "string", "ring": "Int64", "point": "Int64"})
