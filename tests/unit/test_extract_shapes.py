"""Three extracts shaped as partners send them stage to exactly the canonical frame.

The notebooks read only the staged frames (and the config), so equal staged frames mean equal
published numbers; one full build (tests/e2e/test_own_extract_build.py) checks that too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from sv_assessment.build.staging import stage_inputs
from sv_assessment.config import load_config
from sv_assessment.demo.partner import generate_offences, generate_population
from tests import extract_shapes
from tests.conftest import SMALL_DISTRICTS, write_config


@pytest.fixture(scope="module")
def canonical(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """A small canonical extract (three districts, two years, every row with an LSOA)."""
    base = tmp_path_factory.mktemp("canonical")
    districts = [(d["code"], d["name"], d["population"]) for d in SMALL_DISTRICTS]
    frame = generate_offences(districts, 2023, 2024, 400, seed=11)
    frame = frame[frame["lsoa_code"].notna()].reset_index(drop=True)
    # The export shapes are about headers and codes; person ids and coordinates (optional) are left out of all.
    frame = frame.assign(
        victim_id=pd.NA, suspect_id=pd.NA, longitude=float("nan"), latitude=float("nan")
    ).astype({"victim_id": "string", "suspect_id": "string"})
    return base, frame


def _stage(base: Path, name: str, offences: dict) -> pd.DataFrame:
    """Stage a config whose offences input is ``offences``; the staged offences frame."""
    folder = base / name
    folder.mkdir(exist_ok=True)
    config_path = write_config(folder)
    raw = yaml.safe_load(config_path.read_text())
    raw["assessment"]["assessment_year"] = 2024
    raw["assessment"]["years_covered"] = 2
    raw["demo"]["generate_if_missing"] = False
    raw["inputs"] = {
        "offences": offences,
        "population": {"path": str(folder / "population.csv"), "kind": "population"},
    }
    districts = [(d["code"], d["name"], d["population"]) for d in SMALL_DISTRICTS]
    generate_population(districts, 2023, 2024).to_csv(folder / "population.csv", index=False)
    config_path.write_text(yaml.safe_dump(raw, sort_keys=False))
    staged = stage_inputs(load_config(config_path), folder / "staged")
    return pd.read_parquet(staged.directory / "offences.parquet").drop(columns=["source_row"])


@pytest.fixture(scope="module")
def staged_canonical(canonical) -> pd.DataFrame:
    base, frame = canonical
    return _stage(base, "canonical", extract_shapes.write_canonical(frame, base / "offences.csv"))


def test_rms_export_with_its_own_headers_and_codes(canonical, staged_canonical):
    base, frame = canonical
    spec = extract_shapes.write_rms_export(frame, base / "rms_export.csv")
    pd.testing.assert_frame_equal(_stage(base, "rms", spec), staged_canonical)


def test_workbook_with_two_sheets_and_a_title_block(canonical, staged_canonical):
    base, frame = canonical
    spec = extract_shapes.write_workbook(frame, base / "extract.xlsx")
    pd.testing.assert_frame_equal(_stage(base, "xlsx", spec), staged_canonical)


def test_lsoa_and_home_office_codes_only(canonical, staged_canonical):
    base, frame = canonical
    config = load_config(write_config(base))
    spec = extract_shapes.write_lsoa_only(
        frame, base / "lsoa_only.csv", base / "LSOA21_LAD22_lookup.csv", config.districts
    )
    pd.testing.assert_frame_equal(_stage(base, "lsoa", spec), staged_canonical)
