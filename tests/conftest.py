"""Shared fixtures: small assessments made in code, never large committed files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sv_assessment.config import DEFAULT_CONFIG

SMALL_DISTRICTS = [
    {"code": "E07000105", "name": "Ashford", "population": 132700},
    {"code": "E07000114", "name": "Thanet", "population": 140600},
    {"code": "E06000035", "name": "Medway", "population": 279800},
]


def write_config(directory: Path, offences_per_year: int = 4000, **overrides) -> Path:
    """A copy of the demo config for three districts, its inputs in ``directory``."""
    raw = yaml.safe_load(DEFAULT_CONFIG.read_text())
    raw["districts"] = SMALL_DISTRICTS
    raw["demo"]["offences_per_year"] = offences_per_year
    data = directory / "data"
    for spec in raw["inputs"].values():
        spec["path"] = str(data / Path(spec["path"]).name)
    for key, value in overrides.items():
        raw[key] = value
    path = directory / "small_assessment.yml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


@pytest.fixture
def small_config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)
