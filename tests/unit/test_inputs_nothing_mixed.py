"""Inputs that read well but would publish wrong numbers without a word (issue 12): codings that
set most rows aside, a population with gaps, ids that differ only by case or an invisible
character, district names that contradict their codes. Each is mapped where that is
unambiguous, and otherwise stops staging, naming the file, column, rows and values."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sv_assessment.build import staging
from sv_assessment.config import load_config
from sv_assessment.contracts.suites import ContractBreach
from sv_assessment.ingest.errors import InputError
from tests.conftest import write_config


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    """The small demo inputs (three districts, 300 offences a year), made once."""
    base = tmp_path_factory.mktemp("inputs")
    staging.ensure_demo_inputs(load_config(write_config(base, offences_per_year=300)))
    return base / "data"


class Inputs:
    """A copy of the demo inputs to spoil, and a config (no demo generation) that reads it."""

    def __init__(self, demo_folder: Path, tmp_path: Path) -> None:
        self.dir = tmp_path
        shutil.copytree(demo_folder, tmp_path / "data")
        self.config_path = write_config(tmp_path, offences_per_year=300)
        self.raw = yaml.safe_load(self.config_path.read_text())
        self.raw["demo"]["generate_if_missing"] = False

    def frame(self, name: str) -> pd.DataFrame:
        return pd.read_csv(self.dir / "data" / f"{name}.csv", dtype=str, keep_default_na=False)

    def save(self, name: str, frame: pd.DataFrame) -> None:
        frame.to_csv(self.dir / "data" / f"{name}.csv", index=False, lineterminator="\n")

    def stage(self):
        self.config_path.write_text(yaml.safe_dump(self.raw, sort_keys=False))
        return staging.stage_inputs(load_config(self.config_path), self.dir / "staged")


@pytest.fixture
def inputs(demo_folder, tmp_path) -> Inputs:
    return Inputs(demo_folder, tmp_path)


def test_sex_coded_m_f_u_is_read_as_male_female_unknown(inputs):
    offences = inputs.frame("offences")
    codes = {"Male": "M", "Female": "F", "Unknown": "U"}
    offences["suspect_sex"] = offences["suspect_sex"].replace(codes)
    offences["victim_sex"] = offences["victim_sex"].replace(codes).str.lower()
    inputs.save("offences", offences)
    result = inputs.stage()
    assert result.inputs["offences"]["rows_set_aside"] == 0
    staged = result.staged.read("offences", ["suspect_sex", "victim_sex"])
    assert set(staged["suspect_sex"].dropna()) <= {"Male", "Female", "Unknown"}
    assert set(staged["victim_sex"].dropna()) <= {"Male", "Female", "Unknown"}


def test_offence_groups_in_lower_case_are_read_as_the_groups(inputs):
    offences = inputs.frame("offences")
    offences["offence_group"] = offences["offence_group"].str.lower()
    inputs.save("offences", offences)
    result = inputs.stage()
    assert result.inputs["offences"]["rows_set_aside"] == 0
    assert "Violence with injury" in set(result.staged.read("offences")["offence_group"])


def test_a_coding_that_would_set_most_rows_aside_stops_naming_column_and_values(inputs):
    offences = inputs.frame("offences")
    offences["suspect_sex"] = offences["suspect_sex"].replace({"Male": "Man", "Female": "Woman"})
    inputs.save("offences", offences)
    with pytest.raises(InputError) as caught:
        inputs.stage()
    message = str(caught.value)
    assert "offences.csv" in message and "column 'suspect_sex'" in message
    assert "'Man'" in message and "'Woman'" in message
    assert "one of 'Female', 'Male', 'Unknown'" in message and "ceiling of 2%" in message


def test_the_ceiling_is_set_per_input_and_a_few_rows_are_still_set_aside(inputs):
    offences = inputs.frame("offences")
    offences.loc[:2, "victim_age"] = "150"  # three rows: under the ceiling
    inputs.save("offences", offences)
    result = inputs.stage()
    assert result.inputs["offences"]["rows_set_aside"] == 3
    offences["suspect_sex"] = offences["suspect_sex"].replace({"Male": "Man"})
    inputs.save("offences", offences)
    inputs.raw["inputs"]["offences"]["set_aside_ceiling"] = 1.0
    result = inputs.stage()
    assert result.inputs["offences"]["rows_set_aside"] > len(offences) // 5


@pytest.mark.parametrize(
    "spoil, named",
    [
        (lambda p: p.drop(p.index[(p.year == "2024") & (p.age_band == "18-24")][:1]), "2024 18-24"),
        (lambda p: p[~((p.year == "2023") & (p.district_code == "E07000114"))], "E07000114 2023"),
        (lambda p: p.assign(population=p.population.mask(p.index == 3, "0")), "population of 0"),
    ],
    ids=["missing age band", "missing district-year", "zero population"],
)
def test_population_gaps_stop_before_any_notebook_naming_what_is_missing(inputs, spoil, named):
    inputs.save("population", spoil(inputs.frame("population")))
    with pytest.raises(InputError, match="population") as caught:
        inputs.stage()
    assert named in str(caught.value) and "population.csv" in str(caught.value)


def test_ids_that_differ_only_by_case_are_not_two_offences(inputs):
    offences = inputs.frame("offences")
    offences.loc[5, "offence_id"] = offences.loc[4, "offence_id"].lower()
    inputs.save("offences", offences)
    with pytest.raises(InputError, match="upper and lower case") as caught:
        inputs.stage()
    assert "column 'offence_id'" in str(caught.value) and "rows 6, 7" in str(caught.value)


def test_ids_that_differ_only_by_a_zero_width_space_are_not_two_offences(inputs):
    offences = inputs.frame("offences")
    offences.loc[5, "offence_id"] = offences.loc[4, "offence_id"] + "\u200b"
    inputs.save("offences", offences)
    with pytest.raises(ContractBreach, match="offence_id") as caught:
        inputs.stage()
    assert "6, 7" in str(caught.value)


def test_a_district_name_contradicting_its_code_stops(inputs):
    offences = inputs.frame("offences")
    ashford = offences.index[offences.district_code == "E07000105"][:2]
    offences.loc[ashford, "district_name"] = "Thanet"
    inputs.save("offences", offences)
    with pytest.raises(InputError, match="E07000105 is Ashford, not 'Thanet'") as caught:
        inputs.stage()
    assert "column 'district_name'" in str(caught.value)
    rows = ", ".join(str(r + 2) for r in ashford)
    assert f"rows {rows}" in str(caught.value)


def test_another_spelling_of_a_district_or_an_alias_is_accepted(inputs):
    offences = inputs.frame("offences")
    offences.loc[offences.district_code == "E07000105", "district_name"] = "ASHFORD "
    offences.loc[offences.district_code == "E06000035", "district_name"] = "Medway Towns"
    inputs.save("offences", offences)
    inputs.raw["districts"][2]["aliases"] = ["Medway Towns"]
    assert inputs.stage().inputs["offences"]["rows_set_aside"] == 0
