"""Small, hand-made frames for the chapter tests: a three-district area over two years."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sv_assessment.config import DEFAULT_CONFIG, AssessmentConfig, load_config, parse_config
from sv_assessment.demo.partner import generate_offences
from sv_assessment.schema import AGE_BANDS

DISTRICTS = [
    ("E0000001", "Alpha", 100_000),
    ("E0000002", "Beta", 150_000),
    ("E0000003", "Gamma", 50_000),
]
# Share of each district's residents in each age band (sums to 1).
BAND_SHARES = (0.10, 0.09, 0.08, 0.13, 0.20, 0.20, 0.20)


def make_config(
    tmp: Path,
    first_year: int = 2023,
    last_year: int = 2024,
    minimum_count: int = 5,
    with_ae: bool = True,
) -> AssessmentConfig:
    inputs = {
        "offences": {"path": str(tmp / "offences.csv"), "kind": "police_offences"},
        "population": {"path": str(tmp / "population.csv"), "kind": "population"},
    }
    if with_ae:
        inputs["ae_attendances"] = {
            "path": str(tmp / "ae.csv"),
            "kind": "ae_attendances",
            "optional": True,
        }
    raw = {
        "assessment": {
            "area_name": "Testshire",
            "partnership": "Testshire VRU",
            "assessment_year": last_year,
            "years_covered": last_year - first_year + 1,
            "synthetic_data": True,
        },
        "serious_violence": {
            "offence_groups": ["Homicide", "Attempted murder", "Violence with injury"],
            "public_place_only": True,
            "exclude_domestic_abuse": True,
            "age_under": 25,
        },
        "disclosure": {"minimum_count": minimum_count},
        "inputs": inputs,
        "districts": [{"code": c, "name": n, "population": p} for c, n, p in DISTRICTS],
    }
    return parse_config(raw, tmp / "test.yml")


def make_population(years: list[int]) -> pd.DataFrame:
    rows = []
    for code, name, total in DISTRICTS:
        for year in years:
            for band, share in zip(AGE_BANDS, BAND_SHARES, strict=True):
                rows.append(
                    {
                        "district_code": code,
                        "district_name": name,
                        "year": year,
                        "age_band": band,
                        "population": round(total * share),
                    }
                )
    return pd.DataFrame(rows).astype({"population": "Int64", "year": "Int64"})


def make_offences(
    counts: dict[tuple[str, int], int],
    seed: int = 1,
    knife_every: int = 4,
    lsoas_per_district: int = 20,
) -> pd.DataFrame:
    """``counts[(district_code, year)]`` serious-violence offences (public place, under 25,
    not domestic), spread over the year, LSOAs skewed so a few are busy."""
    rng = np.random.default_rng(seed)
    names = {c: n for c, n, _ in DISTRICTS}
    frames = []
    for (code, year), n in counts.items():
        days = pd.Timestamp(year, 1, 1) + pd.to_timedelta(rng.integers(0, 360, n), unit="D")
        hours = pd.to_timedelta(rng.integers(0, 24, n), unit="h")
        weights = 1 / np.arange(1, lsoas_per_district + 1)
        lsoa = rng.choice(lsoas_per_district, n, p=weights / weights.sum())
        victim = rng.choice([15, 20, 30, -1], n, p=[0.3, 0.4, 0.2, 0.1])
        # Every offence meets the under-25 test through the victim or the suspect.
        suspect = np.where((victim >= 0) & (victim < 25), rng.choice([16, 22, 40, -1], n), 19)
        frames.append(
            pd.DataFrame(
                {
                    "offence_id": [f"{code}-{year}-{i}" for i in range(n)],
                    "recorded_date": days + pd.to_timedelta(rng.integers(0, 3, n), unit="D"),
                    "occurred_at": days + hours,
                    "offence_code": "8N",
                    "offence_description": "Assault with injury",
                    "offence_group": "Violence with injury",
                    "knife_flag": np.arange(n) % knife_every == 0,
                    "firearm_flag": False,
                    "domestic_abuse_flag": False,
                    "public_place_flag": True,
                    "district_code": code,
                    "district_name": names[code],
                    "lsoa_code": [f"{code}-L{i:02d}" for i in lsoa],
                    "victim_age": pd.array([None if a < 0 else a for a in victim], dtype="Int64"),
                    "victim_sex": rng.choice(["Female", "Male"], n),
                    "suspect_age": pd.array([None if a < 0 else a for a in suspect], dtype="Int64"),
                    "suspect_sex": rng.choice(["Female", "Male"], n),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def config(tmp_path: Path) -> AssessmentConfig:
    return make_config(tmp_path)


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


@pytest.fixture(scope="session")
def kent_config() -> AssessmentConfig:
    return load_config()


@pytest.fixture(scope="session")
def demo_offences(kent_config: AssessmentConfig) -> pd.DataFrame:
    """A small staged-like offence frame (three districts, five years) for contract tests."""
    districts = [(d.code, d.name, d.population) for d in kent_config.districts[:3]]
    frame = generate_offences(districts, 2020, 2024, 400, seed=7)
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/e2e and tests/browser carry their marker, so `-m "not e2e"` works
    whether or not a module sets it itself."""
    for item in items:
        parts = item.path.parts
        if "e2e" in parts or "backtest" in parts:
            item.add_marker(pytest.mark.e2e)
        if "browser" in parts:
            item.add_marker(pytest.mark.browser)
