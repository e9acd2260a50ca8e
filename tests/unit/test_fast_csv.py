"""The columnar ingest path returns exactly what the reference reader returns, or defers to it."""

from pathlib import Path

import pandas as pd
import pytest

from sv_assessment.config import load_config
from sv_assessment.demo.partner import generate_offences
from sv_assessment.ingest import canonical, fast_csv
from sv_assessment.ingest.errors import InputError


@pytest.fixture(scope="module")
def offences_csv(tmp_path_factory) -> Path:
    config = load_config()
    districts = [(d.code, d.name, d.population) for d in config.districts[:3]]
    frame = generate_offences(districts, 2020, 2024, 300, seed=3)
    path = tmp_path_factory.mktemp("columnar") / "offences.csv"
    out = frame.astype(str).replace({"<NA>": "", "NaT": ""})
    out["knife_flag"] = out["knife_flag"].str.lower()
    out.rename(columns={"offence_id": "Crime Ref", "district_code": "LAD22CD"}).to_csv(
        path, index=False
    )
    return path


def test_same_frame_as_the_reference_reader(offences_csv):
    fast = fast_csv._read_fast(offences_csv, "police_offences")
    pd.testing.assert_frame_equal(fast, canonical.read_input(offences_csv, "police_offences"))


def test_messy_values_defer_to_the_reference_reader_and_its_error(offences_csv, tmp_path):
    messy = tmp_path / "offences.csv"
    lines = offences_csv.read_text().splitlines()
    lines[3] = lines[3].replace(",true,", ",perhaps,", 1).replace(",false,", ",perhaps,", 1)
    messy.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="perhaps"):
        fast_csv.read_input(messy, "police_offences")
